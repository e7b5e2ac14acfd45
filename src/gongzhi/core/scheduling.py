"""Periodic jobs: a registry apps add to, and the scheduler loop that enqueues them.

Any number of schedulers may run (one per worker host): each due job is claimed
with a conditional UPDATE, so it is enqueued once per interval in all.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: dt.timedelta
    task: Any  # a django_tasks Task


_registry: dict[str, PeriodicJob] = {}


def periodic(*, every: dt.timedelta, name: str | None = None) -> Any:
    """Register the decorated django-tasks task to be enqueued every ``every``."""

    def decorator(task: Any) -> Any:
        job_name = name or task.module_path
        _registry[job_name] = PeriodicJob(name=job_name, every=every, task=task)
        return task

    return decorator


def jobs() -> list[PeriodicJob]:
    return sorted(_registry.values(), key=lambda job: job.name)


def _claim(job: PeriodicJob, now: dt.datetime) -> bool:
    from .models import PeriodicJobState

    with transaction.atomic():
        PeriodicJobState.objects.get_or_create(name=job.name)
        claimed = PeriodicJobState.objects.filter(
            Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=now - job.every),
            name=job.name,
        ).update(last_enqueued_at=now)
    return claimed == 1


def run_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose interval has passed; return their names."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        if _claim(job, now):
            job.task.enqueue()
            enqueued.append(job.name)
    return enqueued


def run_scheduler(stop: threading.Event, tick_seconds: float) -> None:
    """Run :func:`run_due_jobs` every ``tick_seconds`` until ``stop`` is set."""
    from django.db import close_old_connections

    logger.info("scheduler started: %d periodic jobs", len(_registry))
    while not stop.is_set():
        close_old_connections()
        try:
            for name in run_due_jobs():
                logger.info("enqueued periodic job %s", name)
        except Exception:  # keep the scheduler alive; the error is logged
            logger.exception("scheduler tick failed")
        stop.wait(tick_seconds)
