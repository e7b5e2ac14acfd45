"""URLs of the API: ninja's, with a JSON body on its 405 answers too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _

from .api import api


def _json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a wrong method in JSON, like every other error on /api/."""

    @wraps(view)  # keeps csrf_exempt: the API checks CSRF itself (auth.py)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get(
            "Content-Type", ""
        ).startswith("application/json"):
            allowed = response.get("Allow", "")
            replaced = JsonResponse(
                {
                    "detail": _("This address takes only: %(methods)s.")
                    % {"methods": allowed}
                },
                status=405,
            )
            replaced["Allow"] = allowed
            return replaced
        return response

    return wrapper


_patterns, app_name, _namespace = api.urls
urlpatterns = [
    URLPattern(p.pattern, _json_405(p.callback), p.default_args, p.name)
    for p in _patterns
    if isinstance(p, URLPattern)
]
