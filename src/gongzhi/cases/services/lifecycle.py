"""Services for every step of a case after intake (DESIGN §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.orgs.models import Organisation

from .. import deadlines
from ..choices import (
    OPEN_STATES,
    UNIT_HOLDS_STATES,
    Action,
    ExtensionStatus,
    HandlingRole,
    Satisfaction,
    Solved,
    Status,
    SupervisionReason,
    Urgency,
)
from ..models import Case, Category, HandlingAssignment, Rating, Supporter
from ..permissions import can_act, can_supervise, is_lead_handler
from ..photos import ProcessedPhoto, save_photos
from ..stats import stats_bump, stats_revert
from .base import apply, lock, record_event, require, require_text
from .intake import case_check_token

SUPERVISION_REOPENS = 3
SUPERVISION_UNITS = 3


@transaction.atomic
def case_accept(
    *,
    case: Case,
    actor: Any,
    urgency: str | None = None,
    category: Category | None = None,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Accept a reported case (受理), optionally correcting category and urgency."""
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.ACCEPT))
    now = now or timezone.now()
    fields: dict[str, Any] = {"accepted_at": now}
    if urgency:
        if urgency not in Urgency.values:
            raise ValidationError({"urgency": _("Unknown urgency.")})
        fields["urgency"] = urgency
    if category is not None:
        fields["category"] = category
    apply(
        case,
        Action.ACCEPT,
        actor=actor,
        note=note,
        fields=fields,
        now=now,
        stats={"accepted": 1},
    )
    return case


@transaction.atomic
def case_reject(
    *,
    case: Case,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Reject a report that is not a case for the community, with the reason."""
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.REJECT))
    reason = require_text(reason, _("Give the reason for rejecting the case."))
    now = now or timezone.now()
    apply(
        case,
        Action.REJECT,
        actor=actor,
        note=reason,
        now=now,
        fields={"closed_at": now},
    )
    return case


@transaction.atomic
def case_merge(
    *,
    case: Case,
    into: Case,
    actor: Any,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Merge a duplicate into an open case; its reporter and supporters carry over.

    The duplicate leaves the statistics (DESIGN §3: merged cases are excluded).
    """
    # Lock the two rows in one order, so that two people merging the same pair
    # in opposite directions wait for each other instead of deadlocking.
    if into.pk < case.pk:
        target = lock(into, None)
        case = lock(case, expected_version)
    else:
        case = lock(case, expected_version)
        target = lock(into, None)
    require(can_act(actor, case, Action.MERGE))
    if target.pk == case.pk:
        raise ValidationError(_("A case cannot be merged into itself."))
    if target.status not in OPEN_STATES or target.merged_into_id:
        raise ValidationError(_("Cases can only be merged into an open case."))
    if target.community_id != case.community_id:
        raise ValidationError(_("Both cases must be in the same community."))
    now = now or timezone.now()
    reverted = stats_revert(case)
    apply(
        case,
        Action.MERGE,
        actor=actor,
        note=note or _("Merged into %(number)s.") % {"number": target.number},
        now=now,
        data={"stats_reverted": reverted} if reverted else None,
        fields={"merged_into": target, "closed_at": now},
    )
    existing_users = set(
        target.supporters.exclude(user=None).values_list("user_id", flat=True)
    )
    existing_prints = set(
        target.supporters.exclude(fingerprint="").values_list("fingerprint", flat=True)
    )
    for supporter in case.supporters.all():
        if (
            supporter.user_id
            and supporter.user_id not in existing_users
            and supporter.user_id != target.reporter_id
        ) or (supporter.fingerprint and supporter.fingerprint not in existing_prints):
            Supporter.objects.create(
                case=target,
                user_id=supporter.user_id,
                fingerprint=supporter.fingerprint,
            )
    if (
        case.reporter_id
        and case.reporter_id not in existing_users
        and case.reporter_id != target.reporter_id
    ):
        Supporter.objects.get_or_create(case=target, user_id=case.reporter_id)
    elif not case.reporter_id:
        Supporter.objects.get_or_create(case=target, fingerprint=f"case:{case.number}")
    target.supporter_count = target.supporters.count()
    target.save(update_fields=["supporter_count", "updated_at"])
    record_event(
        target,
        action="merged_in",
        actor=actor,
        note=_("Case %(number)s was merged into this one.") % {"number": case.number},
        at=now,
    )
    return case


@transaction.atomic
def case_self_resolve(
    *,
    case: Case,
    actor: Any,
    note: str,
    photos: Sequence[ProcessedPhoto] = (),
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Record that a street chief or staff fixed it on the spot (自办自结)."""
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.SELF_RESOLVE))
    note = require_text(note, _("Say what was done on the spot."))
    now = now or timezone.now()
    event = apply(
        case,
        Action.SELF_RESOLVE,
        actor=actor,
        note=note,
        now=now,
        fields={"replied_at": now},
        stats={"self_resolved": 1},
    )
    save_photos(case, photos, event=event)
    _send_for_verification(case, now)
    return case


def _send_for_verification(case: Case, now: dt.datetime) -> None:
    apply(
        case,
        Action.SUBMIT_FOR_VERIFICATION,
        actor=None,
        check_permission=False,
        now=now,
        note=_("Sent for verification."),
    )


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
    now = now or timezone.now()
    event = apply(
        case, Action.REPLY, actor=actor, note=note, now=now, fields={"replied_at": now}
    )
    save_photos(case, photos, event=event)
    _send_for_verification(case, now)
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


@transaction.atomic
def case_verify(
    *,
    case: Case,
    actor: Any,
    ok: bool,
    note: str = "",
    photos: Sequence[ProcessedPhoto] = (),
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Someone other than the handler checks the fix (核查): confirm or rework."""
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.CONFIRM if ok else Action.REWORK))
    if ok and _resolved_it_themselves(case, actor):
        raise PermissionDenied(
            _("You resolved this case yourself; someone else must verify it.")
        )
    if ok:
        event = apply(case, Action.CONFIRM, actor=actor, note=note, now=now)
    else:
        note = require_text(note, _("Say what still needs doing."))
        event = apply(case, Action.REWORK, actor=actor, note=note, now=now)
    save_photos(case, photos, event=event)
    return case


