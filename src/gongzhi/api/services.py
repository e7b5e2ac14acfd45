"""Services of the API app: issue, revoke and use personal API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditEvent

from .models import ApiToken

TOKEN_PREFIX = "gz_"  # noqa: S105 (a marker, not a secret)
# A use is written to the audit log (and last_used_at moved) at most this often.
USE_AUDIT_INTERVAL = dt.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    raw: str  # shown once; only its hash is stored


@transaction.atomic
def api_token_issue(
    *,
    user: Any,
    name: str,
    actor: Any,
    expires_at: dt.datetime | None = None,
) -> Issued:
    """Create a personal token for ``user`` and return it with its secret value."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Say what the token is for.")})
    if not user.is_active:
        raise ValidationError(_("Tokens can only be issued to active users."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[: len(TOKEN_PREFIX) + 8],
        key_hash=token_hash(raw),
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action="api.token_issue",
        obj=token,
        changes={"user": [None, user.get_username()]},
        kind=AuditEvent.Kind.AUTH,
    )
    return Issued(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke ``token``; from now on it no longer authenticates."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("This token has already been revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="api.token_revoke",
        obj=token,
        kind=AuditEvent.Kind.AUTH,
    )
    return token


def api_token_authenticate(raw: str, *, now: dt.datetime | None = None) -> Any:
    """Return the active user ``raw`` is a usable token of, or None.

    Record the use: ``last_used_at`` and an audit entry, at most once a minute
    per token. The conditional update lets exactly one of several concurrent
    requests win that minute, in every process.
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=token_hash(raw)).first()
    )
    now = now or timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at <= now - USE_AUDIT_INTERVAL:
        won = ApiToken.objects.filter(
            pk=token.pk, last_used_at=token.last_used_at
        ).update(last_used_at=now)
        if won:
            audit_record(
                actor=token.user,
                action="api.token_use",
                obj=token,
                kind=AuditEvent.Kind.AUTH,
            )
    return token.user
