"""Translate categories and cases into GeoReport v2 fields, in the spec's order.

Empty values are None: an empty element in XML, null in JSON (as the spec's
examples show).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongzhi.cases.choices import OPEN_STATES, Action, AttributeType, Status
from gongzhi.cases.models import CaseEvent, Category, CategoryAttribute
from gongzhi.cases.selectors_public import HIDDEN_STATES, scrub

from .selectors import RequestRow

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
LIST_TYPES = (AttributeType.SINGLE, AttributeType.MULTI)
# Cases refused or withdrawn: the client learns they are closed and why, but the
# text the public never sees on the web is not published here either.
WITHHELD_STATES = frozenset({Status.REJECTED, Status.CANCELLED})
QUIET_EVENTS = frozenset({"support", "responded"})


def w3c(value: dt.datetime | None, tz: dt.tzinfo | None = None) -> str | None:
    """Return ``value`` as W3C date-time with the UTC offset of ``tz`` (local)."""
    if value is None:
        return None
    return value.astimezone(tz or timezone.get_current_timezone()).isoformat(
        timespec="seconds"
    )


def _or_none(value: str | None) -> str | None:
    return value or None


def open_or_closed(status: str) -> str:
    return "open" if status in OPEN_STATES else "closed"


def service_row(category: Category, *, has_attributes: bool) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _or_none(category.description),
        "metadata": has_attributes,
        "type": settings.OPEN311_SERVICE_TYPE,
        "keywords": _or_none(category.keywords),
        "group": _or_none(category.group),
    }


def _datatype_description(attribute: CategoryAttribute) -> str | None:
    if attribute.datatype == AttributeType.DATETIME:
        return _("A date and time in ISO 8601, e.g. 2026-11-27T09:30:00+08:00.")
    if attribute.datatype == AttributeType.NUMBER:
        return _("A number, e.g. 3 or 2.5.")
    if attribute.datatype == AttributeType.MULTI:
        return _("One or more keys of the values, each as attribute[code][]=key.")
    return None


def service_definition(category: Category) -> dict[str, Any]:
    """Return the service definition: every attribute, numbered from 1."""
    attributes = sorted(category.attributes.all(), key=lambda a: (a.order, a.code))
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": _datatype_description(attribute),
                # The spec wants distinct positive integers; ours may repeat or be 0.
                "order": position,
                "description": attribute.question,
                "values": [
                    {
                        "key": value.get("key"),
                        "name": attribute.value_name(value["key"]),
                    }
                    for value in attribute.values
                    if value.get("key") is not None
                ]
                if attribute.datatype in LIST_TYPES
                else [],
            }
            for position, attribute in enumerate(attributes, start=1)
        ],
    }


def _status_notes(row: RequestRow) -> str | None:
    if row.status == Status.MERGED and row.merged_into:
        return _("Duplicate of request %(number)s; follow that request instead.") % {
            "number": row.merged_into
        }
    return scrub(row.status_note) if row.status_note else None


def _address(row: RequestRow) -> str | None:
    if row.address:
        return row.address
    parts = [p for p in (row.street_name, row.community) if p]
    return ", ".join(parts) or None


def _event_label(event: CaseEvent) -> str:
    if event.action == "report":
        return str(_("Reported"))
    if event.to_status in Status.values:
        return str(Status(event.to_status).label)
    if event.action in Action.values:
        return str(Action(event.action).label)
    return {
        "edit": _("The reporter edited the description."),
        "merged_in": _("A duplicate request was merged into this one."),
        "extension": _("The deadline was extended."),
    }.get(event.action, event.action)


def _notes(row: RequestRow, tz: dt.tzinfo) -> list[dict[str, Any]]:
    notes = []
    state = "open"
    for event in row.events:
        if event.action in QUIET_EVENTS:
            continue
        if event.to_status:
            state = open_or_closed(event.to_status)
        spoken = event.note and event.action != Action.CLOSE
        notes.append(
            {
                "datetime": w3c(event.at, tz),
                "type": event.action,
                "status": state,
                "description": scrub(event.note) if spoken else _event_label(event),
            }
        )
    return notes


class RequestMapper:
    """Turn request rows into GeoReport v2 service requests, for one response.

    The language and timezone are looked up once, not for every row.
    """

    def __init__(
        self, *, photo_url: Callable[[int], str | None], notes: bool = False
    ) -> None:
        self.photo_url = photo_url
        self.notes = notes
        self.english = (get_language() or "").startswith("en")
        self.tz = timezone.get_current_timezone()

    def __call__(self, row: RequestRow) -> dict[str, Any]:
        tz = self.tz
        final = row.status not in OPEN_STATES
        # The photos of cases hidden from the public are not served to it.
        photo = row.first_photo_id if row.status not in HIDDEN_STATES else None
        media_url = self.photo_url(photo) if photo else None
        withheld = row.status in WITHHELD_STATES
        updated = row.closed_at if final and row.closed_at else row.updated_at
        mapped: dict[str, Any] = {
            "service_request_id": row.number,
            "status": "closed" if final else "open",
            "status_notes": _status_notes(row),
            "service_name": row.service_name_en
            if self.english
            else row.service_name_zh,
            "service_code": row.service_code,
            "description": None if withheld else _or_none(scrub(row.description)),
            "agency_responsible": row.agency,
            "service_notice": _or_none(row.service_notice),
            "requested_datetime": w3c(row.reported_at, tz),
            "updated_datetime": w3c(updated, tz),
            "expected_datetime": w3c(row.resolve_due_at, tz),
            "address": _address(row),
            "address_id": row.street_code,
            "zipcode": None,
            "lat": row.lat,
            "long": row.lng,
            "media_url": _or_none(media_url or row.posted_media_url),
        }
        if self.notes:
            mapped["notes"] = _notes(row, tz)
        return mapped


def discovery(
    *, endpoint_url: str, changeset: dt.datetime | None, contact: str, key_service: str
) -> dict[str, Any]:
    """Return the Service Discovery document (wiki.open311.org/Service_Discovery)."""
    stamp = w3c(changeset) or w3c(timezone.now())
    return {
        "changeset": stamp,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": stamp,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
