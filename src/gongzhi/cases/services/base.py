"""The one place a case changes state, and the errors every channel shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record

from .. import notifications
from ..models import Case, CaseEvent
from ..permissions import can_act
from ..stats import stats_bump
from ..workflow import next_status


class StaleCaseError(ValidationError):
    """The form was rendered from an older version of the case."""


def actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return str(actor)[:100]


def lock(case: Case, expected_version: int | None) -> Case:
    """Return ``case`` re-read under a row lock; refuse a stale form."""
    fresh = (
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "community", "street", "lead_unit")
        .get(pk=case.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        raise StaleCaseError(
            _(
                "Someone else changed this case while you were looking at it. "
                "Reload the page to see the change, then try again."
            ),
            code="stale",
        )
    return fresh


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(
            message or _("You are not allowed to do this to the case.")
        )


def require_text(value: str, field_message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(field_message, code="required")
    if "\x00" in value:
        # PostgreSQL refuses NUL in text; forms refuse it with the same message.
        raise ValidationError(
            ProhibitNullCharactersValidator.message, code="null_characters_not_allowed"
        )
    return value


def record_event(
    case: Case,
    *,
    action: str,
    actor: Any,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    is_public: bool = True,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Append an event to the case's timeline (no state change by itself)."""
    if "\x00" in note:
        # A backstop for optional notes: PostgreSQL refuses NUL in text.
        raise ValidationError(
            {"note": ProhibitNullCharactersValidator.message},
            code="null_characters_not_allowed",
        )
    return CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor),
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        is_public=is_public,
        data=data or {},
    )


def apply(
    case: Case,
    action: str,
    *,
    actor: Any,
    note: str = "",
    is_public: bool = True,
    data: dict[str, Any] | None = None,
    check_permission: bool = True,
    fields: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
    stats: dict[str, int] | None = None,
    stats_at: dt.datetime | None = None,
) -> CaseEvent:
    """Move ``case`` (already locked) along ``action``: the only status write.

    Check the permission (unless the system acts), take the table's transition,
    set ``fields``, bump the version, add ``stats`` to the daily counters (on the
    day of ``stats_at``, else ``now``), record the case event (with the counters
    it added, for :func:`gongzhi.cases.stats.stats_revert`) and the audit entry,
    and queue notifications for after the commit.
    """
    if check_permission:
        require(can_act(actor, case, action))
    before = case.status
    after = next_status(before, action)
    now = now or timezone.now()
    case.status = after
    case.version += 1
    for name, value in (fields or {}).items():
        setattr(case, name, value)
    case.save()
    if stats:
        data = {
            **(data or {}),
            "stats": [stats_bump(case, at=stats_at or now, **stats)],
        }
    event = record_event(
        case,
        action=action,
        actor=actor,
        from_status=before,
        to_status=after,
        note=note,
        is_public=is_public,
        data=data,
        at=now,
    )
    audit_record(
        actor=actor,
        action=f"case.{action}",
        obj=case,
        changes={"status": [before, after]},
        note=note[:500],
    )
    notifications.case_event_notify(case, event)
    return event
