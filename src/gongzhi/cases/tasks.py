"""Periodic jobs of the cases app: the case timers (DESIGN §2, docs/cases.md)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from gongzhi.core.scheduling import periodic

from .services.timers import (
    timers_auto_close,
    timers_mark_overdue,
    timers_send_reminders,
)


@periodic(every=dt.timedelta(minutes=5), name="cases.send_reminders")
@task()
def send_reminders() -> dict[str, int]:
    """Remind lead units of cases at two thirds of a sign-off or resolution limit."""
    return timers_send_reminders(now=timezone.now())


@periodic(every=dt.timedelta(minutes=5), name="cases.mark_overdue")
@task()
def mark_overdue() -> int:
    """Flag cases past their resolution limit and put them under supervision."""
    return timers_mark_overdue(now=timezone.now())


@periodic(every=dt.timedelta(minutes=15), name="cases.auto_close")
@task()
def auto_close() -> int:
    """Close cases left unrated for CASE_AUTO_CLOSE_DAYS."""
    return timers_auto_close(now=timezone.now())
