"""``gongzhi generate_field_key``: print a new key for GONGZHI_FIELD_KEYS."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print a new Fernet key for GONGZHI_FIELD_KEYS (encryption of phone and "
        "ID numbers at rest). See docs/operations.md for key rotation."
    )
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(Fernet.generate_key().decode())
