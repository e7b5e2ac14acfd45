"""Case pages for those who work on cases: staff console, handler inbox, case page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import can_view_case
from .selectors import case_get, case_timeline


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
