"""Case pages: the tracking page for reporters and the case page for staff and units."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import can_view_case
from .selectors import case_get, case_timeline


def track(request: HttpRequest, number: str) -> HttpResponse:
    """Show a reporter their case: status, deadline and public timeline."""
    token = request.GET.get("t", "") or request.POST.get("t", "")
    case = case_get(number=number, user=request.user, token=token)
    return render(
        request,
        "cases/track.html",
        {
            "case": case,
            "token": token,
            "events": case_timeline(case=case, public_only=True),
        },
    )


def detail(request: HttpRequest, number: str) -> HttpResponse:
    """Show the full case to those who work on it."""
    case = case_get(number=number, user=request.user)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "events": case_timeline(case=case, public_only=False),
            "can_view": can_view_case(request.user, case),
        },
    )
