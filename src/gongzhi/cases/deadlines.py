"""Deadline policies and due dates on the working-day calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from gongzhi.core.calendar import add_working_days

from .choices import Urgency
from .models import Case, Category, DeadlinePolicy

# DESIGN §3 defaults, used when no policy row exists.
DEFAULT_RESOLVE_DAYS = {Urgency.URGENT: 1, Urgency.GENERAL: 3, Urgency.COMPLEX: 7}


@dataclass(frozen=True)
class Limits:
    signoff_days: int
    contact_hours: int
    resolve_days: int
    extension_cap_days: int


def limits_for(category: Category, urgency: str) -> Limits:
    """Return the limits of the most specific policy for a category and urgency."""
    policies = {
        p.category_id: p
        for p in DeadlinePolicy.objects.filter(
            Q(category=category) | Q(category__isnull=True), urgency=urgency
        )
    }
    policy = policies.get(category.pk) or policies.get(None)
    if policy is None:
        return Limits(1, 24, DEFAULT_RESOLVE_DAYS[Urgency(urgency)], 15)
    return Limits(
        policy.signoff_days,
        policy.contact_hours,
        policy.resolve_days,
        policy.extension_cap_days,
    )


def start_clock(case: Case, now: dt.datetime) -> None:
    """Set the due dates of ``case`` for a dispatch at ``now`` (not saved)."""
    limits = limits_for(case.category, case.urgency)
    case.clock_started_at = now
    case.signoff_due_at = add_working_days(now, limits.signoff_days)
    case.contact_due_at = now + dt.timedelta(hours=limits.contact_hours)
    case.resolve_due_at = add_working_days(
        now, limits.resolve_days + case.extension_days
    )
    case.reminded_at = None
    case.is_overdue = False


def extend_deadline(case: Case) -> None:
    """Recompute the resolution deadline after an extension (not saved)."""
    limits = limits_for(case.category, case.urgency)
    if case.clock_started_at is None:
        raise ValueError("The case's clock has not started: it was never dispatched.")
    case.resolve_due_at = add_working_days(
        case.clock_started_at, limits.resolve_days + case.extension_days
    )
