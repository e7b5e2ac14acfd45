"""Extensions (延期): the lead unit asks for more working days; staff decide."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record

from .. import deadlines
from ..choices import UNIT_HOLDS_STATES, ExtensionStatus
from ..models import Case, ExtensionRequest
from ..permissions import can_decide_extension, can_request_extension
from .base import lock, record_event, require, require_text


@transaction.atomic
def case_extension_request(
    *, case: Case, actor: Any, days: int, reason: str
) -> ExtensionRequest:
    """Ask for ``days`` more working days, within the policy's total cap."""
    case = lock(case, None)
    require(can_request_extension(actor, case))
    if case.status not in UNIT_HOLDS_STATES:
        raise ValidationError(_("Only a case being handled can be extended."))
    reason = require_text(reason, _("Say why more time is needed."))
    if case.extension_days:
        raise ValidationError(
            _("This case has already been given its extension (one per dispatch).")
        )
    if case.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError(
            _("An extension request for this case is already waiting.")
        )
    limits = deadlines.limits_for(case.category, case.urgency)
    room = limits.extension_cap_days - limits.resolve_days - case.extension_days
    if days < 1 or days > room:
        raise ValidationError(
            {
                "days": _("Between 1 and %(room)s working days can still be requested.")
                % {"room": max(room, 0)}
                if room > 0
                else _("This case has used all the extension its policy allows.")
            }
        )
    request = ExtensionRequest.objects.create(
        case=case, requested_by=actor, days=days, reason=reason
    )
    record_event(
        case,
        action="extension_request",
        actor=actor,
        note=reason,
        is_public=False,
        data={"days": days},
    )
    audit_record(
        actor=actor,
        action="case.extension_request",
        obj=case,
        changes={"extension_request": [None, days]},
    )
    return request


@transaction.atomic
def case_extension_decide(
    *, request: ExtensionRequest, actor: Any, approve: bool, note: str = ""
) -> ExtensionRequest:
    """Approve (the deadline moves) or refuse a pending extension request."""
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    case = lock(request.case, None)
    require(can_decide_extension(actor, case))
    if request.status != ExtensionStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if case.status not in UNIT_HOLDS_STATES:
        raise ValidationError(
            _("The case is no longer being handled, so its deadline cannot move.")
        )
    if not approve:
        note = require_text(note, _("Tell the unit why the extension is refused."))
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save()
    before = case.resolve_due_at
    if approve:
        case.extension_days += request.days
        deadlines.extend_deadline(case)
        case.is_overdue = bool(
            case.resolve_due_at and case.resolve_due_at < timezone.now()
        )
        case.version += 1
        case.save()
    record_event(
        case,
        action="extension_approved" if approve else "extension_refused",
        actor=actor,
        note=note,
        data={"days": request.days},
    )
    audit_record(
        actor=actor,
        action="case.extension_decide",
        obj=case,
        changes={"resolve_due_at": [str(before), str(case.resolve_due_at)]}
        if approve
        else {},
        note=note,
    )
    return request