def _resolved_it_themselves(case: Case, actor: Any) -> bool:
    last = case.events.filter(action=Action.SELF_RESOLVE).order_by("-at", "-id").first()
    return (
        last is not None
        and last.actor_id is not None
        and last.actor_id == getattr(actor, "pk", None)
    )


def _on_time(case: Case) -> bool:
    return case.resolve_due_at is None or (
        case.replied_at is not None and case.replied_at <= case.resolve_due_at
    )


@transaction.atomic
def case_rate(
    *,
    case: Case,
    actor: Any,
    token: str = "",
    solved: str,
    satisfaction: str,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Rating:
    """The reporter rates the result; the case closes. A poor rating asks to reopen."""
    case = lock(case, None)
    reporter = (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and (case.reporter_id == actor.pk)
    )
    require(
        reporter or case_check_token(case, token),
        _("Only the person who reported the case can rate it."),
    )
    if case.status != Status.FEEDBACK:
        raise ValidationError(_("This case is not waiting for a rating."))
    errors = {}
    if solved not in Solved.values:
        errors["solved"] = _("Say whether the problem was solved.")
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = _("Say how satisfied you are.")
    if "\x00" in comment:
        errors["comment"] = str(ProhibitNullCharactersValidator.message)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    rating = Rating.objects.create(
        case=case,
        solved=solved,
        satisfaction=satisfaction,
        comment=comment.strip()[:2000],
        rated_by=actor if reporter else None,
    )
    poor = solved == Solved.NO or satisfaction == Satisfaction.UNSATISFIED
    apply(
        case,
        Action.CLOSE,
        actor=actor,
        check_permission=False,
        now=now,
        note=comment.strip()[:2000],
        data={"solved": solved, "satisfaction": satisfaction},
        fields={"closed_at": now, "reopen_requested": poor},
        stats={
            "rated": 1,
            "closed": 1,
            "closed_on_time": int(_on_time(case)),
            "solved": int(solved == Solved.YES),
            "partly_solved": int(solved == Solved.PARTLY),
            "satisfied": int(satisfaction == Satisfaction.SATISFIED),
            "basically_satisfied": int(satisfaction == Satisfaction.BASICALLY),
        },
    )
    return rating


@transaction.atomic
def case_auto_close(*, case: Case, now: dt.datetime | None = None) -> Case:
    """Close a case left unrated past the feedback period (system action)."""
    case = lock(case, None)
    now = now or timezone.now()
    apply(
        case,
        Action.CLOSE,
        actor=None,
        check_permission=False,
        now=now,
        note=_("Closed automatically: no rating was given."),
        fields={"closed_at": now},
        stats={"closed": 1, "closed_on_time": int(_on_time(case))},
    )
    return case


@transaction.atomic
def case_reopen(
    *,
    case: Case,
    actor: Any,
    note: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Reopen a closed case for rework (发回重办); dispatch it again afterwards."""
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.REOPEN))
    note = require_text(note, _("Say why the case is reopened."))
    now = now or timezone.now()
    apply(
        case,
        Action.REOPEN,
        actor=actor,
        note=note,
        now=now,
        fields={
            "reopen_count": case.reopen_count + 1,
            "reopen_requested": False,
            "closed_at": None,
            "replied_at": None,
        },
        stats={"reopened": 1},
    )
    if case.reopen_count >= SUPERVISION_REOPENS:
        _supervise(case, SupervisionReason.REOPENED, actor=None, at=now)
    return case


@transaction.atomic
def case_cancel(
    *,
    case: Case,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """An admin cancels an open case, with the reason.

    The case leaves the statistics (DESIGN §3: cancelled cases are excluded).
    """
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.CANCEL))
    reason = require_text(reason, _("Give the reason for cancelling the case."))
    now = now or timezone.now()
    case.assignments.filter(ended_at__isnull=True).update(ended_at=now)
    reverted = stats_revert(case)
    apply(
        case,
        Action.CANCEL,
        actor=actor,
        note=reason,
        now=now,
        data={"stats_reverted": reverted} if reverted else None,
        fields={"closed_at": now},
    )
    return case


def _supervise(
    case: Case,
    reason: str,
    *,
    actor: Any,
    note: str = "",
    at: dt.datetime | None = None,
) -> None:
    if case.under_supervision:
        return
    case.under_supervision = True
    case.supervision_reason = reason
    case.save(update_fields=["under_supervision", "supervision_reason", "updated_at"])
    record_event(
        case,
        action="supervise",
        actor=actor,
        is_public=False,
        note=note or str(SupervisionReason(reason).label),
        data={"reason": reason},
        at=at,
    )


@transaction.atomic
def case_supervise(
    *, case: Case, actor: Any, note: str, now: dt.datetime | None = None
) -> Case:
    """Place an open case under supervision (督办) by hand."""
    case = lock(case, None)
    require(can_supervise(actor, case))
    if case.status not in OPEN_STATES:
        raise ValidationError(_("Only open cases can be supervised."))
    if case.under_supervision:
        raise ValidationError(_("The case is already under supervision."))
    _supervise(
        case,
        SupervisionReason.MANUAL,
        actor=actor,
        note=require_text(note, _("Say why the case is supervised.")),
        at=now,
    )
    return case
