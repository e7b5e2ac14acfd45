"""Users, their roles and scopes, and consent records."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.crypto import EncryptedCharField
from gongzhi.core.masking import mask_name, mask_phone
from gongzhi.core.models import BaseModel

from .choices import ConsentPurpose, Role, ScopeKind


class User(AbstractUser):
    """A person who signs in: resident, street chief, staff, handler, leader…"""

    display_name = models.CharField(_("name"), max_length=50, blank=True)
    phone = EncryptedCharField(_("mobile phone"), max_length=20)
    id_number = EncryptedCharField(_("ID number"), max_length=20)
    is_party_member = models.BooleanField(_("party member"), default=False)
    is_newcomer = models.BooleanField(
        _("newcomer"), default=False, help_text=_("Moved in from elsewhere (新市民).")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def public_name(self) -> str:
        return mask_name(self.display_name) or str(_("resident"))


class RoleAssignment(BaseModel):
    """A role held by a user within one scope, for a period."""

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    subdistrict = models.ForeignKey(
        "places.Subdistrict",
        verbose_name=_("subdistrict"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    cooperative = models.ForeignKey(
        "places.EconomicCooperative",
        verbose_name=_("economic cooperative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    street = models.ForeignKey(
        "places.Street",
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    SCOPE_FIELDS = ("subdistrict", "community", "cooperative", "street", "organisation")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                name="role_at_most_one_scope",
                condition=(
                    Q(
                        subdistrict__isnull=True,
                        community__isnull=True,
                        cooperative__isnull=True,
                        street__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        subdistrict__isnull=False,
                        community__isnull=True,
                        cooperative__isnull=True,
                        street__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        subdistrict__isnull=True,
                        community__isnull=False,
                        cooperative__isnull=True,
                        street__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        subdistrict__isnull=True,
                        community__isnull=True,
                        cooperative__isnull=False,
                        street__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        subdistrict__isnull=True,
                        community__isnull=True,
                        cooperative__isnull=True,
                        street__isnull=False,
                        organisation__isnull=True,
                    )
                    | Q(
                        subdistrict__isnull=True,
                        community__isnull=True,
                        cooperative__isnull=True,
                        street__isnull=True,
                        organisation__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.scope
        return f"{self.user} · {self.get_role_display()}" + (
            f" · {scope}" if scope else ""
        )

    @property
    def scope_kind(self) -> str:
        for name in self.SCOPE_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return ScopeKind.COOPERATIVE if name == "cooperative" else name
        return ScopeKind.PLATFORM

    @property
    def scope(self) -> object | None:
        for name in self.SCOPE_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        return None

    def is_current(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.valid_from <= day and (
            self.valid_to is None or day <= self.valid_to
        )


class ConsentRecord(BaseModel):
    """A person's consent to a use of their personal data, with purpose and expiry."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=ConsentPurpose.choices
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    evidence = models.CharField(
        _("evidence"),
        max_length=200,
        blank=True,
        help_text=_("How consent was given, e.g. signed paper form number."),
    )

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_purpose_display()}"

    def is_valid(self, at: dt.datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.withdrawn_at is None and (
            self.expires_at is None or now < self.expires_at
        )
