"""System checks for misconfiguration (ids core.E0xx errors, core.W0xx warnings)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils import timezone


@register(Tags.security)
def check_field_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Check that the field-encryption keys are usable Fernet keys."""
    from .crypto import fernet

    try:
        fernet()
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint="Set GONGZHI_FIELD_KEYS (see .env.example).",
                id="core.E001",
            )
        ]
    return []


@register()
def check_sqlite_wal(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Check that an SQLite database is configured for WAL and a busy timeout."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] not in ("django.db.backends.sqlite3", "gongzhi.core.sqlite"):
        return []
    options = db.get("OPTIONS", {})
    if "journal_mode=WAL" not in options.get("init_command", "") or not options.get(
        "timeout"
    ):
        return [
            Error(
                "SQLite must run in WAL mode with a busy timeout.",
                hint="Do not override DATABASES['default']['OPTIONS'].",
                id="core.E002",
            )
        ]
    return []


@register()
def check_calendar_coverage(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Warn when this or next year lacks an official working-day schedule."""
    from .calendar import uncovered_years

    year = timezone.localdate().year
    try:
        missing = uncovered_years([year, year + 1])
    except DatabaseError:
        return []  # not migrated yet; the check runs again once it is
    return [
        Warning(
            f"The working-day calendar has no official holiday schedule for {y}: "
            "deadlines falling in that year count only weekends and local overrides.",
            hint=(
                f"Enter the State Council's {y} holidays and make-up workdays as "
                "calendar overrides in the admin, then add the year under "
                "'official calendar years'."
            ),
            id="core.W001",
        )
        for y in missing
    ]
