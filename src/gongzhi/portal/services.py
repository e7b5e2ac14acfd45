"""Services of the portal: changes a user makes to their own workspace."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from gongzhi.core.models import Notification


def notifications_mark_read(*, user: Any, ids: Iterable[int]) -> int:
    """Mark the user's in-app notifications ``ids`` read; return how many changed."""
    return Notification.objects.filter(
        recipient=user,
        channel=Notification.Channel.IN_APP,
        pk__in=list(ids),
        read_at__isnull=True,
    ).update(read_at=timezone.now())
