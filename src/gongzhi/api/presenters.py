"""Turn cases and their parts into the API's response data."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.urls import reverse

from gongzhi.cases.choices import (
    Channel,
    ExtensionStatus,
    HandlingRole,
    Status,
    Urgency,
)
from gongzhi.cases.models import Case, CaseEvent, CasePhoto, ExtensionRequest
from gongzhi.cases.selectors_work import reporter_contact

from .selectors import api_actions, pending_extension


def choice(value: str, enum: Any) -> dict[str, str]:
    try:
        label = enum(value).label
    except ValueError:
        label = value
    return {"value": value, "label": str(label)}


def ref(obj: Model | None) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def case_summary(case: Case) -> dict[str, Any]:
    category = case.category
    return {
        "number": case.number,
        "title": case.title,
        "description": case.description,
        "status": choice(case.status, Status),
        "urgency": choice(case.urgency, Urgency),
        "channel": choice(case.channel, Channel),
        "category": {"id": category.pk, "code": category.code, "name": category.name},
        "community": ref(case.community),
        "street": ref(case.street),
        "address": case.address,
        "lead_unit": ref(case.lead_unit),
        "reported_at": case.reported_at,
        "resolve_due_at": case.resolve_due_at,
        "is_overdue": case.is_overdue,
        "under_supervision": case.under_supervision,
        "version": case.version,
    }


def reporter(case: Case, user: Any) -> dict[str, Any]:
    """Return the reporter's contact as the case page shows it (masked unless
    ``user`` may see it; unmasked reads audited), with two API-only flags."""
    return {
        **reporter_contact(user=user, case=case),
        "is_anonymous": case.is_anonymous,
        "has_account": case.reporter is not None,
    }


def extension(request: ExtensionRequest | None) -> dict[str, Any] | None:
    if request is None:
        return None
    return {
        "id": request.pk,
        "days": request.days,
        "reason": request.reason,
        "status": choice(request.status, ExtensionStatus),
        "requested_at": request.created_at,
        "requested_by": str(request.requested_by),
        "decided_at": request.decided_at,
        "decision_note": request.decision_note,
    }


def case_detail(case: Case, user: Any) -> dict[str, Any]:
    """Return everything the API shows of ``case`` to ``user``."""
    pending = pending_extension(case)
    assignments = case.assignments.select_related("organisation").order_by(
        "-dispatched_at", "role", "pk"
    )
    return {
        **case_summary(case),
        "attributes": case.attributes or {},
        "lat": case.lat,
        "lng": case.lng,
        "cooperative": ref(case.cooperative),
        "estate": ref(case.estate),
        "reporter": reporter(case, user),
        "merged_into": case.merged_into.number if case.merged_into else None,
        "accepted_at": case.accepted_at,
        "dispatched_at": case.dispatched_at,
        "acknowledged_at": case.acknowledged_at,
        "contacted_at": case.contacted_at,
        "replied_at": case.replied_at,
        "closed_at": case.closed_at,
        "signoff_due_at": case.signoff_due_at,
        "contact_due_at": case.contact_due_at,
        "extension_days": case.extension_days,
        "supervision_reason": case.supervision_reason,
        "reopen_count": case.reopen_count,
        "unit_count": case.unit_count,
        "supporter_count": case.supporter_count,
        "assignments": [
            {
                "unit": ref(a.organisation),
                "role": choice(a.role, HandlingRole),
                "dispatched_at": a.dispatched_at,
                "acknowledged_at": a.acknowledged_at,
                "ended_at": a.ended_at,
            }
            for a in assignments
        ],
        "pending_extension": extension(pending),
        "allowed_actions": api_actions(user, case, pending=pending),
    }


def photo(item: CasePhoto, number: str) -> dict[str, Any]:
    url = reverse("api:case_photo", args=[number, item.pk])
    return {
        "id": item.pk,
        "url": url,
        "thumbnail_url": f"{url}?size=thumb",
        "width": item.width,
        "height": item.height,
    }


def event(item: CaseEvent, *, number: str, public_only: bool) -> dict[str, Any]:
    return {
        "id": item.pk,
        "at": item.at,
        "action": item.action,
        "actor": item.actor_label,
        "from_status": item.from_status,
        "to_status": item.to_status,
        "note": item.note,
        "is_public": item.is_public,
        "data": item.data or {},
        "photos": [
            photo(p, number)
            for p in item.photos.all()
            if p.is_public or not public_only
        ],
    }
