"""Services that sort a new report: accept, reject, merge, resolve on the spot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import (
    OPEN_STATES,
    Action,
    Urgency,
)
from ..models import Case, Category, Supporter
from ..permissions import can_act
from ..photos import ProcessedPhoto, save_photos
from ..stats import stats_revert
from .base import apply, lock, record_event, require, require_text


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


def case_merge_by_number(
    *,
    case: Case,
    into_number: str,
    actor: Any,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Merge ``case`` into the case numbered ``into_number`` (as people type it)."""
    number = (into_number or "").strip()
    if not number:
        raise ValidationError(
            {"into": _("Give the number of the case this one duplicates.")}
        )
    into = Case.objects.filter(number=number).first()
    if into is None:
        raise ValidationError(
            {"into": _("There is no case numbered %(number)s.") % {"number": number}}
        )
    return case_merge(
        case=case, into=into, actor=actor, note=note, expected_version=expected_version
    )


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
    report_result(
        case,
        Action.SELF_RESOLVE,
        actor=actor,
        note=note,
        photos=photos,
        now=now or timezone.now(),
        stats={"self_resolved": 1},
    )
    return case


def report_result(
    case: Case,
    action: str,
    *,
    actor: Any,
    note: str,
    photos: Sequence[ProcessedPhoto],
    now: dt.datetime,
    stats: dict[str, int] | None = None,
) -> None:
    """Record a result (a unit's reply or a fix on the spot) with its photos and
    send the case on to verification, which is never by whoever did the work."""
    event = apply(
        case,
        action,
        actor=actor,
        note=note,
        now=now,
        fields={"replied_at": now},
        stats=stats,
    )
    save_photos(case, photos, event=event)
    apply(
        case,
        Action.SUBMIT_FOR_VERIFICATION,
        actor=None,
        check_permission=False,
        now=now,
        note=_("Sent for verification."),
    )
