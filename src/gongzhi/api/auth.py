"""Who is calling: a personal token (Authorization: Bearer) or the web session."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .services import api_token_authenticate


class ApiRequest(HttpRequest):
    """A request that passed authentication: ``auth`` is the acting user."""

    auth: Any


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token.strip())
        if user is not None:
            # Views, audit and templates see the token's user as the signed-in one.
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session; unsafe methods need the CSRF token.

    A request that carries an Authorization header is judged by that header
    alone: a wrong token must not fall back to a session cookie sent with it.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if request.headers.get("Authorization"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # anonymous: 401, not a CSRF complaint
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request):
                raise HttpError(
                    403,
                    _(
                        "CSRF check failed. Send the csrftoken cookie's value in "
                        "the X-CSRFToken header, or use a personal API token."
                    ),
                )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        return request.user


def api_auth() -> list[Any]:
    """Return the authentication methods of every endpoint, tried in order."""
    return [TokenAuth(), SessionAuth()]
