"""Error pages: HTML for browsers, JSON for API paths; never a traceback."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

_API_PREFIXES = ("/api/", "/open311/", "/healthz")


def _respond(
    request: HttpRequest, status: int, title: str, message: str
) -> HttpResponse:
    if request.path.startswith(_API_PREFIXES):
        return JsonResponse({"detail": message}, status=status)
    return render(
        request,
        "error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _respond(
        request,
        400,
        _("Bad request"),
        _("The request could not be understood. Check what you entered and try again."),
    )


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _respond(
        request,
        403,
        _("Not allowed"),
        _("Your account does not have permission to see this page."),
    )


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _respond(
        request,
        404,
        _("Page not found"),
        _("There is no page at this address. It may have moved."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    title = _("Something went wrong")
    message = _("The platform hit an error. It has been logged; please try again.")
    try:
        return _respond(request, 500, title, message)
    except Exception:  # the error page itself must not fail; fall back to plain text
        return HttpResponse(
            f"{title}\n{message}", status=500, content_type="text/plain"
        )
