"""Timers on open cases: reminders, overdue marking with supervision, auto-close.

The periodic jobs in ``cases/tasks.py`` call the ``timers_*`` functions every few
minutes with the current time; tests pass their own ``now``. Each batch selects
its candidates with indexed filters (status first), walks them in chunks of
primary keys, and handles every case in a transaction of its own under a row
lock, re-checking the condition there: two workers running the same job, or a
handler acting at the same moment, can neither act twice nor act on a case
that has moved on.

Limits are counted on the working-day calendar (``gongzhi.core.calendar``). A
limit of N working days runs from ``clock_started_at`` to its due time; the
reminder (催办) goes out when two thirds of it have run, measured the same way:
every working day contributes the 24 hours that end at the clock's time of day
on it (the convention of :func:`~gongzhi.core.calendar.add_working_days`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterator
from fractions import Fraction
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.calendar import (
    TZ,
    add_working_days,
    is_working_day,
    working_days_between,
)
from gongzhi.core.notify import notify_user

from ..choices import HANDLING_STATES, Action, Status, SupervisionReason
from ..models import Case, CaseEvent, DeadlinePolicy
from ..notifications import _unit_users
from .base import lock, record_event
from .lifecycle import _supervise, case_auto_close

REMINDER_FRACTION = Fraction(2, 3)
CHUNK_SIZE = 500

SIGNOFF = "signoff"
RESOLVE = "resolve"
LIMITS = (SIGNOFF, RESOLVE)

# Actions of the events the timers write, with labels for timelines.
REMIND_SIGNOFF = "remind_signoff"
REMIND_RESOLVE = "remind_resolve"
OVERDUE = "overdue"
EVENT_LABELS = {
    REMIND_SIGNOFF: gettext_lazy("reminder: sign-off due"),
    REMIND_RESOLVE: gettext_lazy("reminder: resolution due"),
    OVERDUE: gettext_lazy("overdue"),
}
_REMIND_ACTION = {SIGNOFF: REMIND_SIGNOFF, RESOLVE: REMIND_RESOLVE}


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    # add_working_days gives a datetime for a datetime.
    return cast(dt.datetime, value)


class WorkingDayTable:
    """The working days from ``first`` to ``last``, for many sums in one batch.

    :meth:`add` and :meth:`between` answer as
    :func:`~gongzhi.core.calendar.add_working_days` and
    :func:`~gongzhi.core.calendar.working_days_between` do, by bisection, and
    fall back to them outside the span.
    """

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first, self.last = first, last
        span = ((first + dt.timedelta(days=i)) for i in range((last - first).days + 1))
        self.days = [day for day in span if is_working_day(day)]

    def add(self, start: dt.datetime, n: int) -> dt.datetime:
        if n == 0:
            return start
        local = start.astimezone(TZ)
        index = bisect.bisect_right(self.days, local.date()) + n - 1
        if local.date() < self.first or index >= len(self.days):
            return _moment(add_working_days(start, n))
        return dt.datetime.combine(self.days[index], local.timetz())

    def between(self, start: dt.datetime, end: dt.datetime) -> int:
        a, b = start.astimezone(TZ).date(), end.astimezone(TZ).date()
        if not self.first <= a <= b <= self.last:
            return working_days_between(start, end)
        return bisect.bisect_right(self.days, b) - bisect.bisect_right(self.days, a)


def reminder_at(
    start: dt.datetime, days: int, table: WorkingDayTable | None = None
) -> dt.datetime:
    """Return when two thirds of a limit of ``days`` working days from ``start``
    have run."""

    def add(n: int) -> dt.datetime:
        return table.add(start, n) if table else _moment(add_working_days(start, n))

    share = REMINDER_FRACTION * days
    whole = math.floor(share)
    if share == whole:
        return add(whole)
    # The next working day's 24 hours end at the same time of day as the clock.
    return add(whole + 1) - dt.timedelta(seconds=int((1 - (share - whole)) * 86_400))


def limit_days(
    start: dt.datetime, due: dt.datetime, table: WorkingDayTable | None = None
) -> int:
    """Return the length in working days of the limit from ``start`` to ``due``."""
    return table.between(start, due) if table else working_days_between(start, due)


def _due_field(limit: str) -> str:
    return "signoff_due_at" if limit == SIGNOFF else "resolve_due_at"


def _reminder_due(
    case: Case, limit: str, now: dt.datetime, table: WorkingDayTable | None = None
) -> bool:
    due = getattr(case, _due_field(limit))
    start = case.clock_started_at
    if start is None or due is None or due <= now:
        return False
    return reminder_at(start, limit_days(start, due, table), table) <= now


def _already_reminded(case: Case, limit: str) -> bool:
    if limit == RESOLVE:
        return case.reminded_at is not None
    return case.events.filter(
        action=REMIND_SIGNOFF, at__gte=case.clock_started_at
    ).exists()


def _in_state(case: Case, limit: str) -> bool:
    if limit == SIGNOFF:
        return case.status == Status.DISPATCHED
    return case.status in HANDLING_STATES


def _local(value: dt.datetime) -> str:
    return formats.date_format(value.astimezone(TZ), "Y-m-d H:i")


def _tell_unit(case: Case, *, subject: str, body: str) -> int:
    """Notify the lead unit's handlers in the app and by e-mail; return how many."""
    if case.lead_unit_id is None:
        return 0
    users = _unit_users(case.lead_unit_id)
    for user in users:
        notify_user(
            user, subject=subject, body=body, url=case.get_absolute_url(), email=True
        )
    return len(users)


