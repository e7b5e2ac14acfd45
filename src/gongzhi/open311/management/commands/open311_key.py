"""``gongzhi open311_key create NAME | list | revoke NAME``: manage Open311 keys."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongzhi.open311.models import ApiKey
from gongzhi.open311.services import api_key_create, api_key_revoke


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "-"


class Command(BaseCommand):
    help = (
        "Issue (create NAME), list, or revoke (revoke NAME) the API keys Open311 "
        "clients post requests with. A new key is printed once and never stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a key to a client.")
        create.add_argument("name", help="Who holds the key, e.g. hotline-12345.")
        sub.add_parser("list", help="List the keys (never the keys themselves).")
        revoke = sub.add_parser("revoke", help="Revoke a client's key.")
        revoke.add_argument("name")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            try:
                api_key, raw_key = api_key_create(name=options["name"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(raw_key)
            self.stderr.write(
                f"Key for {api_key.name} (begins {api_key.prefix}). It is shown "
                "only now: copy it to the client."
            )
        elif action == "revoke":
            found = ApiKey.objects.filter(name=options["name"]).first()
            if found is None:
                raise CommandError(f"No Open311 key is named {options['name']!r}.")
            api_key_revoke(api_key=found)
            self.stdout.write(f"Revoked the key of {found.name}.")
        else:
            rows = ApiKey.objects.order_by("name")
            if not rows:
                self.stdout.write("No Open311 keys.")
            for key in rows:
                state = (
                    f"revoked {_when(key.revoked_at)}" if key.revoked_at else "active"
                )
                self.stdout.write(
                    f"{key.name}\t{key.prefix}…\tcreated {_when(key.created_at)}\t"
                    f"last used {_when(key.last_used_at)}\t{state}"
                )
