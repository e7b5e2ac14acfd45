"""The web shell: the public landing page and each user's home page by role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.orgs.models import Organisation
from gongzhi.places.models import Community, Street

from .selectors import home_sections


def home(request: HttpRequest) -> HttpResponse:
    """Show the public landing page, or the signed-in user's sections per role."""
    if not request.user.is_authenticated:
        return render(
            request,
            "portal/landing.html",
            {
                "community_count": Community.objects.count(),
                "street_count": Street.objects.count(),
                "organisation_count": Organisation.objects.filter(
                    is_active=True
                ).count(),
            },
        )
    return render(
        request, "portal/home.html", {"sections": home_sections(request.user)}
    )
