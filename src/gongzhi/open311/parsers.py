"""Parse GeoReport v2 input: the POST form and the GET requests query.

Only the translation happens here (text to numbers, dates, lists; the
``attribute[code]`` and ``attribute[code][]`` keys to a dict). Whether the values
are acceptable is decided by the cases services, as for every other channel.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .errors import bad_request

MAX_PAGE_SIZE = 1000
MAX_PAGE = 10_000_000
# Dates outside these years are typing mistakes, and would overflow on the way
# to the database.
YEARS = (1900, 2999)
MAX_WINDOW = dt.timedelta(days=90)
STATUSES = ("open", "closed")

_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[[^\[\]]*\])?$")
# C0 controls other than tab, newline and carriage return: not allowed in XML
# 1.0 and (NUL) refused by PostgreSQL text columns.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Return ``value`` without control characters and surrounding spaces."""
    return _CONTROL.sub("", value).strip()


def _get(data: Mapping[str, Any], name: str) -> str:
    """Return the (last) value of ``name``; absent and empty are the same."""
    getter = getattr(data, "get", None)
    value = getter(name, "") if getter else ""
    return clean_text(str(value or ""))


def _getlist(data: Any, name: str) -> list[str]:
    values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
    return [clean_text(str(v)) for v in values if v is not None]


@dataclass(frozen=True)
class PostedRequest:
    """The fields of a POST requests form, in the spec's names."""

    api_key: str = ""
    jurisdiction_id: str = ""
    service_code: str = ""
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    address_id: str = ""
    attributes: dict[str, str | list[str]] = field(default_factory=dict)
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""


def _coordinate(data: Any, name: str, errors: list[str]) -> float | None:
    raw = _get(data, name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        errors.append(
            _("%(name)s must be a number in decimal degrees (WGS84).") % {"name": name}
        )
        return None
    return value


def parse_attributes(data: Any) -> dict[str, str | list[str]]:
    """Return the ``attribute[code]`` answers; ``attribute[code][]`` gives a list."""
    answers: dict[str, str | list[str]] = {}
    for key in data:
        match = _ATTRIBUTE.match(str(key))
        if not match:
            continue
        code = clean_text(match.group(1))
        values = [v for v in _getlist(data, key) if v != ""]
        if not code or not values:
            continue
        before = answers.get(code)
        merged = ([before] if isinstance(before, str) else before or []) + values
        many = match.group(2) is not None or len(merged) > 1
        answers[code] = merged if many else merged[0]
    return answers


def parse_post(data: Any) -> PostedRequest:
    """Return the POST requests form as a :class:`PostedRequest`.

    Raise :class:`~gongzhi.open311.errors.Open311Error` (400) for coordinates that
    are not numbers.
    """
    errors: list[str] = []
    lat = _coordinate(data, "lat", errors)
    lng = _coordinate(data, "long", errors)
    if errors:
        raise bad_request(*errors)
    return PostedRequest(
        api_key=_get(data, "api_key"),
        jurisdiction_id=_get(data, "jurisdiction_id"),
        service_code=_get(data, "service_code"),
        lat=lat,
        long=lng,
        address_string=_get(data, "address_string"),
        address_id=_get(data, "address_id"),
        attributes=parse_attributes(data),
        email=_get(data, "email"),
        device_id=_get(data, "device_id"),
        account_id=_get(data, "account_id"),
        first_name=_get(data, "first_name"),
        last_name=_get(data, "last_name"),
        phone=_get(data, "phone"),
        description=clean_text(str(data.get("description", "") or "")),
        media_url=_get(data, "media_url"),
    )


@dataclass(frozen=True)
class RequestQuery:
    """The arguments of GET requests, defaults applied."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: frozenset[str] = frozenset()
    page: int = 1
    page_size: int = MAX_PAGE_SIZE
    extensions: bool = False


def _comma_list(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in value.split(",") if p.strip()))


def parse_w3c_datetime(value: str) -> dt.datetime | None:
    """Return the W3C (ISO 8601) date or date-time ``value``, timezone-aware.

    A date alone is midnight, and a time without offset is local time, in the
    platform's timezone. Return None if ``value`` is neither, or is not between
    the years 1900 and 2999.
    """
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                return None
            parsed = dt.datetime.combine(day, dt.time())
    except ValueError:
        return None
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _positive_int(data: Any, name: str, default: int, errors: list[str]) -> int:
    raw = _get(data, name)
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        errors.append(
            _("%(name)s must be a whole number of 1 or more.") % {"name": name}
        )
        return default
    return int(raw)


def parse_query(data: Any, *, now: dt.datetime | None = None) -> RequestQuery:
    """Return the GET requests arguments; raise Open311Error (400) listing errors.

    ``service_request_id`` overrides every other argument (the spec). Otherwise
    the dates default to the most recent 90 days, and a range longer than 90 days
    is refused.
    """
    errors: list[str] = []
    ids = _comma_list(_get(data, "service_request_id"))
    extensions = _get(data, "extensions").lower() in ("true", "1", "yes")
    if ids:
        if len(ids) > MAX_PAGE_SIZE:
            raise bad_request(
                _("At most %(max)s service_request_id values can be asked at once.")
                % {"max": MAX_PAGE_SIZE}
            )
        return RequestQuery(ids=ids, page_size=len(ids), extensions=extensions)

    dates: dict[str, dt.datetime | None] = {}
    for name in ("start_date", "end_date"):
        raw = _get(data, name)
        dates[name] = parse_w3c_datetime(raw) if raw else None
        if raw and dates[name] is None:
            errors.append(
                _(
                    "%(name)s must be a date and time in W3C format, "
                    "e.g. 2026-01-01T00:00:00+08:00."
                )
                % {"name": name}
            )
    start, end = dates["start_date"], dates["end_date"]
    if start is not None and end is not None:
        if end < start:
            errors.append(_("end_date must not be before start_date."))
        elif end - start > MAX_WINDOW:
            errors.append(_("start_date and end_date may not span more than 90 days."))
    elif start is not None:
        end = start + MAX_WINDOW
    elif end is not None:
        start = end - MAX_WINDOW
    elif not errors:
        start = (now or timezone.now()) - MAX_WINDOW

    statuses = _comma_list(_get(data, "status").lower())
    wrong = [s for s in statuses if s not in STATUSES]
    if wrong:
        errors.append(
            _("status must be open or closed, not “%(value)s”.") % {"value": wrong[0]}
        )
    page = _positive_int(data, "page", 1, errors)
    if page > MAX_PAGE:
        errors.append(_("page may be at most %(max)s.") % {"max": MAX_PAGE})
    page_size = _positive_int(data, "page_size", MAX_PAGE_SIZE, errors)
    if page_size > MAX_PAGE_SIZE:
        errors.append(_("page_size may be at most %(max)s.") % {"max": MAX_PAGE_SIZE})
    if errors:
        raise bad_request(*errors)
    return RequestQuery(
        service_codes=_comma_list(_get(data, "service_code")),
        start=start,
        end=end,
        statuses=frozenset(statuses),
        page=page,
        page_size=page_size,
        extensions=extensions,
    )
