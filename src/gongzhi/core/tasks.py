"""Periodic jobs of the core."""

from __future__ import annotations

import datetime as dt
import socket

from django.utils import timezone
from django_tasks import task

from .scheduling import periodic


@periodic(every=dt.timedelta(minutes=1), name="core.heartbeat")
@task()
def heartbeat() -> str:
    """Record that a worker is alive and running jobs (shown by /healthz)."""
    from .models import WorkerHeartbeat

    name = socket.gethostname()[:100]
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now()}
    )
    return name


@periodic(every=dt.timedelta(minutes=1), name="core.deliver_notifications")
@task()
def deliver_notifications() -> int:
    """Send pending e-mail and SMS from the outbox (retrying failures)."""
    from .notify import deliver_pending

    return deliver_pending()


@periodic(every=dt.timedelta(hours=1), name="core.clear_expired_sessions")
@task()
def clear_expired_sessions() -> int:
    """Delete expired sessions (every visit to the report form starts one).

    Return how many were deleted.
    """
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
