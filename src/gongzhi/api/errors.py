"""One JSON error body for every failure on /api/: {"detail": …, "errors": …}.

The services raise the same exceptions for every channel; this module maps them
to status codes: ValidationError 400, PermissionDenied 403, Http404 404, a
disallowed transition or a stale version 409. Nothing on /api/ answers with an
HTML page or a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    BadRequest,
    PermissionDenied,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from gongzhi.cases.services import StaleCaseError
from gongzhi.cases.workflow import TransitionError

logger = logging.getLogger("gongzhi.api")

# Body parameters are all named "payload"; the name is dropped from error keys.
PAYLOAD = "payload"


def _body(detail: str, errors: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = dict(errors)
    return body


def not_allowed_message() -> str:
    """Return the message for a case or page the caller may not see."""
    return _("Your account does not have permission to see this page.")


def validation_body(exc: ValidationError) -> dict[str, Any]:
    """Return ``exc`` as {"detail": all messages, "errors": {field: messages}}."""
    if hasattr(exc, "error_dict"):
        errors = {field: list(messages) for field, messages in exc.message_dict.items()}
    else:
        errors = {NON_FIELD_ERRORS: list(exc.messages)}
    return _body(" ".join(m for ms in errors.values() for m in ms), errors)


def _field_key(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc][1:]  # drop the source: body, query, path, form
    if parts and parts[0] == PAYLOAD:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


def request_validation_body(exc: RequestValidationError) -> dict[str, Any]:
    """Return the request's type errors (caught before any service) as 400."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        message = str(error.get("msg", ""))
        errors.setdefault(_field_key(error.get("loc", ())), []).append(message)
    return _body(
        _("The request is not valid: %(fields)s.") % {"fields": ", ".join(errors)},
        errors,
    )


# Ninja's own messages, in the platform's words.
def _http_error_message(exc: HttpError) -> str:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _("The request body is not valid JSON.")
    return str(exc)


def install(api: NinjaAPI) -> None:
    """Register the platform's exception handlers on ``api``."""

    def respond(
        request: HttpRequest, body: dict[str, Any], status: int
    ) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = respond(
            request,
            _body(
                _(
                    "Sign in, or send a personal API token in the header "
                    "“Authorization: Bearer <token>”."
                )
            ),
            401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, _body(_http_error_message(exc)), exc.status_code)

    @api.exception_handler(RequestValidationError)
    def bad_request_shape(
        request: HttpRequest, exc: RequestValidationError
    ) -> HttpResponse:
        return respond(request, request_validation_body(exc), 400)

    @api.exception_handler(StaleCaseError)
    def stale(request: HttpRequest, exc: StaleCaseError) -> HttpResponse:
        return respond(request, _body(" ".join(exc.messages)), 409)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, validation_body(exc), 400)

    @api.exception_handler(TransitionError)
    def wrong_state(request: HttpRequest, exc: TransitionError) -> HttpResponse:
        return respond(request, _body(exc.message), 409)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, _body(str(exc) or not_allowed_message()), 403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc) if getattr(exc, "api_message", False) else ""
        return respond(request, _body(message or _("Not found.")), 404)

    def malformed(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(
            request,
            _body(
                _(
                    "The request could not be understood. "
                    "Check what you entered and try again."
                )
            ),
            400,
        )

    for kind in (MultiPartParserError, BadRequest, SuspiciousOperation):
        api.add_exception_handler(kind, malformed)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The last resort: logged with its traceback, answered without one.
        logger.exception("Unexpected error on %s %s", request.method, request.path)
        return respond(
            request,
            _body(
                _("The platform hit an error. It has been logged; please try again.")
            ),
            500,
        )


class NotFound(Http404):
    """A 404 whose message is meant for the caller (not Django's English one)."""

    api_message = True