@transaction.atomic
def case_send_reminder(*, case: Case, limit: str, now: dt.datetime) -> bool:
    """Remind the lead unit that two thirds of a limit have run (催办).

    ``limit`` is ``"signoff"`` or ``"resolve"``. Return False, doing nothing,
    when the reminder is not (or no longer) due or was already sent for the
    current dispatch.
    """
    if limit not in LIMITS:
        raise ValueError(f"Unknown limit {limit!r}.")
    case = lock(case, None)
    if (
        not _in_state(case, limit)
        or not _reminder_due(case, limit, now)
        or _already_reminded(case, limit)
    ):
        return False
    due: dt.datetime = getattr(case, _due_field(limit))
    if limit == SIGNOFF:
        subject = _("Reminder: sign for case %(number)s by %(due)s")
        body = _(
            "Two thirds of the sign-off limit of case %(number)s have passed. "
            "Sign for it, or ask for its return, by %(due)s."
        )
    else:
        subject = _("Reminder: resolve case %(number)s by %(due)s")
        body = _(
            "Two thirds of the time to resolve case %(number)s have passed. "
            "Reply with the result by %(due)s, or ask for an extension."
        )
    values = {"number": case.number, "due": _local(due)}
    record_event(
        case,
        action=_REMIND_ACTION[limit],
        actor=None,
        is_public=False,
        at=now,
        note=body % values,
        data={"limit": limit, "due": due.isoformat()},
    )
    if limit == RESOLVE:
        case.reminded_at = now
        case.save(update_fields=["reminded_at", "updated_at"])
    _tell_unit(case, subject=subject % values, body=body % values)
    return True


@transaction.atomic
def case_mark_overdue(*, case: Case, now: dt.datetime) -> bool:
    """Flag a case whose resolution limit has passed, and supervise it (督办).

    Return False, doing nothing, if the case is not (or no longer) overdue or is
    flagged already.
    """
    case = lock(case, None)
    if (
        case.status not in HANDLING_STATES
        or case.resolve_due_at is None
        or case.resolve_due_at >= now
        or case.is_overdue
    ):
        return False
    case.is_overdue = True
    case.save(update_fields=["is_overdue", "updated_at"])
    values = {"number": case.number, "due": _local(case.resolve_due_at)}
    record_event(
        case,
        action=OVERDUE,
        actor=None,
        at=now,
        note=_("The resolution limit passed at %(due)s.") % values,
        data={"due": case.resolve_due_at.isoformat()},
    )
    _tell_unit(
        case,
        subject=_("Case %(number)s is overdue and under supervision") % values,
        body=_(
            "The limit to resolve case %(number)s passed at %(due)s. The case "
            "is now supervised; reply with the result as soon as possible."
        )
        % values,
    )
    _supervise(case, SupervisionReason.OVERDUE, actor=None, at=now)
    return True


def auto_close_days() -> int:
    """Return the calendar days a case waits for a rating (CASE_AUTO_CLOSE_DAYS)."""
    return int(getattr(settings, "CASE_AUTO_CLOSE_DAYS", 7))


def _feedback_since() -> Subquery:
    return Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), action=Action.CONFIRM)
        .order_by("-at")
        .values("at")[:1]
    )


@transaction.atomic
def case_close_unrated(
    *, case: Case, now: dt.datetime, days: int | None = None
) -> bool:
    """Close a case that has waited ``days`` (default: the setting) for a rating.

    Return False, doing nothing, if it was rated meanwhile or has not waited
    long enough.
    """
    days = auto_close_days() if days is None else days
    case = lock(case, None)
    if case.status != Status.FEEDBACK:
        return False
    since = case.events.filter(action=Action.CONFIRM).aggregate(at=Max("at"))["at"]
    if since is None or since > now - dt.timedelta(days=days):
        return False
    case_auto_close(case=case, now=now)
    return True


