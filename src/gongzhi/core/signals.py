from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar
from .models import CalendarOverride


@receiver([post_save, post_delete], sender=CalendarOverride)
def _forget_calendar_overrides(**kwargs: Any) -> None:
    # Cache coherence only: the override itself is written by its service/admin.
    calendar.invalidate_cache()
