"""GeoReport v2 endpoints: thin adapters from the spec's wire format to services.

Every answer is the spec's XML or JSON, errors included: never an HTML page and
never a 500 (an unexpected failure is logged and answered as the spec's "400 -
General service error").
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gongzhi.core.middleware import client_ip

from . import mapping, selectors
from .errors import Open311Error, bad_request, forbidden, not_found
from .parsers import parse_post, parse_query
from .ratelimit import rate_hit
from .renderers import JSON, XML, render, render_errors
from .services import (
    ApiKeyRefused,
    UnknownService,
    api_key_authenticate,
    open311_request_create,
)

logger = logging.getLogger(__name__)
READ_METHODS = ("GET", "HEAD")
# The names the cases services give fields, in the spec's words.
FIELD_NAMES = {
    "category": "service_code",
    "location": "lat/long",
    "street": "address_id",
    "address": "address_string",
    "attributes": "attribute",
    "photos": "media",
    "reporter_email": "email",
    "reporter_phone": "phone",
    "reporter_name": "first_name/last_name",
    "external_id": "account_id",
}

View = Callable[..., HttpResponse]


def _too_many(wait: int) -> Open311Error:
    return Open311Error(
        429,
        [_("Too many requests; try again in %(seconds)s seconds.") % {"seconds": wait}],
        headers={"Retry-After": str(wait)},
    )


def _param(request: HttpRequest, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return str(source.get(name, "") or "").strip()


def _check_jurisdiction(request: HttpRequest) -> None:
    jurisdiction = _param(request, "jurisdiction_id")
    if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION_ID:
        raise not_found(
            _("jurisdiction_id “%(id)s” was not found; this server serves “%(ours)s”.")
            % {"id": jurisdiction, "ours": settings.OPEN311_JURISDICTION_ID}
        )


def endpoint(*methods: str) -> Callable[[View], View]:
    """Make ``view`` a GeoReport endpoint: methods, jurisdiction, limits, errors."""

    def decorator(view: View) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            fmt = kwargs.get("fmt", XML)
            try:
                if request.method not in methods:
                    raise Open311Error(
                        405,
                        [
                            _("This resource does not accept %(method)s.")
                            % {"method": request.method}
                        ],
                        headers={"Allow": ", ".join(methods)},
                    )
                if request.method in READ_METHODS:
                    wait = rate_hit(
                        "read",
                        client_ip(request) or "-",
                        settings.OPEN311_READ_RATE_PER_MINUTE,
                    )
                    if wait:
                        raise _too_many(wait)
                _check_jurisdiction(request)
                return view(request, *args, **kwargs)
            except Open311Error as exc:
                return render_errors(fmt, exc.status, exc.problems, headers=exc.headers)
            except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
                error = bad_request(_("The request body could not be read."))
                return render_errors(fmt, error.status, error.problems)
            except Exception:
                logger.exception("Open311 %s %s failed", request.method, request.path)
                error = bad_request(
                    _(
                        "General service error: the request could not be processed. "
                        "Tell the platform's operators if this persists."
                    )
                )
                return render_errors(fmt, error.status, error.problems)

        return wrapper

    return decorator


def _photo_url(request: HttpRequest) -> Callable[[int], str | None]:
    def url(pk: int) -> str | None:
        try:
            return request.build_absolute_uri(reverse("cases:photo", args=[pk, "full"]))
        except NoReverseMatch:
            return None

    return url


def _described(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [
        f"{FIELD_NAMES.get(field, field)}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


@endpoint(*READ_METHODS)
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Return the Service Discovery document."""
    services_url = reverse("open311:services", kwargs={"fmt": XML})
    contact = settings.OPEN311_CONTACT or _(
        "Write to %(email)s for help with the Open311 interface."
    ) % {"email": settings.DEFAULT_FROM_EMAIL}
    document = mapping.discovery(
        endpoint_url=request.build_absolute_uri(services_url.rsplit("/", 1)[0]),
        changeset=selectors.services_changed_at(),
        contact=contact,
        key_service=_(
            "Reading needs no key. To post requests, ask the platform's "
            "administrators for an API key (%(contact)s)."
        )
        % {"contact": contact},
    )
    return render(fmt, "discovery", document)


