"""The outbox queues one delivery per transaction, however many messages."""

from __future__ import annotations

import pytest

from gongzhi.core.notify import _enqueue_delivery, notify_address

pytestmark = pytest.mark.django_db


def test_one_delivery_is_started_per_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notify_address("sms", "13812345678", subject="诉求已收到", body="编号 1")
        notify_address("email", "a@example.org", subject="诉求已收到", body="编号 1")

    assert callbacks == [_enqueue_delivery]
