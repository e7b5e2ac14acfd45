"""The case timers on a controlled clock, across the 2026 National Day holiday.

2026: 1–7 October are holidays; Saturday 10 October is a make-up working day.
A general case (sign-off 1, resolution 3 working days) dispatched on Wednesday
30 September at 10:00 is due for sign-off on Thursday 8 October at 10:00 and
for resolution on Saturday 10 October at 10:00.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import translation
from freezegun import freeze_time

from gongzhi.cases import services
from gongzhi.cases.choices import Status, SupervisionReason
from gongzhi.cases.models import Case, CaseStat, DeadlinePolicy
from gongzhi.cases.services import timers
from gongzhi.cases.services.timers import WorkingDayTable, reminder_at
from gongzhi.core.calendar import TZ, add_working_days, working_days_between
from gongzhi.core.models import Notification
from gongzhi.core.scheduling import jobs

from .factories import make_world

pytestmark = pytest.mark.django_db


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=TZ)


DISPATCHED = at("2026-09-30")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return make_world()


def dispatch(world, when: dt.datetime = DISPATCHED, **report) -> Case:
    report.setdefault("street", world.street)
    report.setdefault("reporter", world.resident)
    case = services.case_report(
        category=world.category,
        description="巷口垃圾堆放三天没人清",
        now=when - dt.timedelta(hours=2),
        **report,
    ).case
    services.case_accept(case=case, actor=world.staff, now=when - dt.timedelta(hours=1))
    return services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, now=when
    )


def notes(user, subject_start: str) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(
            recipient=user, subject__startswith=subject_start
        ).values_list("channel", "subject")
    )


def actions(case: Case) -> list[str]:
    return list(case.events.values_list("action", flat=True))


# --- Deadlines and the two-thirds moment ----------------------------------------------
def test_dispatch_before_national_day_sets_due_dates_after_it(world):
    case = dispatch(world)

    assert case.clock_started_at == DISPATCHED
    assert case.signoff_due_at == at("2026-10-08")
    assert case.resolve_due_at == at("2026-10-10")  # the make-up Saturday
    assert case.resolve_due_at == add_working_days(DISPATCHED, 3)
    assert case.contact_due_at == at("2026-10-01")  # 24 hours, holiday or not


def test_two_thirds_of_a_limit_is_counted_in_working_time():
    # Three working days: two thirds is two whole working days, Thursday 8
    # and Friday 9 October.
    assert reminder_at(DISPATCHED, 3) == at("2026-10-09")
    # One working day: the clock runs only on Thursday 8 October's 24 hours
    # (from 10:00 on the 7th); two thirds of them have run at 02:00 on the 8th.
    assert reminder_at(DISPATCHED, 1) == at("2026-10-08", "02:00")
    # Seven working days: 8, 9, 10 (make-up), 12 October, then two thirds of
    # the 13th's 24 hours.
    assert reminder_at(DISPATCHED, 7) == at("2026-10-13", "02:00")
    assert add_working_days(DISPATCHED, 7) == at("2026-10-15")


def test_a_limit_ending_on_the_make_up_saturday():
    friday = at("2026-10-09")

    assert add_working_days(friday, 1) == at("2026-10-10")
    assert reminder_at(friday, 1) == at("2026-10-10", "02:00")


def test_the_working_day_table_agrees_with_the_calendar():
    table = WorkingDayTable(dt.date(2026, 1, 1), dt.date(2027, 3, 1))
    rng = random.Random(7)
    for _ in range(300):
        start = dt.datetime(2025, 12, 20, tzinfo=TZ) + dt.timedelta(
            minutes=rng.randrange(60 * 24 * 420)
        )
        n = rng.randrange(0, 16)
        due = add_working_days(start, n)
        assert table.add(start, n) == due, (start, n)
        assert table.between(start, due) == working_days_between(start, due)
        assert reminder_at(start, n, table) == reminder_at(start, n), (start, n)


# --- Reminders ------------------------------------------------------------------------
def test_signoff_reminder_fires_at_two_thirds_and_not_before(world):
    case = dispatch(world)

    during_holiday = timers.timers_send_reminders(now=at("2026-10-05"))
    just_before = timers.timers_send_reminders(now=at("2026-10-08", "01:59"))

    assert during_holiday == just_before == {"signoff": 0, "resolve": 0}
    assert notes(world.handler, "Reminder") == []

    sent = timers.timers_send_reminders(now=at("2026-10-08", "02:00"))

    assert sent == {"signoff": 1, "resolve": 0}
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert case.reminded_at is None  # that field is the resolution reminder's
    event = case.events.get(action="remind_signoff")
    assert event.at == at("2026-10-08", "02:00")
    assert event.is_public is False
    assert event.actor is None
    assert event.data["limit"] == "signoff"
    assert dt.datetime.fromisoformat(event.data["due"]) == at("2026-10-08")
    assert "by 2026-10-08 10:00" in event.note
    subject = f"Reminder: sign for case {case.number} by 2026-10-08 10:00"
    assert notes(world.handler, "Reminder") == [("email", subject), ("in_app", subject)]
    assert notes(world.other_handler, "Reminder") == []  # not the lead unit

    again = timers.timers_send_reminders(now=at("2026-10-08", "02:05"))

    assert again == {"signoff": 0, "resolve": 0}
    assert case.events.filter(action="remind_signoff").count() == 1
    assert len(notes(world.handler, "Reminder")) == 2


def test_no_signoff_reminder_once_the_unit_has_signed(world):
    case = dispatch(world)
    services.case_acknowledge(
        case=case, actor=world.handler, now=at("2026-10-08", "01:00")
    )

    sent = timers.timers_send_reminders(now=at("2026-10-08", "03:00"))

    assert sent == {"signoff": 0, "resolve": 0}
    assert "remind_signoff" not in actions(case)


def test_resolution_reminder_fires_at_two_thirds_and_once(world):
    case = dispatch(world)
    services.case_acknowledge(
        case=case, actor=world.handler, now=at("2026-10-08", "09:00")
    )

    before = timers.timers_send_reminders(now=at("2026-10-09", "09:59"))
    sent = timers.timers_send_reminders(now=at("2026-10-09", "10:00"))
    again = timers.timers_send_reminders(now=at("2026-10-09", "16:00"))

    assert before == {"signoff": 0, "resolve": 0}
    assert sent == {"signoff": 0, "resolve": 1}
    assert again == {"signoff": 0, "resolve": 0}
    case.refresh_from_db()
    assert case.status == Status.ACKNOWLEDGED
    assert case.reminded_at == at("2026-10-09")
    event = case.events.get(action="remind_resolve")
    assert (event.at, event.is_public) == (at("2026-10-09"), False)
    subject = f"Reminder: resolve case {case.number} by 2026-10-10 10:00"
    assert notes(world.handler, "Reminder") == [("email", subject), ("in_app", subject)]


def test_a_new_dispatch_gets_new_reminders(world):
    case = dispatch(world)
    timers.timers_send_reminders(now=at("2026-10-08", "02:00"))
    services.case_request_return(
        case=case,
        actor=world.handler,
        reason="不是我们的",
        now=at("2026-10-08", "03:00"),
    )
    services.case_decide_return(
        case=case, actor=world.staff, approve=True, now=at("2026-10-08", "09:00")
    )
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, now=at("2026-10-08", "10:00")
    )

    sent = timers.timers_send_reminders(now=at("2026-10-09", "02:00"))

    assert sent == {"signoff": 1, "resolve": 0}
    assert case.events.filter(action="remind_signoff").count() == 2


def test_no_reminder_after_the_deadline_has_passed(world):
    dispatch(world)

    # The worker was down: at 11:00 on the 10th both limits have passed; the
    # overdue timer takes over instead of a late reminder.
    sent = timers.timers_send_reminders(now=at("2026-10-10", "11:00"))

    assert sent == {"signoff": 0, "resolve": 0}


def test_send_reminder_refuses_an_unknown_limit(world):
    case = dispatch(world)

    with pytest.raises(ValueError, match="Unknown limit 'contact'"):
        timers.case_send_reminder(case=case, limit="contact", now=at("2026-10-08"))


# --- Overdue and supervision ----------------------------------------------------------
def test_overdue_after_the_limit_and_supervision_follows(world):
    case = dispatch(world)
    services.case_acknowledge(
        case=case, actor=world.handler, now=at("2026-10-08", "09:00")
    )

    on_the_dot = timers.timers_mark_overdue(now=at("2026-10-10", "10:00"))

    assert on_the_dot == 0
    case.refresh_from_db()
    assert (case.is_overdue, case.under_supervision) == (False, False)

    marked = timers.timers_mark_overdue(now=at("2026-10-10", "10:01"))

    assert marked == 1
    case.refresh_from_db()
    assert case.status == Status.ACKNOWLEDGED
    assert case.is_overdue is True
    assert case.under_supervision is True
    assert case.supervision_reason == SupervisionReason.OVERDUE
    overdue = case.events.get(action="overdue")
    assert (overdue.at, overdue.is_public) == (at("2026-10-10", "10:01"), True)
    assert overdue.note == "The resolution limit passed at 2026-10-10 10:00."
    supervise = case.events.get(action="supervise")
    assert (supervise.at, supervise.is_public) == (at("2026-10-10", "10:01"), False)
    assert supervise.data == {"reason": "overdue"}
    subject = f"Case {case.number} is overdue and under supervision"
    assert notes(world.handler, f"Case {case.number} is overdue") == [
        ("email", subject),
        ("in_app", subject),
    ]

    assert timers.timers_mark_overdue(now=at("2026-10-12")) == 0
    assert case.events.filter(action="overdue").count() == 1
    assert case.events.filter(action="supervise").count() == 1


def test_a_replied_case_is_not_marked_overdue(world):
    case = dispatch(world)
    services.case_acknowledge(case=case, actor=world.handler, now=at("2026-10-08"))
    services.case_reply(
        case=case, actor=world.handler, note="已清理", now=at("2026-10-09")
    )

    assert timers.timers_mark_overdue(now=at("2026-10-12")) == 0
    case.refresh_from_db()
    assert (case.status, case.is_overdue) == (Status.VERIFYING, False)


def test_an_approved_extension_moves_the_overdue_moment(world):
    DeadlinePolicy.objects.create(urgency="general", resolve_days=3)
    case = dispatch(world)
    services.case_acknowledge(case=case, actor=world.handler, now=at("2026-10-08"))
    request = services.case_extension_request(
        case=case, actor=world.handler, days=2, reason="需要协调物业"
    )
    with freeze_time(at("2026-10-09")):  # the service decides at the time it runs
        services.case_extension_decide(request=request, actor=world.staff, approve=True)
    case.refresh_from_db()
    assert case.resolve_due_at == at("2026-10-13")  # 8, 9, 10, 12, 13 October

    assert timers.timers_mark_overdue(now=at("2026-10-12")) == 0
    assert timers.timers_mark_overdue(now=at("2026-10-13", "10:01")) == 1


def test_a_supervised_case_keeps_its_first_reason(world):
    case = dispatch(world)
    services.case_supervise(case=case, actor=world.staff, note="领导关注")

    assert timers.timers_mark_overdue(now=at("2026-10-11")) == 1
    case.refresh_from_db()
    assert case.is_overdue is True
    assert case.supervision_reason == SupervisionReason.MANUAL
    assert case.events.filter(action="supervise").count() == 1


def test_overdue_batches_walk_every_chunk(world, monkeypatch):
    monkeypatch.setattr(timers, "CHUNK_SIZE", 2)
    cases = [dispatch(world) for _ in range(5)]

    assert timers.timers_mark_overdue(now=at("2026-10-11")) == 5
    assert (
        Case.objects.filter(pk__in=[c.pk for c in cases], is_overdue=True).count() == 5
    )


# --- Auto-close -----------------------------------------------------------------------
def awaiting_rating(world, confirmed: dt.datetime) -> Case:
    case = dispatch(world)
    services.case_acknowledge(case=case, actor=world.handler, now=at("2026-10-08"))
    services.case_reply(
        case=case, actor=world.handler, note="已清理", now=at("2026-10-12", "09:00")
    )
    return services.case_verify(case=case, actor=world.staff, ok=True, now=confirmed)


def test_auto_close_after_seven_days_unrated(world, settings):
    assert settings.CASE_AUTO_CLOSE_DAYS == 7
    case = awaiting_rating(world, confirmed=at("2026-10-12", "11:00"))
    assert case.status == Status.FEEDBACK

    too_early = timers.timers_auto_close(now=at("2026-10-19", "10:59"))

    assert too_early == 0
    assert Case.objects.get(pk=case.pk).status == Status.FEEDBACK

    closed = timers.timers_auto_close(now=at("2026-10-19", "11:00"))

    assert closed == 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.closed_at == at("2026-10-19", "11:00")
    event = case.events.get(action="close")
    assert event.actor is None
    assert event.note == "Closed automatically: no rating was given."
    assert not case.ratings.exists()
    # The reporter has an account: told in the app and by e-mail.
    subject = f"Case {case.number} closed"
    assert notes(world.resident, subject) == [("email", subject), ("in_app", subject)]
    stat = CaseStat.objects.get(scope="all", day=dt.date(2026, 10, 19))
    # Replied on the 12th, after the 10 October deadline: closed, not on time.
    assert (stat.closed, stat.closed_on_time, stat.rated) == (1, 0, 0)

    assert timers.timers_auto_close(now=at("2026-10-25")) == 0


def test_auto_close_days_come_from_the_setting(world, settings):
    settings.CASE_AUTO_CLOSE_DAYS = 3
    awaiting_rating(world, confirmed=at("2026-10-12", "11:00"))

    assert timers.timers_auto_close(now=at("2026-10-15", "10:59")) == 0
    assert timers.timers_auto_close(now=at("2026-10-15", "11:00")) == 1


def test_a_rated_case_is_not_auto_closed(world):
    case = awaiting_rating(world, confirmed=at("2026-10-12", "11:00"))
    services.case_rate(
        case=case,
        actor=world.resident,
        solved="yes",
        satisfaction="satisfied",
        now=at("2026-10-13"),
    )

    assert timers.timers_auto_close(now=at("2026-10-30")) == 0
    assert case.events.filter(action="close").count() == 1


def test_close_unrated_refuses_a_case_that_has_not_waited(world):
    case = awaiting_rating(world, confirmed=at("2026-10-12", "11:00"))

    assert timers.case_close_unrated(case=case, now=at("2026-10-13")) is False
    assert Case.objects.get(pk=case.pk).status == Status.FEEDBACK


# --- The whole run and the periodic jobs ----------------------------------------------
def test_timers_run_reports_what_each_timer_did(world):
    dispatch(world)

    assert timers.timers_run(now=at("2026-10-08", "02:00")) == {
        "reminders_signoff": 1,
        "reminders_resolve": 0,
        "overdue": 0,
        "auto_closed": 0,
    }
    assert timers.timers_run(now=at("2026-10-12")) == {
        "reminders_signoff": 0,
        "reminders_resolve": 0,
        "overdue": 1,
        "auto_closed": 0,
    }


def test_the_timers_are_periodic_jobs_every_few_minutes():
    every = {job.name: job.every for job in jobs()}

    assert every["cases.send_reminders"] == dt.timedelta(minutes=5)
    assert every["cases.mark_overdue"] == dt.timedelta(minutes=5)
    assert every["cases.auto_close"] == dt.timedelta(minutes=15)


def test_the_overdue_job_runs_on_the_current_time(world):
    from gongzhi.cases.tasks import mark_overdue

    case = dispatch(world, when=dt.datetime.now(TZ) - dt.timedelta(days=30))

    result = mark_overdue.enqueue()

    assert result.return_value == 1
    case.refresh_from_db()
    assert case.is_overdue is True
