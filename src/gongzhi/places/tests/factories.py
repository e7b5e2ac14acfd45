"""Factories for places; geometry is a small square near Pingdong by default."""

from __future__ import annotations

import factory

from gongzhi.places.models import (
    Community,
    EconomicCooperative,
    Estate,
    Grid,
    Street,
    Subdistrict,
)


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    """Return a GeoJSON square polygon with its south-west corner at (lng, lat)."""
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lng, lat],
                [lng + size, lat],
                [lng + size, lat + size],
                [lng, lat + size],
                [lng, lat],
            ]
        ],
    }


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SD{n:03d}")
    name = factory.Sequence(lambda n: f"街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"社区{n}")
    subdistrict = factory.SubFactory(SubdistrictFactory)


class EconomicCooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EconomicCooperative

    code = factory.Sequence(lambda n: f"EC{n:04d}")
    name = factory.Sequence(lambda n: f"经济社{n}")
    community = factory.SubFactory(CommunityFactory)


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Estate

    code = factory.Sequence(lambda n: f"E{n:04d}")
    name = factory.Sequence(lambda n: f"花园{n}")
    community = factory.SubFactory(CommunityFactory)


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    code = factory.Sequence(lambda n: f"S{n:05d}")
    name = factory.Sequence(lambda n: f"街巷{n}")
    community = factory.SubFactory(CommunityFactory)


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    code = factory.Sequence(lambda n: f"G{n:04d}")
    name = factory.Sequence(lambda n: f"网格{n}")
    community = factory.SubFactory(CommunityFactory)


def line(*points: tuple[float, float]) -> dict:
    """Return a GeoJSON LineString through ``points`` given as (lng, lat)."""
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


def with_geometry(place, geometry: dict):
    """Give ``place`` its geometry and bounding box through the service."""
    from gongzhi.places.services import place_set_geometry

    return place_set_geometry(place=place, geometry=geometry, actor=None)
