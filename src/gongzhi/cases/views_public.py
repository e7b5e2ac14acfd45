"""Public and reporter-facing case pages: report, track, rate, public list and map."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