# --- Batches, run by the periodic jobs ------------------------------------------------
def _chunks(queryset: QuerySet[Case], fields: tuple[str, ...]) -> Iterator[list[Case]]:
    """Yield the cases of ``queryset`` in primary-key order, CHUNK_SIZE at a time.

    The candidates' keys are read first, through the filter's own index; an
    ``ORDER BY id LIMIT n`` over the filter would tempt PostgreSQL to walk the
    primary key of the whole table when few rows match.
    """
    ids = sorted(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        yield list(Case.objects.filter(pk__in=chunk).order_by("pk").only("pk", *fields))


def _table_for(cases: list[Case], due_field: str) -> WorkingDayTable | None:
    """Return a working-day table spanning the clocks of ``cases``."""
    starts = [c.clock_started_at for c in cases if c.clock_started_at]
    dues = [getattr(c, due_field) for c in cases if getattr(c, due_field)]
    if not starts or not dues:
        return None
    first = min(starts).astimezone(TZ).date()
    return WorkingDayTable(first, max(dues).astimezone(TZ).date())


def _horizon(now: dt.datetime, longest_limit: int) -> dt.datetime:
    # A reminder due by now belongs to a limit ending within a third of the
    # longest limit (rounded up), plus the working day in progress.
    return _moment(add_working_days(now, math.ceil(longest_limit / 3) + 1))


def _longest(field: str, default: int) -> int:
    longest = DeadlinePolicy.objects.aggregate(n=Max(field))["n"]
    return max(longest or 0, default)


def timers_send_reminders(*, now: dt.datetime) -> dict[str, int]:
    """Send every reminder that is due; return how many of each limit."""
    sent = {SIGNOFF: 0, RESOLVE: 0}
    signoff = (
        Case.objects.filter(
            status=Status.DISPATCHED,
            signoff_due_at__gt=now,
            signoff_due_at__lte=_horizon(now, _longest("signoff_days", 1)),
            clock_started_at__isnull=False,
        )
        .annotate(
            reminded=Exists(
                CaseEvent.objects.filter(
                    case=OuterRef("pk"),
                    action=REMIND_SIGNOFF,
                    at__gte=OuterRef("clock_started_at"),
                )
            )
        )
        .filter(reminded=False)
    )
    resolve = Case.objects.filter(
        status__in=HANDLING_STATES,
        resolve_due_at__gt=now,
        resolve_due_at__lte=_horizon(now, _longest("extension_cap_days", 15)),
        reminded_at__isnull=True,
        clock_started_at__isnull=False,
    )
    for limit, queryset in ((SIGNOFF, signoff), (RESOLVE, resolve)):
        fields = ("status", "clock_started_at", _due_field(limit), "reminded_at")
        for chunk in _chunks(queryset, fields):
            table = _table_for(chunk, _due_field(limit))
            for case in chunk:
                if _reminder_due(case, limit, now, table) and case_send_reminder(
                    case=case, limit=limit, now=now
                ):
                    sent[limit] += 1
    return sent


def timers_mark_overdue(*, now: dt.datetime) -> int:
    """Flag and supervise every case past its resolution limit; return how many."""
    queryset = Case.objects.filter(
        status__in=HANDLING_STATES, resolve_due_at__lt=now, is_overdue=False
    )
    marked = 0
    for chunk in _chunks(queryset, ("status",)):
        for case in chunk:
            marked += case_mark_overdue(case=case, now=now)
    return marked


def timers_auto_close(*, now: dt.datetime, days: int | None = None) -> int:
    """Close every case left unrated for ``days``; return how many."""
    days = auto_close_days() if days is None else days
    queryset = Case.objects.filter(status=Status.FEEDBACK).annotate(
        feedback_since=_feedback_since()
    )
    queryset = queryset.filter(feedback_since__lte=now - dt.timedelta(days=days))
    closed = 0
    for chunk in _chunks(queryset, ("status",)):
        for case in chunk:
            closed += case_close_unrated(case=case, now=now, days=days)
    return closed


def timers_run(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Run every case timer once; return what each did."""
    now = now or timezone.now()
    reminders = timers_send_reminders(now=now)
    return {
        "reminders_signoff": reminders[SIGNOFF],
        "reminders_resolve": reminders[RESOLVE],
        "overdue": timers_mark_overdue(now=now),
        "auto_closed": timers_auto_close(now=now),
    }
