"""Periodic jobs: claimed once per interval, and the heartbeat job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core import scheduling
from gongzhi.core.models import PeriodicJobState, WorkerHeartbeat
from gongzhi.core.tasks import heartbeat

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 10, 8, 9, 0, tzinfo=dt.UTC)


class FakeTask:
    """Stands in for a django-tasks Task; counts how often it is enqueued."""

    module_path = "tests.fake_task"

    def __init__(self) -> None:
        self.enqueued = 0

    def enqueue(self) -> None:
        self.enqueued += 1


@pytest.fixture
def job(monkeypatch) -> FakeTask:
    monkeypatch.setattr(scheduling, "_registry", {})
    task = FakeTask()
    scheduling.periodic(every=dt.timedelta(minutes=5), name="test.job")(task)
    return task


def test_periodic_registers_a_job_under_its_name(job):
    assert [(j.name, j.every) for j in scheduling.jobs()] == [
        ("test.job", dt.timedelta(minutes=5))
    ]


def test_periodic_defaults_the_name_to_the_task_path(monkeypatch):
    monkeypatch.setattr(scheduling, "_registry", {})

    scheduling.periodic(every=dt.timedelta(hours=1))(FakeTask())

    assert [j.name for j in scheduling.jobs()] == ["tests.fake_task"]


def test_a_due_job_is_enqueued_once_even_when_two_schedulers_run_at_once(job):
    first = scheduling.run_due_jobs(NOW)
    second = scheduling.run_due_jobs(NOW)

    assert first == ["test.job"]
    assert second == []
    assert job.enqueued == 1
    assert PeriodicJobState.objects.get(name="test.job").last_enqueued_at == NOW


def test_a_job_is_not_enqueued_again_before_its_interval(job):
    scheduling.run_due_jobs(NOW)

    assert scheduling.run_due_jobs(NOW + dt.timedelta(minutes=4, seconds=59)) == []
    assert job.enqueued == 1


def test_a_job_is_enqueued_again_after_its_interval(job):
    scheduling.run_due_jobs(NOW)

    assert scheduling.run_due_jobs(NOW + dt.timedelta(minutes=5)) == ["test.job"]
    assert scheduling.run_due_jobs(NOW + dt.timedelta(minutes=6)) == []
    assert job.enqueued == 2


def test_the_heartbeat_is_registered_every_minute():
    jobs = {j.name: j for j in scheduling.jobs()}

    assert jobs["core.heartbeat"].every == dt.timedelta(minutes=1)
    assert jobs["core.heartbeat"].task is heartbeat


def test_the_heartbeat_task_records_the_worker(settings):
    assert settings.TASKS_BACKEND == "immediate"
    before = timezone.now()

    result = heartbeat.enqueue()

    beat = WorkerHeartbeat.objects.get()
    assert beat.name == result.return_value
    assert beat.seen_at >= before


def test_the_scheduler_runs_the_heartbeat_inline_in_tests():
    assert "core.heartbeat" in scheduling.run_due_jobs()

    assert WorkerHeartbeat.objects.count() == 1


def test_expired_sessions_are_cleared_every_hour():
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from gongzhi.core.tasks import clear_expired_sessions

    jobs = {j.name: j for j in scheduling.jobs()}
    assert jobs["core.clear_expired_sessions"].every == dt.timedelta(hours=1)
    live, old = SessionStore(), SessionStore()
    live["x"], old["x"] = 1, 1
    live.create()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    result = clear_expired_sessions.enqueue()

    assert result.return_value == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        live.session_key
    ]
