"""The notifications outbox: queue in-app, e-mail and SMS messages; deliver them.

Services queue messages inside their transaction; delivery starts after commit
(and the periodic job retries), so a rolled-back change sends nothing.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    """Write SMS to the log instead of sending (the default)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


# Delivery is batched: one task sends everything pending. After a commit, a
# process enqueues a delivery due DELIVERY_BATCH_DELAY from now, unless one it
# enqueued earlier is still due later than this commit (that one will see the
# message). A burst of reports thus costs one task per process per interval,
# not one per report. Backends that cannot defer get one task per commit.
DELIVERY_BATCH_DELAY = timedelta(seconds=1)
_delivery_lock = threading.Lock()
_delivery_due: datetime | None = None


def _enqueue_delivery() -> None:
    global _delivery_due
    from .tasks import deliver_notifications

    if not deliver_notifications.get_backend().supports_defer:
        deliver_notifications.enqueue()
        return
    now = timezone.now()
    with _delivery_lock:
        if _delivery_due is not None and _delivery_due > now:
            return  # a delivery still to come will send this message too
        _delivery_due = now + DELIVERY_BATCH_DELAY
        due = _delivery_due
    # In a transaction of its own, so that on SQLite it queues for the write lock
    # like every other transaction instead of in SQLite's sleeping retries.
    with transaction.atomic():
        deliver_notifications.using(run_after=due).enqueue()


def _after_commit() -> None:
    """Start one delivery after the commit, however many messages were queued."""
    connection = transaction.get_connection()
    if any(
        func is _enqueue_delivery for _sids, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_enqueue_delivery)


def notify_user(
    user: Any, *, subject: str, body: str, url: str = "", email: bool = False
) -> None:
    """Queue an in-app notification for ``user`` (and an e-mail if asked and known)."""
    Notification.objects.create(
        channel=Notification.Channel.IN_APP,
        recipient=user,
        subject=subject[:200],
        body=body,
        url=url,
        state=Notification.State.SENT,
        sent_at=timezone.now(),
    )
    if email and user.email:
        Notification.objects.create(
            channel=Notification.Channel.EMAIL,
            recipient=user,
            address=user.email,
            subject=subject[:200],
            body=body,
            url=url,
        )
        _after_commit()


def notify_address(
    channel: str, address: str, *, subject: str, body: str, url: str = ""
) -> None:
    """Queue an e-mail or SMS to an address with no account behind it."""
    Notification.objects.create(
        channel=channel, address=address, subject=subject[:200], body=body, url=url
    )
    _after_commit()


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _pending() -> Any:
    return Notification.objects.filter(
        state=Notification.State.PENDING, attempts__lt=MAX_ATTEMPTS
    ).exclude(channel=Notification.Channel.IN_APP)


def _send(note: Notification) -> bool:
    """Send one message and record the outcome; return whether it went out."""
    text = f"{note.body}\n{_absolute(note.url)}".strip()
    try:
        if note.channel == Notification.Channel.EMAIL:
            send_mail(note.subject, text, settings.DEFAULT_FROM_EMAIL, [note.address])
        else:
            sms_backend().send(note.address, f"【共治】{note.subject}：{text}")
    except Exception as exc:  # a failed send is retried by the periodic job
        note.attempts += 1
        note.last_error = str(exc)[:300]
        if note.attempts >= MAX_ATTEMPTS:
            note.state = Notification.State.FAILED
        note.save(update_fields=["attempts", "last_error", "state"])
        return False
    note.attempts += 1
    note.state = Notification.State.SENT
    note.sent_at = timezone.now()
    note.save(update_fields=["attempts", "state", "sent_at"])
    return True


def deliver_pending(limit: int = 200) -> int:
    """Send pending e-mail and SMS; return how many were sent.

    Each message is read again as it is claimed, so one another worker has
    delivered in the meantime is not sent twice.
    """
    sent = 0
    oldest = _pending().order_by("created_at", "id").values_list("pk", flat=True)
    for pk in list(oldest[:limit]):
        if connection.features.has_select_for_update_skip_locked:
            # Hold the row while sending; a concurrent worker skips it.
            with transaction.atomic():
                note = (
                    _pending().select_for_update(skip_locked=True).filter(pk=pk).first()
                )
                sent += bool(note is not None and _send(note))
        else:
            # SQLite allows one writer at a time, and its lock must not be held
            # while a mail server answers; the embedded worker is one process.
            note = _pending().filter(pk=pk).first()
            sent += bool(note is not None and _send(note))
    return sent
