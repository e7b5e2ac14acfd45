"""Template helpers of the work pages: deadline colours and timeline labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import HANDLING_STATES, Action, Status
from ..models import Case, CaseEvent

register = template.Library()

OK, SOON, OVERDUE = "ok", "soon", "overdue"
STATE_LABELS = {OK: _("on time"), SOON: _("due soon"), OVERDUE: _("overdue")}

# Timeline entries that are not transitions of the workflow table.
EVENT_LABELS = {
    "report": _("reported"),
    "contact": _("reporter contacted"),
    "responded": _("responded in time"),
    "extension_request": _("extension requested"),
    "extension_approved": _("extension approved"),
    "extension_refused": _("extension refused"),
    "supervise": _("placed under supervision"),
    "merged_in": _("duplicate merged in"),
    "support": _("me too"),
    "edit": _("description edited"),
    # Same words as cases.services.timers.EVENT_LABELS.
    "remind_signoff": _("reminder: sign-off due"),
    "remind_resolve": _("reminder: resolution due"),
    "overdue": _("overdue"),
}


def due_state(
    due: dt.datetime | None, start: dt.datetime | None, now: dt.datetime
) -> str:
    """Return ok, soon (within the last third of the time) or overdue."""
    if due is None:
        return ""
    if now >= due:
        return OVERDUE
    if start is not None and start < due and now >= due - (due - start) / 3:
        return SOON
    return OK


@register.filter
def deadline_state(case: Case) -> str:
    """Return the colour state of the resolution deadline while a unit holds it."""
    if case.resolve_due_at is None or case.status not in HANDLING_STATES:
        return ""
    if case.is_overdue:
        return OVERDUE
    return due_state(
        case.resolve_due_at, case.clock_started_at or case.dispatched_at, timezone.now()
    )


@register.filter
def signoff_state(case: Case) -> str:
    """Return the colour state of the sign-off limit until the unit signs."""
    if case.status != Status.DISPATCHED or case.acknowledged_at is not None:
        return ""
    return due_state(case.signoff_due_at, case.clock_started_at, timezone.now())


@register.filter
def contact_state(case: Case) -> str:
    """Return the colour state of the reporter-contact limit until contact."""
    if case.status not in HANDLING_STATES or case.contacted_at is not None:
        return ""
    return due_state(case.contact_due_at, case.clock_started_at, timezone.now())


@register.filter
def state_label(state: str) -> Any:
    return STATE_LABELS.get(state, "")


@register.filter
def event_label(event: CaseEvent) -> Any:
    """Return what happened in a timeline entry, in words."""
    if event.action in Action.values:
        return Action(event.action).label
    return EVENT_LABELS.get(event.action, event.action)


@register.filter
def status_label(value: str) -> Any:
    return Status(value).label if value in Status.values else value
