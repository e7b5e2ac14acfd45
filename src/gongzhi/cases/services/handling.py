"""Services of the unit's work on a case: dispatch, sign-off, contact, return,
reply, escalation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.orgs.models import Organisation

from .. import deadlines
from ..choices import (
    UNIT_HOLDS_STATES,
    Action,
    ExtensionStatus,
    HandlingRole,
    SupervisionReason,
)
from ..models import Case, HandlingAssignment
from ..permissions import can_act, is_lead_handler
from ..photos import ProcessedPhoto
from ..stats import stats_bump
from .base import apply, lock, record_event, require, require_text
from .supervision import SUPERVISION_UNITS, _supervise
from .triage import report_result


@transaction.atomic
def case_dispatch(
    *,
    case: Case,
    actor: Any,
    lead: Organisation,
    assisting: Sequence[Organisation] = (),
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Dispatch (派单) to a lead unit and assisting units; the clock starts."""
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.DISPATCH))
    if not lead.is_active:
        raise ValidationError({"lead": _("This unit is no longer active.")})
    if lead in assisting:
        raise ValidationError({"assisting": _("The lead unit cannot also assist.")})
    for field, unit in [("lead", lead), *(("assisting", u) for u in assisting)]:
        # Units without a community (departments) serve the whole subdistrict.
        if unit.community_id is not None and unit.community_id != case.community_id:
            raise ValidationError(
                {field: _("%(unit)s works in another community.") % {"unit": unit}}
            )
    now = now or timezone.now()
    first = case.dispatched_at is None
    case.assignments.filter(ended_at__isnull=True).update(ended_at=now)
    led_before = set(
        case.assignments.filter(role=HandlingRole.LEAD).values_list(
            "organisation_id", flat=True
        )
    )
    case.lead_unit = lead
    # An extension belongs to the unit it was granted to: the new clock starts
    # without it, and requests still waiting lapse.
    case.extension_days = 0
    case.extension_requests.filter(status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REFUSED,
        decided_at=now,
        decision_note=_("Lapsed: the case was dispatched again."),
    )
    deadlines.start_clock(case, now)
    apply(
        case,
        Action.DISPATCH,
        actor=actor,
        now=now,
        note=note,
        data={"lead": lead.pk, "assisting": [o.pk for o in assisting]},
        fields={
            "dispatched_at": case.dispatched_at or now,
            "acknowledged_at": None,
            "unit_count": len(led_before | {lead.pk}),
        },
        # A case counts once as dispatched, in the scope of its first lead unit.
        stats={"dispatched": 1} if first else None,
    )
    HandlingAssignment.objects.create(
        case=case, organisation=lead, role=HandlingRole.LEAD, dispatched_at=now
    )
    for unit in assisting:
        HandlingAssignment.objects.create(
            case=case, organisation=unit, role=HandlingRole.ASSISTING, dispatched_at=now
        )
    if case.unit_count >= SUPERVISION_UNITS:
        _supervise(case, SupervisionReason.MANY_UNITS, actor=None, at=now)
    return case


def _on_first_clock(case: Case) -> bool:
    """Return whether the case is still on the clock of its first dispatch.

    Sign-off and response count once per case, like ``dispatched``: for the unit
    the case was first dispatched to, on the day it was dispatched, so that in
    every scope and period the numerator is a part of the denominator. A case
    returned, escalated or reopened and dispatched again does not count again.
    """
    return (
        case.dispatched_at is not None and case.clock_started_at == case.dispatched_at
    )


def _count_response(case: Case, now: dt.datetime) -> None:
    """Count a timely response once both sign-off and contact are known."""
    if case.acknowledged_at is None or not _on_first_clock(case):
        return
    contactless = not (case.reporter_phone or case.reporter_email or case.reporter_id)
    if case.contacted_at is None and not contactless:
        return
    signed = case.signoff_due_at is None or case.acknowledged_at <= case.signoff_due_at
    contacted = contactless or (
        case.contact_due_at is None or case.contacted_at <= case.contact_due_at  # type: ignore[operator]
    )
    if signed and contacted and not case.events.filter(action="responded").exists():
        entry = stats_bump(case, at=case.dispatched_at, responded_on_time=1)
        record_event(
            case,
            action="responded",
            actor=None,
            is_public=False,
            at=now,
            data={"stats": [entry]},
        )


