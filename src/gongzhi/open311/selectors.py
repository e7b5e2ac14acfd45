"""Reads behind the Open311 endpoints: services, requests, tokens, places.

Everything here is public (GeoReport v2 reads need no key): no personal field of
a case is loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    CharField,
    Count,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Length

from gongzhi.cases.choices import FINAL_STATES, OPEN_STATES, Action
from gongzhi.cases.models import Case, CaseEvent, CasePhoto, Category
from gongzhi.places.models import Community, Street

from .models import Open311Request
from .parsers import RequestQuery

# The columns a service request shows (no personal field), by their row names.
REQUEST_COLUMNS = {
    "pk": "pk",
    "number": "number",
    "status": "status",
    "description": "description",
    "address": "address",
    "lat": "lat",
    "lng": "lng",
    "reported_at": "reported_at",
    "updated_at": "updated_at",
    "closed_at": "closed_at",
    "resolve_due_at": "resolve_due_at",
    "service_code": "category__code",
    "service_name_zh": "category__name_zh",
    "service_name_en": "category__name_en",
    "service_notice": "category__description",
    "community": "community__name",
    "street_code": "street__code",
    "street_name": "street__name",
    "agency": "lead_unit__name",
    "merged_into": "merged_into__number",
    "posted_media_url": "open311__media_url",
    "status_note": "status_note",
    "first_photo_id": "first_photo_id",
}


@dataclass
class RequestRow:
    """A case as a service request shows it: plain values, no model instances.

    Reading values instead of six joined models is several times faster for the
    1000 rows a default GET requests returns.
    """

    pk: int
    number: str
    status: str
    description: str
    address: str
    lat: float | None
    lng: float | None
    reported_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    resolve_due_at: dt.datetime | None
    service_code: str
    service_name_zh: str
    service_name_en: str
    service_notice: str
    community: str | None
    street_code: str | None
    street_name: str | None
    agency: str | None
    merged_into: str | None
    posted_media_url: str | None
    status_note: str | None
    first_photo_id: int | None
    events: list[CaseEvent] = field(default_factory=list)


# Events whose note is not a word about the status: "me too" counts, the
# automatic hand-over to verification, and the reporter's rating comment.
NOT_STATUS_NOTES = (
    "support",
    "responded",
    Action.SUBMIT_FOR_VERIFICATION.value,
    Action.CLOSE.value,
)


def service_list() -> QuerySet[Category]:
    """Return the categories open to reports, with the number of attributes."""
    return (
        Category.objects.filter(is_active=True)
        .annotate(attribute_count=Count("attributes"))
        .order_by("order", "code")
    )


def service_get(*, code: str) -> Category | None:
    """Return the active category ``code`` with its attributes, or None."""
    return (
        Category.objects.filter(code=code, is_active=True)
        .prefetch_related("attributes")
        .first()
    )


def service_codes_unknown(codes: tuple[str, ...]) -> list[str]:
    """Return those of ``codes`` that name no category (active or not)."""
    known = set(Category.objects.filter(code__in=codes).values_list("code", flat=True))
    return [code for code in codes if code not in known]


def services_changed_at() -> dt.datetime | None:
    """Return when a category (an Open311 service) last changed."""
    found: dt.datetime | None = Category.objects.aggregate(at=Max("updated_at"))["at"]
    return found


def _requests() -> QuerySet[Case]:
    status_note = (
        CaseEvent.objects.filter(case=OuterRef("pk"), is_public=True)
        .exclude(to_status="")
        .exclude(note="")
        .exclude(action__in=NOT_STATUS_NOTES)
        .order_by("-at", "-id")
        .values("note")[:1]
    )
    first_photo = (
        CasePhoto.objects.filter(case=OuterRef("pk"), is_public=True)
        .order_by("id")
        .values("pk")[:1]
    )
    return Case.objects.annotate(
        status_note=Subquery(status_note), first_photo_id=Subquery(first_photo)
    )


def _rows(qs: QuerySet[Case], *, notes: bool) -> list[RequestRow]:
    names = list(REQUEST_COLUMNS)
    rows = [
        RequestRow(**dict(zip(names, values, strict=True)))
        for values in qs.values_list(*REQUEST_COLUMNS.values())
    ]
    if notes and rows:
        by_case = {row.pk: row for row in rows}
        events = CaseEvent.objects.filter(
            case_id__in=list(by_case), is_public=True
        ).order_by("case_id", "at", "id")
        for event in events.only("case_id", "at", "action", "to_status", "note"):
            by_case[event.case_id].events.append(event)
    return rows


def request_list(*, query: RequestQuery) -> list[RequestRow]:
    """Return the service requests ``query`` asks for, newest first, one page."""
    qs = _requests()
    if query.ids:
        qs = qs.filter(number__in=query.ids)
    else:
        if query.service_codes:
            qs = qs.filter(category__code__in=query.service_codes)
        if query.start is not None:
            qs = qs.filter(reported_at__gte=query.start)
        if query.end is not None:
            qs = qs.filter(reported_at__lte=query.end)
        if query.statuses == {"open"}:
            qs = qs.filter(status__in=OPEN_STATES)
        elif query.statuses == {"closed"}:
            qs = qs.filter(status__in=FINAL_STATES)
    offset = (query.page - 1) * query.page_size
    page = qs.order_by("-reported_at", "-id")[offset : offset + query.page_size]
    return _rows(page, notes=query.extensions)


def request_get(*, number: str, notes: bool = False) -> RequestRow | None:
    """Return the case numbered ``number`` as a service request, or None."""
    rows = _rows(_requests().filter(number=number), notes=notes)
    return rows[0] if rows else None


def token_get(*, token: str) -> Open311Request | None:
    """Return the Open311 request holding ``token``, with its case number."""
    return (
        Open311Request.objects.select_related("case")
        .only("token", "case__number")
        .filter(token=token)
        .first()
    )


def street_by_code(*, code: str) -> Street | None:
    """Return the street whose code is ``code`` (an Open311 ``address_id``)."""
    return Street.objects.select_related("community").filter(code=code).first()


def place_from_address(*, address: str) -> tuple[Street | None, Community | None]:
    """Return the street, else the community, whose name ``address`` mentions.

    The longest name wins ("江表上街一巷" over "江表上街"). With one community in
    the register, an address that names no place is in that community.
    """
    text = Value(address, output_field=CharField())
    street = (
        Street.objects.select_related("community")
        .annotate(text=text, name_length=Length("name"))
        .filter(text__contains=F("name"))
        .exclude(name="")
        .order_by("-name_length", "code")
        .first()
    )
    if street is not None:
        return street, street.community
    community: Community | None = (
        Community.objects.annotate(text=text, name_length=Length("name"))
        .filter(text__contains=F("name"))
        .exclude(name="")
        .order_by("-name_length", "code")
        .first()
    )
    if community is None:
        only = list(Community.objects.all()[:2])
        community = only[0] if len(only) == 1 else None
    return None, community