@endpoint(*READ_METHODS)
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """Return every service (category) open to reports."""
    rows = [
        mapping.service_row(category, has_attributes=category.attribute_count > 0)  # type: ignore[attr-defined]
        for category in selectors.service_list()
    ]
    return render(fmt, "services", rows)


@endpoint(*READ_METHODS)
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """Return a service's definition: its attributes."""
    category = selectors.service_get(code=code)
    if category is None:
        raise not_found(_("service_code “%(code)s” was not found.") % {"code": code})
    return render(fmt, "service_definition", mapping.service_definition(category))


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    limit = settings.OPEN311_RATE_PER_MINUTE
    wait = rate_hit("post-ip", client_ip(request) or "-", limit)
    if wait:
        raise _too_many(wait)
    try:
        api_key = api_key_authenticate(raw_key=_param(request, "api_key"))
    except ApiKeyRefused as exc:
        raise forbidden(*exc.args) from exc
    wait = rate_hit("post-key", str(api_key.pk), limit)
    if wait:
        raise _too_many(wait)
    posted = parse_post(request.POST)
    if not posted.service_code:
        raise bad_request(_("service_code was not provided."))
    try:
        created = open311_request_create(
            api_key=api_key, posted=posted, media=request.FILES.getlist("media")
        )
    except UnknownService as exc:
        raise not_found(
            _("service_code “%(code)s” was not found.") % {"code": posted.service_code}
        ) from exc
    except ValidationError as exc:
        raise bad_request(*_described(exc)) from exc
    row: dict[str, Any] = (
        {"token": created.token}
        if settings.OPEN311_SERVICE_TYPE == "batch"
        else {"service_request_id": created.case.number}
    )
    row["service_notice"] = created.case.category.description or None
    row["account_id"] = created.account_id or None
    return render(fmt, "service_requests", [row])


@endpoint("GET", "HEAD", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: query service requests. POST: create one (needs an api_key)."""
    if request.method == "POST":
        return _create(request, fmt)
    query = parse_query(request.GET)
    unknown = selectors.service_codes_unknown(query.service_codes)
    if unknown:
        raise bad_request(
            *(
                _("service_code “%(code)s” was not found.") % {"code": c}
                for c in unknown
            )
        )
    mapper = mapping.RequestMapper(
        photo_url=_photo_url(request), notes=query.extensions
    )
    rows = [mapper(row) for row in selectors.request_list(query=query)]
    return render(fmt, "service_requests", rows)


@endpoint(*READ_METHODS)
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    """Return one service request, as a list of one."""
    notes = _param(request, "extensions").lower() in ("true", "1", "yes")
    row = selectors.request_get(number=request_id, notes=notes)
    if row is None:
        raise not_found(
            _("service_request_id “%(id)s” was not found.") % {"id": request_id}
        )
    mapper = mapping.RequestMapper(photo_url=_photo_url(request), notes=notes)
    return render(fmt, "service_requests", [mapper(row)])


@endpoint(*READ_METHODS)
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """Return the service_request_id a token stands for."""
    found = selectors.token_get(token=token)
    if found is None:
        raise not_found(_("token “%(token)s” was not found.") % {"token": token})
    return render(
        fmt,
        "service_requests",
        [{"service_request_id": found.case.number, "token": found.token}],
    )


@csrf_exempt
def unknown(request: HttpRequest, path: str = "") -> HttpResponse:
    """Answer any other address under /open311/ with the spec's 404."""
    fmt = JSON if request.path.endswith(".json") else XML
    error = not_found(
        _(
            "There is no Open311 resource at this address; see "
            "/open311/discovery.xml for the endpoints."
        )
    )
    return render_errors(fmt, error.status, error.problems)
