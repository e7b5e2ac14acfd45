"""The working-day calendar: Chinese statutory holidays and make-up workdays.

Deadlines count working days. The ``chinesecalendar`` package knows the official
schedule for the years it ships data for; ``CalendarOverride`` rows add local
changes and the official schedule of years the package does not know yet. For
such a year the fallback is weekends plus overrides, and the system check
``core.W001`` warns until an admin confirms the year (``CalendarYear``).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

from chinese_calendar import constants as _official

TZ = ZoneInfo("Asia/Shanghai")
_CACHE_SECONDS = 60.0
_MAX_SPAN_DAYS = 3660

_OFFICIAL_YEARS = frozenset(d.year for d in _official.holidays) | frozenset(
    d.year for d in _official.workdays
)
_lock = threading.Lock()
_cache: tuple[float, dict[dt.date, bool]] | None = None


class CalendarError(ValueError):
    """A working-day computation was asked something it cannot answer."""


def package_covers(year: int) -> bool:
    """Return whether the calendar package carries the official schedule of ``year``."""
    return year in _OFFICIAL_YEARS


def official_years() -> frozenset[int]:
    return _OFFICIAL_YEARS


def _overrides() -> dict[dt.date, bool]:
    global _cache
    now = time.monotonic()
    with _lock:
        if _cache is not None and now - _cache[0] < _CACHE_SECONDS:
            return _cache[1]
    from .models import CalendarOverride

    data = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
    with _lock:
        _cache = (now, data)
    return data


def invalidate_cache() -> None:
    """Forget cached overrides (called when an override is saved or deleted)."""
    global _cache
    with _lock:
        _cache = None


def is_working_day(day: dt.date) -> bool:
    """Return whether ``day`` is a working day in mainland China, with overrides."""
    override = _overrides().get(day)
    if override is not None:
        return override
    if day.year in _OFFICIAL_YEARS:
        if day in _official.workdays:
            return True
        if day in _official.holidays:
            return False
    return day.weekday() < 5


def _local_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise CalendarError("A naive datetime has no place on the calendar.")
        return value.astimezone(TZ).date()
    return value


def add_working_days(start: dt.datetime | dt.date, days: int) -> dt.datetime | dt.date:
    """Return the moment ``days`` working days after ``start``.

    A date gives a date; an aware datetime gives an aware datetime at the same
    local time of day (Asia/Shanghai) on the target working day. Counting starts
    on the day after ``start``, so one working day from Friday is Monday (or the
    next working day after it). ``days`` of 0 returns ``start`` itself.
    """
    if days < 0:
        raise CalendarError("The number of working days cannot be negative.")
    if days > _MAX_SPAN_DAYS:
        raise CalendarError("Too many working days to count.")
    day = _local_date(start)
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    if isinstance(start, dt.datetime):
        local = start.astimezone(TZ)
        return dt.datetime.combine(day, local.timetz()).replace(tzinfo=TZ)
    return day


def working_days_between(
    start: dt.datetime | dt.date, end: dt.datetime | dt.date
) -> int:
    """Return how many working days lie after ``start`` up to and including ``end``.

    It is the inverse of :func:`add_working_days`; negative when ``end`` is
    earlier than ``start``.
    """
    a, b = _local_date(start), _local_date(end)
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    if (b - a).days > _MAX_SPAN_DAYS:
        raise CalendarError("The period is too long to count working days in.")
    count = 0
    day = a
    while day < b:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return sign * count


def uncovered_years(years: list[int]) -> list[int]:
    """Return those ``years`` with neither package data nor an admin's confirmation."""
    from .models import CalendarYear

    missing = [y for y in years if not package_covers(y)]
    if not missing:
        return []
    confirmed = set(
        CalendarYear.objects.filter(year__in=missing).values_list("year", flat=True)
    )
    return [y for y in missing if y not in confirmed]
