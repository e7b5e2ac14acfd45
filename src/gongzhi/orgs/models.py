"""Organisations in the area and the party-led structure that links them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.crypto import EncryptedCharField
from gongzhi.core.models import BaseModel

from .choices import OrganisationKind, PartyOrganisationType, SeatKind


class Organisation(BaseModel):
    """An organisation in the area (驻区单位): company, association, department…"""

    name = models.CharField(_("name"), max_length=150, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    subdistrict = models.ForeignKey(
        "places.Subdistrict",
        verbose_name=_("subdistrict"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=30)
    estates = models.ManyToManyField(
        "places.Estate",
        verbose_name=_("managed estates"),
        blank=True,
        related_name="property_companies",
    )
    party_instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("party-building instructor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instructed_organisations",
        help_text=_(
            "Where no party organisation exists, party work reaches the "
            "organisation through its instructor (work coverage)."
        ),
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class PartyOrganisation(BaseModel):
    """A party organisation (党组织): committee, general or joint branch, branch."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    type = models.CharField(
        _("type"), max_length=20, choices=PartyOrganisationType.choices
    )
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("host organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organisations",
    )
    covered = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations covered"),
        blank=True,
        related_name="covering_party_organisations",
        help_text=_("Further organisations a joint branch covers."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organisations",
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="partyorg_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CommunityCommittee(BaseModel):
    """The community "big party committee" (社区大党委)."""

    community = models.OneToOneField(
        "places.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="committee",
    )
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("community committee")
        verbose_name_plural = _("community committees")

    def __str__(self) -> str:
        return self.name


class CommitteeSeat(BaseModel):
    """A seat on the community committee, full-time or held part-time by an
    organisation's leader (兼职委员)."""

    committee = models.ForeignKey(
        CommunityCommittee,
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="seats",
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="committee_seats",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SeatKind.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_seats",
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["committee", "kind", "term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="seat_term_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SeatKind.PART_TIME) | Q(organisation__isnull=False),
                name="part_time_seat_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.holder} ({self.get_kind_display()})"


class Liaison(BaseModel):
    """An organisation's contact person (联络员) for joint meetings and cases."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="liaisons",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="liaisons",
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("liaison")
        verbose_name_plural = _("liaisons")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="liaison_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_primary=True),
                name="one_primary_liaison",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.user}"
