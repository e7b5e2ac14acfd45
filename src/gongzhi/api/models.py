"""Personal API tokens: how programs act for a user on the staff JSON API."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import BaseModel


class ApiToken(BaseModel):
    """A personal token: a program acts as its user with the user's permissions.

    Only the SHA-256 of the token is kept; the token itself is shown once, when it
    is issued. A revoked or expired token no longer authenticates.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for.")
    )
    # The first characters of the token, enough to tell tokens apart in lists.
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(
        _("revoked at"), null=True, blank=True, editable=False
    )
    # Updated at most once a minute, together with the audit entry for the use.
    last_used_at = models.DateTimeField(
        _("last used at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_usable(self, at: dt.datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.revoked_at is None and (
            self.expires_at is None or now < self.expires_at
        )
