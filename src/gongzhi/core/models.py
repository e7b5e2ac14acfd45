"""Base models and the platform-wide records kept by core."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .crypto import EncryptedCharField


class BaseModel(models.Model):
    """Abstract base: creation and modification timestamps."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditLogError(Exception):
    """Raised on any attempt to change or remove an audit record."""


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that refuses bulk updates and deletes."""

    def update(self, **kwargs: Any) -> int:
        raise AuditLogError("The audit log is append-only: records cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogError("The audit log is append-only: records cannot be deleted.")


class AuditEvent(models.Model):
    """One immutable entry in the audit log: who did or read what, when, from where.

    Written only through :func:`gongzhi.core.audit.audit_record`. Database triggers
    (migration 0002) refuse UPDATE and DELETE as well, so even raw SQL cannot edit
    the trail.
    """

    class Kind(models.TextChoices):
        CHANGE = "change", _("change")
        READ = "read", _("read of sensitive data")
        AUTH = "auth", _("authentication")
        SYSTEM = "system", _("system")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        # Deleting a user must not touch the log: SET_NULL would issue an UPDATE
        # that the append-only triggers refuse. The id dangles; actor_repr stays.
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_repr = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx")
        ]

    def __str__(self) -> str:
        who = self.actor_repr or "system"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogError(
                "The audit log is append-only: records cannot be updated."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogError("The audit log is append-only: records cannot be deleted.")


class CalendarOverride(BaseModel):
    """A local change to the working-day calendar, or an official day not yet
    known to the calendar package (e.g. next year's holiday schedule)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarYear(BaseModel):
    """Confirms that an admin has entered a year's official holiday schedule."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    confirmed_by = models.CharField(_("confirmed by"), max_length=150, blank=True)
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("The State Council notice the overrides were copied from."),
    )

    class Meta:
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class PeriodicJobState(models.Model):
    """When a periodic job was last enqueued; claimed atomically by schedulers."""

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """The last time a background worker ran the heartbeat job."""

    name = models.CharField(max_length=100, primary_key=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at}"


class Notification(models.Model):
    """An outbox entry: written in the same transaction as the change it reports,
    delivered afterwards by the worker (e-mail, SMS) or shown in the app."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("in the app")
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # E-mail address or phone number for recipients without an account.
    address = EncryptedCharField(_("address"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    # Encrypted: a reporter's link carries their tracking token.
    url = EncryptedCharField(_("link"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "channel"], name="notification_state_idx"),
            models.Index(
                fields=["recipient", "read_at"], name="notification_inbox_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.subject}"
