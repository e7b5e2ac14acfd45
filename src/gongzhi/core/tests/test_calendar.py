"""The working-day calendar: holidays, make-up workdays, overrides, coverage."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from gongzhi.core.calendar import (
    CalendarError,
    add_working_days,
    is_working_day,
    package_covers,
    working_days_between,
)
from gongzhi.core.checks import check_calendar_coverage
from gongzhi.core.models import CalendarOverride, CalendarYear

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", [1, 2, 3, 4, 5, 6, 7])
def test_national_day_2026_is_not_a_working_day(day):
    assert is_working_day(D(2026, 10, day)) is False


@pytest.mark.parametrize(
    ("day", "weekday"), [(D(2026, 9, 20), "Sunday"), (D(2026, 10, 10), "Saturday")]
)
def test_make_up_workdays_of_national_day_2026_are_working_days(day, weekday):
    assert day.strftime("%A") == weekday
    assert is_working_day(day) is True


def test_ordinary_weekdays_and_weekends_around_the_holiday():
    assert is_working_day(D(2026, 9, 30)) is True  # Wednesday
    assert is_working_day(D(2026, 10, 8)) is True  # Thursday after the holiday
    assert is_working_day(D(2026, 10, 11)) is False  # Sunday


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 2, D(2026, 10, 9)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),  # Friday -> make-up Saturday
        (D(2026, 10, 9), 2, D(2026, 10, 12)),
        (D(2026, 10, 3), 1, D(2026, 10, 8)),  # from inside the holiday
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Friday -> make-up Sunday
        (D(2026, 9, 30), 0, D(2026, 9, 30)),
    ],
)
def test_add_working_days_across_national_day(start, days, expected):
    assert add_working_days(start, days) == expected


def test_add_working_days_keeps_the_local_time_of_day():
    start = dt.datetime(2026, 9, 30, 16, 30, tzinfo=SHANGHAI)

    due = add_working_days(start, 1)

    assert due == dt.datetime(2026, 10, 8, 16, 30, tzinfo=SHANGHAI)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_add_working_days_counts_from_the_local_date_of_a_utc_datetime():
    # 20:00 UTC on 30 September is 04:00 on 1 October in Shanghai: a holiday.
    start = dt.datetime(2026, 9, 30, 20, 0, tzinfo=dt.UTC)

    due = add_working_days(start, 1)

    assert due.astimezone(SHANGHAI) == dt.datetime(2026, 10, 8, 4, 0, tzinfo=SHANGHAI)


def test_naive_datetimes_are_refused():
    naive = dt.datetime(2026, 9, 30, 9, 0)  # noqa: DTZ001

    with pytest.raises(CalendarError, match="naive datetime"):
        add_working_days(naive, 1)
    with pytest.raises(CalendarError, match="naive datetime"):
        working_days_between(naive, D(2026, 10, 8))


def test_negative_days_are_refused():
    with pytest.raises(CalendarError, match="cannot be negative"):
        add_working_days(D(2026, 9, 30), -1)


def test_absurdly_many_days_are_refused():
    with pytest.raises(CalendarError, match="Too many working days"):
        add_working_days(D(2026, 9, 30), 10_000)


@pytest.mark.parametrize(
    ("start", "days"),
    [
        (D(2026, 9, 30), 1),
        (D(2026, 9, 25), 3),
        (D(2026, 10, 9), 1),
        (D(2026, 9, 1), 30),
        (dt.datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI), 5),
    ],
)
def test_working_days_between_is_the_inverse_of_add_working_days(start, days):
    end = add_working_days(start, days)

    assert working_days_between(start, end) == days
    assert working_days_between(end, start) == -days


def test_working_days_between_the_same_day_is_zero():
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 1)) == 0


def test_working_days_between_a_holiday_week_is_zero():
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert working_days_between(D(2026, 10, 7), D(2026, 10, 1)) == 0


def test_an_uncovered_year_falls_back_to_weekends():
    assert not package_covers(2027)
    assert is_working_day(D(2027, 1, 1)) is True  # a Friday, unknown holiday
    assert is_working_day(D(2027, 1, 2)) is False  # Saturday
    assert add_working_days(D(2027, 1, 1), 1) == D(2027, 1, 4)


def test_overrides_supply_the_holidays_of_an_uncovered_year():
    CalendarOverride.objects.create(
        date=D(2027, 1, 1), is_working_day=False, name="元旦"
    )
    CalendarOverride.objects.create(
        date=D(2027, 1, 2), is_working_day=True, name="调休"
    )

    assert is_working_day(D(2027, 1, 1)) is False
    assert is_working_day(D(2027, 1, 2)) is True
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 2)


def test_an_override_changes_a_day_both_ways():
    holiday, monday = D(2026, 10, 5), D(2026, 10, 12)
    assert is_working_day(holiday) is False
    assert is_working_day(monday) is True

    CalendarOverride.objects.create(date=holiday, is_working_day=True)
    CalendarOverride.objects.create(date=monday, is_working_day=False)

    assert is_working_day(holiday) is True
    assert is_working_day(monday) is False


def test_saving_or_deleting_an_override_invalidates_the_cache():
    day = D(2026, 10, 12)
    assert is_working_day(day) is True  # the overrides are cached now

    override = CalendarOverride.objects.create(date=day, is_working_day=False)
    assert is_working_day(day) is False

    override.is_working_day = True
    override.save()
    assert is_working_day(day) is True

    override.is_working_day = False
    override.save()
    assert is_working_day(day) is False

    override.delete()
    assert is_working_day(day) is True


@freeze_time("2026-11-27 10:00:00+08:00")
def test_check_warns_about_next_year_without_an_official_schedule():
    messages = check_calendar_coverage()

    assert [m.id for m in messages] == ["core.W001"]
    assert "no official holiday schedule for 2027" in messages[0].msg
    assert "2027 holidays" in messages[0].hint


@freeze_time("2026-11-27 10:00:00+08:00")
def test_check_is_silent_once_the_year_is_confirmed():
    CalendarYear.objects.create(year=2027, confirmed_by="admin", source="国办发明电")

    assert check_calendar_coverage() == []


@freeze_time("2025-06-01 10:00:00+08:00")
def test_check_is_silent_when_the_package_covers_both_years():
    assert check_calendar_coverage() == []
