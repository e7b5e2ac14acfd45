"""Reads for the public and the reporter: anonymised cases, nearby cases, map data.

Everything the public sees passes through :class:`PublicCase`, a projection that
carries no name, phone or e-mail; personal fields are not even loaded.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.masking import mask_id_number, mask_phone
from gongzhi.places.models import Community, Street

from .choices import OPEN_STATES, Action, Status
from .models import Case, CaseEvent, CasePhoto, Category

# Cases the public never sees: refused, withdrawn or cancelled, and duplicates.
HIDDEN_STATES = frozenset({Status.REJECTED, Status.CANCELLED, Status.MERGED})
PERSONAL_FIELDS = ("reporter_name", "reporter_phone", "reporter_email", "token_hash")
NEARBY_METRES = 150.0
NEARBY_LIMIT = 5
MAP_POINTS_LIMIT = 2000
METRES_PER_DEGREE = 111_320.0

_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_PHONE = re.compile(r"(?<![\d*])\+?\d[\d -]{5,18}\d(?![\d*])")
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+\.[\w.-]+)")

# Timeline actions that are not transitions, in words a resident understands.
_EVENT_LABELS = {
    "report": _("reported"),
    "edit": _("description edited by the reporter"),
    "contact": _("the unit contacted the reporter"),
    "merged_in": _("a duplicate report was merged into this case"),
    "extension": _("deadline extended"),
}
# Bookkeeping entries a resident does not need in the timeline.
_QUIET_ACTIONS = frozenset({"support", "responded"})

STATUS_EXPLANATIONS = {
    Status.REPORTED: _(
        "We have received your report. Community staff will check it and pass it "
        "to the unit responsible."
    ),
    Status.ACCEPTED: _(
        "Community staff have accepted the report and are passing it to the unit "
        "responsible."
    ),
    Status.REJECTED: _(
        "The report was not accepted. The reason is in the progress list below."
    ),
    Status.MERGED: _(
        "Another case describes the same problem; it is followed there instead."
    ),
    Status.SELF_RESOLVED: _(
        "A street chief or community staff fixed the problem on the spot; the fix "
        "is being checked."
    ),
    Status.DISPATCHED: _(
        "The case has been passed to the unit responsible, which must confirm it "
        "has received it."
    ),
    Status.RETURN_REQUESTED: _(
        "The unit says the case is not theirs; community staff are deciding who "
        "handles it."
    ),
    Status.ACKNOWLEDGED: _("The unit responsible has taken the case on."),
    Status.IN_PROGRESS: _("The unit responsible is working on it."),
    Status.ESCALATED: _("The case has been passed up to a higher unit for help."),
    Status.REPLIED: _(
        "The unit reports the work done; community staff will check the result."
    ),
    Status.VERIFYING: _("Someone other than the unit is checking the result."),
    Status.FEEDBACK: _(
        "The problem is reported handled. Please say whether it was solved and "
        "how satisfied you are."
    ),
    Status.CLOSED: _("The case is closed."),
    Status.REOPENED: _("The case was reopened and will be handled again."),
    Status.CANCELLED: _("The case was withdrawn or cancelled."),
}


def scrub(text: str) -> str:
    """Return ``text`` with ID numbers, phone numbers and e-mail addresses masked.

    A public description is the reporter's own words; people write their phone
    number or a neighbour's into them.
    """
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    text = _PHONE.sub(lambda m: mask_phone(m.group()), text)
    return _EMAIL.sub(lambda m: f"***@{m.group(1)}", text)


def case_is_overdue(case: Case, now: dt.datetime | None = None) -> bool:
    """Return whether an open case is past its published deadline."""
    if case.status not in OPEN_STATES:
        return False
    if case.is_overdue:
        return True
    now = now or timezone.now()
    return case.resolve_due_at is not None and case.resolve_due_at < now


def _point(case: Case) -> tuple[float, float] | None:
    """Return the case's (lat, lng), or its street's centre when it has none."""
    if case.lat is not None and case.lng is not None:
        return (case.lat, case.lng)
    street = case.street
    if street is None:
        return None
    box = (street.min_lat, street.min_lng, street.max_lat, street.max_lng)
    if None in box:
        return None
    min_lat, min_lng, max_lat, max_lng = (float(v or 0) for v in box)
    return ((min_lat + max_lat) / 2, (min_lng + max_lng) / 2)


@dataclass(frozen=True)
class PublicCase:
    """What anyone may know about a case: no personal data."""

    number: str
    category: str
    status: str
    status_label: str
    is_open: bool
    community: str
    street: str
    description: str
    reported_at: dt.datetime
    closed_at: dt.datetime | None
    due_at: dt.datetime | None
    is_overdue: bool
    supporter_count: int
    lead_unit: str
    point: tuple[float, float] | None
    distance_m: float | None = None

    @property
    def url(self) -> str:
        return reverse("cases:public_case", args=[self.number])


def public_case(
    case: Case, *, now: dt.datetime | None = None, distance_m: float | None = None
) -> PublicCase:
    """Return the public projection of ``case``."""
    return PublicCase(
        number=case.number,
        category=str(case.category),
        status=case.status,
        status_label=str(case.get_status_display()),
        is_open=case.status in OPEN_STATES,
        community=str(case.community),
        street=str(case.street or ""),
        description=scrub(case.description),
        reported_at=case.reported_at,
        closed_at=case.closed_at,
        due_at=case.resolve_due_at,
        is_overdue=case_is_overdue(case, now),
        supporter_count=case.supporter_count,
        lead_unit=str(case.lead_unit or ""),
        point=_point(case),
        distance_m=distance_m,
    )


def _public_cases() -> QuerySet[Case]:
    return (
        Case.objects.exclude(status__in=HIDDEN_STATES)
        .select_related("category", "community", "street", "lead_unit")
        .defer(*PERSONAL_FIELDS)
    )


def public_case_list(
    *,
    category: Category | None = None,
    state: str = "",
    community: Community | None = None,
) -> QuerySet[Case]:
    """Return the publicly visible cases, newest first, filtered as asked.

    ``state`` is "open", "closed" or empty for both.
    """
    qs = _public_cases()
    if category is not None:
        qs = qs.filter(category=category)
    if community is not None:
        qs = qs.filter(community=community)
    if state == "open":
        qs = qs.filter(status__in=OPEN_STATES)
    elif state == "closed":
        qs = qs.filter(status=Status.CLOSED)
    return qs.order_by("-reported_at", "-id")


def public_case_get(*, number: str) -> Case:
    """Return the publicly visible case numbered ``number``, else Http404."""
    case = _public_cases().filter(number=number).first()
    if case is None:
        raise Http404
    return case


def public_case_points(
    *, category: Category | None = None, community: Community | None = None
) -> dict[str, Any]:
    """Return open cases as a GeoJSON FeatureCollection for the public map."""
    qs = public_case_list(category=category, state="open", community=community)
    features = []
    now = timezone.now()
    for case in qs[:MAP_POINTS_LIMIT]:
        row = public_case(case, now=now)
        if row.point is None:
            continue
        lat, lng = row.point
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
                "properties": {
                    "number": row.number,
                    "category": row.category,
                    "status": row.status_label,
                    "overdue": row.is_overdue,
                    "supporters": row.supporter_count,
                    "url": row.url,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    ky = METRES_PER_DEGREE
    kx = ky * max(math.cos(math.radians((lat1 + lat2) / 2)), 0.1)
    return math.hypot((lng2 - lng1) * kx, (lat2 - lat1) * ky)


def nearby_open_cases(
    *,
    category: Category,
    lat: float | None = None,
    lng: float | None = None,
    street: Street | None = None,
    radius_m: float = NEARBY_METRES,
    limit: int = NEARBY_LIMIT,
) -> list[PublicCase]:
    """Return open cases of ``category`` on ``street`` or within ``radius_m``.

    Nearest first (cases placed only by street count as on the spot), then newest.
    """
    near = Q()
    if lat is not None and lng is not None:
        pad_lat = radius_m / METRES_PER_DEGREE
        pad_lng = pad_lat / max(math.cos(math.radians(lat)), 0.1)
        near |= Q(
            lat__gte=lat - pad_lat,
            lat__lte=lat + pad_lat,
            lng__gte=lng - pad_lng,
            lng__lte=lng + pad_lng,
        )
    if street is not None:
        near |= Q(street=street)
    if not near:
        return []
    candidates = (
        _public_cases()
        .filter(near, category=category, status__in=OPEN_STATES)
        .order_by("-reported_at")[: limit * 4]
    )
    now = timezone.now()
    found: list[PublicCase] = []
    for case in candidates:
        distance = None
        if (
            lat is not None
            and lng is not None
            and case.lat is not None
            and case.lng is not None
        ):
            distance = _distance_m(lat, lng, case.lat, case.lng)
            if distance > radius_m and case.street_id != getattr(street, "pk", None):
                continue
        found.append(public_case(case, now=now, distance_m=distance))
    found.sort(key=lambda row: row.distance_m or 0.0)
    return found[:limit]


@dataclass(frozen=True)
class PublicEvent:
    at: dt.datetime
    label: str
    note: str
    photos: list[CasePhoto]


def _event_label(event: CaseEvent) -> str:
    if event.action in _EVENT_LABELS:
        return str(_EVENT_LABELS[event.action])
    if event.to_status and event.to_status in Status.values:
        return str(Status(event.to_status).label)
    if event.action in Action.values:
        return str(Action(event.action).label)
    return event.action


def public_timeline(*, case: Case, scrubbed: bool = True) -> list[PublicEvent]:
    """Return the case's public events, oldest first, with their public photos."""
    events = (
        case.events.filter(is_public=True)
        .exclude(action__in=_QUIET_ACTIONS)
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=CasePhoto.objects.filter(is_public=True),
                to_attr="public_photos",
            )
        )
    )
    return [
        PublicEvent(
            at=event.at,
            label=_event_label(event),
            note=scrub(event.note) if scrubbed else event.note,
            photos=event.public_photos,
        )
        for event in events
    ]


