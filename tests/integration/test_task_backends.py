"""The background-task backends, run for real: the database queue and RQ on Redis."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks import TaskResultStatus

from gongzhi.core.models import WorkerHeartbeat
from gongzhi.core.tasks import heartbeat

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RQ_BACKEND = {
    "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
}


@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_task_until_worker_runs_it(settings):
    settings.TASKS = DATABASE_BACKEND

    result = heartbeat.enqueue()

    assert result.status == TaskResultStatus.READY
    assert not WorkerHeartbeat.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert WorkerHeartbeat.objects.count() == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_rq_backend_runs_task_through_redis(settings, redis_url):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.worker import SimpleWorker

    settings.TASKS = RQ_BACKEND
    queue = django_rq.get_queue("default")
    assert queue.connection.connection_pool.connection_kwargs["db"] == 15
    queue.empty()

    result = heartbeat.enqueue()

    assert queue.count == 1
    assert not WorkerHeartbeat.objects.exists()
    worker = django_rq.get_worker("default", worker_class=SimpleWorker, job_class=Job)
    worker.work(burst=True)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert WorkerHeartbeat.objects.count() == 1
    assert queue.count == 0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_rq_scheduler_runs_the_deferred_outbox_delivery(
    settings, redis_url, monkeypatch
):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.worker import SimpleWorker

    from gongzhi.core import notify
    from gongzhi.core.models import Notification

    settings.TASKS = RQ_BACKEND
    queue = django_rq.get_queue("default")
    queue.empty()
    monkeypatch.setattr(notify, "_delivery_due", None)
    with transaction.atomic():
        notify.notify_address("sms", "13812345678", subject="诉求已收到", body="1")

    # The delivery waits in the scheduled registry until it is due.
    assert queue.count == 0
    assert queue.scheduled_job_registry.count == 1
    time.sleep(notify.DELIVERY_BATCH_DELAY.total_seconds() + 0.2)
    worker = django_rq.get_worker("default", worker_class=SimpleWorker, job_class=Job)
    worker.work(burst=True, with_scheduler=True)

    note = Notification.objects.get()
    assert note.state == Notification.State.SENT
