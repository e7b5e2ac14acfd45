"""``gongzhi api_token``: issue, list and revoke personal API tokens.

    gongzhi api_token create USERNAME "what it is for" [--expires 2027-06-30]
    gongzhi api_token list [USERNAME]
    gongzhi api_token revoke PREFIX

The token is printed once, on creation; only its hash is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongzhi.api.models import ApiToken
from gongzhi.api.services import (
    TOKEN_PREFIX,
    api_token_issue,
    api_token_revoke,
    token_hash,
)


def _date(value: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--expires: not a date like 2027-06-30: {value}") from None
    # The token works through the whole of that day, local time.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


class Command(BaseCommand):
    help = "Issue, list and revoke personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Issue a token; it is printed once.")
        create.add_argument("username")
        create.add_argument("name", help="What the token is for.")
        create.add_argument("--expires", type=_date, help="Last day it works.")
        listing = sub.add_parser("list", help="List tokens (never their values).")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser(
            "revoke", help="Revoke a token by its prefix (or the whole token)."
        )
        revoke.add_argument("prefix")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        getattr(self, f"_{verb}")(**options)

    def _user(self, username: str) -> Any:
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user {username}.") from None

    def _create(self, *, username: str, name: str, expires: Any, **_: Any) -> None:
        try:
            issued = api_token_issue(
                user=self._user(username), name=name, actor=None, expires_at=expires
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(issued.raw)
        self.stderr.write(
            f"Token {issued.token.prefix}… for {username}. Copy it now: it is "
            "not stored and cannot be shown again."
        )

    def _list(self, *, username: str | None = None, **_: Any) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user", "created_at")
        if username:
            tokens = tokens.filter(user=self._user(username))
        for token in tokens:
            state = (
                f"revoked {token.revoked_at:%Y-%m-%d}"
                if token.revoked_at
                else "active"
                if token.is_usable()
                else "expired"
            )
            used = (
                f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}"
                if token.last_used_at
                else "never"
            )
            self.stdout.write(
                f"{token.prefix}\t{token.user.get_username()}\t{state}\t"
                f"last used {used}\t{token.name}"
            )

    def _revoke(self, *, prefix: str, **_: Any) -> None:
        prefix = prefix.strip().rstrip("…")
        if len(prefix) < len(TOKEN_PREFIX) + 4:
            raise CommandError("Give at least the first 7 characters of the token.")
        # The whole token, pasted, is found by its hash.
        matches = list(
            ApiToken.objects.filter(key_hash=token_hash(prefix))
            or ApiToken.objects.filter(prefix__startswith=prefix)
        )
        if not matches:
            raise CommandError(f"No token starts with {prefix}.")
        if len(matches) > 1:
            raise CommandError(f"{len(matches)} tokens start with {prefix}; give more.")
        try:
            api_token_revoke(token=matches[0], actor=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Token {matches[0].prefix}… revoked.")
