"""Supervision (督办): automatic triggers and placing a case under it by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..choices import (
    OPEN_STATES,
    SupervisionReason,
)
from ..models import Case
from ..permissions import can_supervise
from .base import lock, record_event, require, require_text

SUPERVISION_REOPENS = 3
SUPERVISION_UNITS = 3


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
