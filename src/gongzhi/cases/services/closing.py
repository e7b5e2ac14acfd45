"""Services that finish a case: verify, rate, close, reopen, cancel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import (
    Action,
    Satisfaction,
    Solved,
    Status,
    SupervisionReason,
)
from ..models import Case, Rating
from ..permissions import can_act
from ..photos import ProcessedPhoto, save_photos
from ..stats import stats_revert
from .base import apply, lock, require, require_text
from .intake import case_check_token
from .supervision import SUPERVISION_REOPENS, _supervise


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