def public_photo_get(*, pk: int) -> CasePhoto:
    """Return a photo marked public, with its case, else Http404.

    Whether the case itself may be seen is the caller's question.
    """
    photo = CasePhoto.objects.select_related("case").filter(pk=pk, is_public=True)
    found = photo.first()
    if found is None:
        raise Http404
    return found


def reporter_case_list(*, user: Any) -> QuerySet[Case]:
    """Return the cases ``user`` reported, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return (
        Case.objects.filter(reporter=user)
        .select_related("category", "community", "street")
        .defer(*PERSONAL_FIELDS)
        .order_by("-reported_at", "-id")
    )


def _places_version() -> str:
    """A key that changes whenever a mapped community or street is added,
    removed or saved (one aggregate query per kind)."""
    parts = []
    for model in (Community, Street):
        seen = model.objects.filter(geometry__isnull=False).aggregate(
            n=Count("id"), last=Max("updated_at")
        )
        parts.append(f"{seen['n']}@{seen['last'].isoformat() if seen['last'] else ''}")
    return "|".join(parts)


def map_places_json() -> bytes:
    """Return ``map_places()`` encoded, cached until a place changes.

    At city scale (2,000 streets) the collection is about 400 kB; building and
    encoding it costs some 60 ms, the version check about 2 ms.
    """
    key = f"cases:map_places:{_places_version()}"
    encoded: bytes | None = cache.get(key)
    if encoded is None:
        encoded = json.dumps(map_places(), ensure_ascii=False).encode()
        cache.set(key, encoded, timeout=24 * 3600)
    return encoded


def map_places() -> dict[str, Any]:
    """Return communities (areas) and streets (lines) as GeoJSON for base maps."""
    features: list[dict[str, Any]] = []
    for kind, qs in (
        ("community", Community.objects.filter(geometry__isnull=False)),
        ("street", Street.objects.filter(geometry__isnull=False)),
    ):
        for place in qs.only("id", "name", "geometry").order_by("code"):
            features.append(
                {
                    "type": "Feature",
                    "geometry": place.geometry,
                    "properties": {"kind": kind, "id": place.pk, "name": place.name},
                }
            )
    return {"type": "FeatureCollection", "features": features}
