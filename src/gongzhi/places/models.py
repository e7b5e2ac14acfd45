"""The governance tiers and places: subdistrict > community > cooperative > street."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import BaseModel


class Place(BaseModel):
    """Abstract place: a code, a name and an optional GeoJSON geometry.

    The bounding box is kept beside the geometry (by ``place_set_geometry``) so
    that a point lookup filters candidates in the database before the exact test.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    geometry = models.JSONField(_("geometry (GeoJSON)"), null=True, blank=True)
    min_lng = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lng = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Subdistrict(Place):
    """A street office (街道), e.g. Guicheng."""

    class Meta(Place.Meta):
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")


class Community(Place):
    """A community (社区) with its party committee and residents' committee."""

    subdistrict = models.ForeignKey(
        Subdistrict,
        verbose_name=_("subdistrict"),
        on_delete=models.PROTECT,
        related_name="communities",
    )

    class Meta(Place.Meta):
        verbose_name = _("community")
        verbose_name_plural = _("communities")


class EconomicCooperative(Place):
    """An economic cooperative (经济社): a former village team that owns land."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="cooperatives",
    )

    class Meta(Place.Meta):
        verbose_name = _("economic cooperative")
        verbose_name_plural = _("economic cooperatives")


class Estate(Place):
    """A housing estate (小区) with a property company and owners."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="estates",
    )
    cooperative = models.ForeignKey(
        EconomicCooperative,
        verbose_name=_("economic cooperative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="estates",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta(Place.Meta):
        verbose_name = _("housing estate")
        verbose_name_plural = _("housing estates")


class Street(Place):
    """A street or alley (街巷): the unit a street chief is responsible for."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="streets",
    )
    cooperative = models.ForeignKey(
        EconomicCooperative,
        verbose_name=_("economic cooperative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="streets",
    )
    length_m = models.PositiveIntegerField(_("length (m)"), null=True, blank=True)

    class Meta(Place.Meta):
        verbose_name = _("street")
        verbose_name_plural = _("streets")


class Grid(Place):
    """A management grid cell (网格), where a community runs grids."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="grids",
    )

    class Meta(Place.Meta):
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
