"""The synthetic scale data set."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction
from shapely.geometry import shape

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.core import geo
from gongzhi.demo.synthetic import load_scale
from gongzhi.orgs.models import Organisation
from gongzhi.orgs.selectors import coverage_list
from gongzhi.places.models import Community, EconomicCooperative, Estate, Street
from gongzhi.places.selectors import place_locate

pytestmark = pytest.mark.django_db


def _snapshot() -> list:
    return [
        list(
            Community.objects.order_by("code").values_list("code", "name", "geometry")
        ),
        list(Street.objects.order_by("code").values_list("code", "name", "geometry")),
        sorted(
            Organisation.objects.values_list(
                "name", "kind", "party_instructor__username"
            )
        ),
        sorted(User.objects.values_list("username", "display_name", "is_party_member")),
    ]


def test_each_community_is_realistically_furnished():
    counts = load_scale(2)

    assert counts["communities"] == 2
    assert counts["subdistricts"] == 1
    for community in Community.objects.all():
        assert 3 <= community.cooperatives.count() <= 6
        assert 18 <= community.streets.count() <= 22
        assert 2 <= community.estates.count() <= 4
        assert 26 <= community.organisations.count() <= 34
        chiefs = RoleAssignment.objects.filter(
            role="street_chief", street__community=community
        )
        assert chiefs.count() == community.streets.count()
        assert community.committee.seats.filter(kind="part_time").count() == 2
    for row in coverage_list(communities=Community.objects.all()):
        assert 0 < row.organisation_covered < row.work_covered < row.total


def test_bounding_boxes_match_the_geometry_and_streets_are_found():
    load_scale(2)

    for model in (Community, EconomicCooperative, Estate, Street):
        for place in model.objects.all():
            assert (place.min_lng, place.min_lat, place.max_lng, place.max_lat) == (
                geo.bounds(place.geometry)
            )
    street = Street.objects.order_by("code").last()
    (west, lat), (east, _) = street.geometry["coordinates"]
    where = place_locate(lat=lat, lng=(west + east) / 2)
    assert (where.street, where.cooperative) == (street, street.cooperative)
    areas = [shape(c.geometry) for c in Community.objects.all()]
    assert all(a.intersection(b).area == 0 for a, b in itertools.combinations(areas, 2))


def test_the_same_seed_gives_the_same_data_and_growing_keeps_what_exists():
    with transaction.atomic():
        load_scale(3, seed=7)
        whole = _snapshot()
        transaction.set_rollback(True)

    load_scale(2, seed=7)
    again = load_scale(3, seed=7)

    assert again["communities"] == 1
    assert _snapshot() == whole


def test_loading_the_same_scale_again_adds_nothing():
    load_scale(2)

    assert set(load_scale(2).values()) == {0}


@pytest.mark.parametrize("n", [0, 10_001])
def test_a_scale_outside_the_grid_is_refused(n):
    with pytest.raises(ValueError, match="from 1 to 10000 communities"):
        load_scale(n)
