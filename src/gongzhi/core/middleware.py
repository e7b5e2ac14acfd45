"""Middleware that gives every request an id, used by logs and the audit trail."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from . import context

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Attach ``request.id`` and make it and the client IP current for auditing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.id = request_id  # type: ignore[attr-defined]
        token = context.activate(
            context.RequestContext(request_id=request_id, ip=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Choose the language from the language cookie only, else Simplified Chinese.

    Django's own middleware follows the browser's Accept-Language; the platform
    defaults to Chinese whatever the browser, with English one click away.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address as the server saw it.

    Forwarded-for headers are not trusted here: a reverse proxy that must be
    believed should be configured to set REMOTE_ADDR.
    """
    return request.META.get("REMOTE_ADDR") or None