@transaction.atomic
def case_acknowledge(
    *,
    case: Case,
    actor: Any,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """The lead unit signs for the case (签收)."""
    case = lock(case, expected_version)
    now = now or timezone.now()
    on_time = _on_first_clock(case) and (
        case.signoff_due_at is None or now <= case.signoff_due_at
    )
    apply(
        case,
        Action.ACKNOWLEDGE,
        actor=actor,
        now=now,
        fields={"acknowledged_at": now},
        stats={"signed_on_time": 1} if on_time else None,
        stats_at=case.dispatched_at,
    )
    case.assignments.filter(organisation=case.lead_unit, ended_at__isnull=True).update(
        acknowledged_at=now
    )
    _count_response(case, now)
    return case


@transaction.atomic
def case_record_contact(
    *, case: Case, actor: Any, note: str, now: dt.datetime | None = None
) -> Case:
    """The lead unit records that it contacted the reporter."""
    case = lock(case, None)
    require(is_lead_handler(actor, case))
    if case.status not in UNIT_HOLDS_STATES:
        raise ValidationError(_("Contact is recorded while the unit handles the case."))
    note = require_text(note, _("Say how and when the reporter was contacted."))
    now = now or timezone.now()
    first = case.contacted_at is None
    if first:
        case.contacted_at = now
        case.save(update_fields=["contacted_at", "updated_at"])
    record_event(
        case, action="contact", actor=actor, note=note, is_public=False, at=now
    )
    if first:
        _count_response(case, now)
    return case


@transaction.atomic
def case_request_return(
    *,
    case: Case,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """The unit disputes that the case is theirs (退单)."""
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.REQUEST_RETURN))
    reason = require_text(reason, _("Explain why the case is not for your unit."))
    apply(case, Action.REQUEST_RETURN, actor=actor, note=reason, now=now)
    return case


@transaction.atomic
def case_decide_return(
    *,
    case: Case,
    actor: Any,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Staff approve a return (the case goes back for dispatch) or refuse it."""
    case = lock(case, expected_version)
    require(
        can_act(actor, case, Action.APPROVE_RETURN if approve else Action.REFUSE_RETURN)
    )
    now = now or timezone.now()
    if approve:
        case.assignments.filter(ended_at__isnull=True).update(ended_at=now)
        apply(
            case,
            Action.APPROVE_RETURN,
            actor=actor,
            note=note,
            now=now,
            fields={"lead_unit": None, "acknowledged_at": None},
        )
    else:
        note = require_text(note, _("Tell the unit why the return is refused."))
        apply(case, Action.REFUSE_RETURN, actor=actor, note=note, now=now)
    return case


@transaction.atomic
def case_start(
    *,
    case: Case,
    actor: Any,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """The lead unit starts work on the case (处置)."""
    case = lock(case, expected_version)
    apply(case, Action.START, actor=actor, note=note, now=now)
    return case


@transaction.atomic
def case_reply(
    *,
    case: Case,
    actor: Any,
    note: str,
    photos: Sequence[ProcessedPhoto] = (),
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """The lead unit reports its result (回单); the case goes to verification."""
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.REPLY))
    note = require_text(note, _("Describe what was done."))
    report_result(
        case,
        Action.REPLY,
        actor=actor,
        note=note,
        photos=photos,
        now=now or timezone.now(),
    )
    return case


@transaction.atomic
def case_escalate(
    *,
    case: Case,
    actor: Any,
    note: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Blow the whistle (吹哨): the case goes up to be dispatched to a higher unit."""
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.ESCALATE))
    note = require_text(note, _("Say why the case needs a higher unit."))
    now = now or timezone.now()
    case.assignments.filter(ended_at__isnull=True).update(ended_at=now)
    apply(
        case,
        Action.ESCALATE,
        actor=actor,
        note=note,
        now=now,
        stats={"escalated": 1},
    )
    return case
