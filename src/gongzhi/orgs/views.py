"""Views of organisations: the two-coverages report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.accounts.permissions import can_view_reports
from gongzhi.places.models import Community

from .selectors import coverage_list, uncovered_organisations


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Show the two coverages for the communities the user may report on."""
    communities = [
        c
        for c in Community.objects.select_related("subdistrict")
        if can_view_reports(request.user, c)
    ]
    if not communities:
        raise PermissionDenied
    qs = Community.objects.filter(pk__in=[c.pk for c in communities])
    uncovered = list(uncovered_organisations(communities=qs))
    return render(
        request,
        "orgs/coverage.html",
        {"rows": coverage_list(communities=qs), "uncovered": uncovered},
    )
