"""Reads of places, including the point-in-area lookup that places a case."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import QuerySet

from gongzhi.core import geo

from .models import (
    Community,
    EconomicCooperative,
    Estate,
    Grid,
    Place,
    Street,
    Subdistrict,
)

P = TypeVar("P", bound=Place)

# A point this close to a street's centre line is on that street.
STREET_SNAP_METRES = 40.0


@dataclass(frozen=True)
class Location:
    """Where a point lies in the governance tiers (any part may be unknown)."""

    subdistrict: Subdistrict | None = None
    community: Community | None = None
    cooperative: EconomicCooperative | None = None
    estate: Estate | None = None
    street: Street | None = None
    grid: Grid | None = None

    @property
    def found(self) -> bool:
        return self.community is not None


def _candidates(qs: QuerySet[P], lat: float, lng: float) -> QuerySet[P]:
    return qs.filter(
        geometry__isnull=False,
        min_lat__lte=lat,
        max_lat__gte=lat,
        min_lng__lte=lng,
        max_lng__gte=lng,
    )


def _shape_key(place: Place) -> tuple[str, int, object]:
    return (place._meta.label, place.pk, place.updated_at)


def _first_containing(qs: QuerySet[P], lat: float, lng: float) -> P | None:
    for place in _candidates(qs, lat, lng):
        if geo.contains(place.geometry, lat, lng, key=_shape_key(place)):
            return place
    return None


def _nearest_street(community: Community, lat: float, lng: float) -> Street | None:
    # Expand the box by the snap distance (with a margin) for lines; a degree of
    # longitude is shorter than a degree of latitude away from the equator.
    pad_lat = STREET_SNAP_METRES / 111_320 * 1.5
    pad_lng = pad_lat / max(math.cos(math.radians(lat)), 0.1)
    streets = Street.objects.filter(
        community=community,
        geometry__isnull=False,
        min_lat__lte=lat + pad_lat,
        max_lat__gte=lat - pad_lat,
        min_lng__lte=lng + pad_lng,
        max_lng__gte=lng - pad_lng,
    )
    best: tuple[float, Street] | None = None
    for street in streets:
        key = _shape_key(street)
        if geo.contains(street.geometry, lat, lng, key=key):
            return street
        d = geo.distance_m(street.geometry, lat, lng, key=key)
        if d <= STREET_SNAP_METRES and (best is None or d < best[0]):
            best = (d, street)
    return best[1] if best else None


def place_locate(*, lat: float, lng: float) -> Location:
    """Return the community, cooperative, estate, street and grid at a point.

    Raise :class:`gongzhi.core.geo.GeometryError` for coordinates out of range.
    """
    geo.validate_lat_lng(lat, lng)
    community = _first_containing(
        Community.objects.select_related("subdistrict"), lat, lng
    )
    if community is None:
        return Location(
            subdistrict=_first_containing(Subdistrict.objects.all(), lat, lng)
        )
    return Location(
        subdistrict=community.subdistrict,
        community=community,
        cooperative=_first_containing(community.cooperatives.all(), lat, lng),
        estate=_first_containing(community.estates.all(), lat, lng),
        street=_nearest_street(community, lat, lng),
        grid=_first_containing(community.grids.all(), lat, lng),
    )


def community_list() -> QuerySet[Community]:
    return Community.objects.select_related("subdistrict").order_by("code")


def street_list(*, community: Community | None = None) -> QuerySet[Street]:
    qs = Street.objects.select_related("community", "cooperative")
    if community is not None:
        qs = qs.filter(community=community)
    return qs.order_by("code")
