"""The outbox queues one delivery per transaction, however many messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time

from gongzhi.core.notify import _enqueue_delivery, notify_address

pytestmark = pytest.mark.django_db


def test_one_delivery_is_started_per_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notify_address("sms", "13812345678", subject="诉求已收到", body="编号 1")
        notify_address("email", "a@example.org", subject="诉求已收到", body="编号 1")

    assert callbacks == [_enqueue_delivery]


DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def batched(settings, monkeypatch):
    """The database task backend (which defers) and no delivery yet due."""
    from gongzhi.core import notify

    settings.TASKS = DATABASE_BACKEND
    monkeypatch.setattr(notify, "_delivery_due", None)
    return notify


def _queued_deliveries():
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(
            task_path="gongzhi.core.tasks.deliver_notifications"
        ).order_by("enqueued_at")
    )


def test_a_burst_of_commits_enqueues_one_deferred_delivery(batched):
    with freeze_time("2026-11-28 10:00:00+08:00"):
        for n in range(5):
            with transaction.atomic():
                notify_address("sms", "13812345678", subject="诉求已收到", body=f"{n}")
            batched._enqueue_delivery()  # what on_commit runs
        due = timezone.now() + batched.DELIVERY_BATCH_DELAY

    (delivery,) = _queued_deliveries()
    assert delivery.run_after == due


def test_a_commit_after_the_due_time_enqueues_the_next_delivery(batched):
    with freeze_time("2026-11-28 10:00:00+08:00") as clock:
        batched._enqueue_delivery()
        clock.tick(0.5)
        batched._enqueue_delivery()  # the first is still to come: it sends this
        clock.tick(0.6)
        batched._enqueue_delivery()  # the first may have run: another is needed

    first, second = _queued_deliveries()
    assert second.run_after - first.run_after == dt.timedelta(seconds=1.1)


def test_a_backend_that_cannot_defer_gets_one_task_per_commit(settings):
    backend = "django_tasks.backends.dummy.DummyBackend"
    settings.TASKS = {"default": {"BACKEND": backend}}
    from django_tasks import default_task_backend

    default_task_backend.supports_defer = False  # type: ignore[misc]
    try:
        _enqueue_delivery()
        _enqueue_delivery()
        assert len(default_task_backend.results) == 2
    finally:
        del default_task_backend.supports_defer


@pytest.mark.django_db(transaction=True)
def test_the_deferred_delivery_is_enqueued_in_a_transaction(batched, monkeypatch):
    # On SQLite a transaction waits its turn in the writer queue; a write in
    # autocommit would wait in SQLite's sleeping busy handler instead.
    from django.db import connection
    from django_tasks_db.backend import DatabaseBackend

    seen = []
    enqueue = DatabaseBackend.enqueue

    def spy(self, task, args, kwargs):
        seen.append(connection.in_atomic_block)
        return enqueue(self, task, args, kwargs)

    monkeypatch.setattr(DatabaseBackend, "enqueue", spy)
    batched._enqueue_delivery()

    assert seen == [True]
