"""The point lookup that places a case in the governance tiers."""

from __future__ import annotations

import math

import pytest

from gongzhi.core.geo import GeometryError
from gongzhi.places.selectors import place_locate
from gongzhi.places.tests.factories import (
    CommunityFactory,
    EconomicCooperativeFactory,
    EstateFactory,
    GridFactory,
    StreetFactory,
    SubdistrictFactory,
    line,
    square,
    with_geometry,
)

pytestmark = pytest.mark.django_db

METRE_LAT = 1 / 111_320
STREET_LAT = 23.02
# A point in every nested square: community, cooperative, estate and grid.
INSIDE = (23.015, 113.015)


def metres_north(metres: float) -> float:
    return STREET_LAT + metres * METRE_LAT


def metres_east(lng: float, metres: float) -> float:
    return lng + metres * METRE_LAT / math.cos(math.radians(STREET_LAT))


@pytest.fixture
def area():
    """Nested squares: subdistrict ⊃ community ⊃ cooperative, estate, grid."""
    subdistrict = with_geometry(SubdistrictFactory(), square(113.0, 23.0, 0.2))
    community = with_geometry(
        CommunityFactory(subdistrict=subdistrict), square(113.0, 23.0, 0.1)
    )
    return {
        "subdistrict": subdistrict,
        "community": community,
        "cooperative": with_geometry(
            EconomicCooperativeFactory(community=community), square(113.0, 23.0, 0.05)
        ),
        "estate": with_geometry(
            EstateFactory(community=community), square(113.01, 23.01, 0.01)
        ),
        "grid": with_geometry(
            GridFactory(community=community), square(113.0, 23.0, 0.03)
        ),
        "street": with_geometry(
            StreetFactory(community=community),
            line((113.0, STREET_LAT), (113.03, STREET_LAT)),
        ),
    }


def test_a_point_is_placed_in_every_tier(area):
    location = place_locate(lat=INSIDE[0], lng=INSIDE[1])

    assert location.found
    assert location.subdistrict == area["subdistrict"]
    assert location.community == area["community"]
    assert location.cooperative == area["cooperative"]
    assert location.estate == area["estate"]
    assert location.grid == area["grid"]


def test_parts_of_a_community_without_the_point_are_left_out(area):
    location = place_locate(lat=23.08, lng=113.08)

    assert location.community == area["community"]
    assert location.cooperative is None
    assert location.estate is None
    assert location.grid is None
    assert location.street is None


def test_a_point_outside_every_community_is_not_found(area):
    location = place_locate(lat=23.15, lng=113.15)

    assert not location.found
    assert location.community is None
    assert location.subdistrict == area["subdistrict"]


def test_a_point_far_away_is_not_found_anywhere(area):
    location = place_locate(lat=30.0, lng=120.0)

    assert not location.found
    assert location.subdistrict is None


def test_places_without_geometry_are_ignored(area):
    CommunityFactory(subdistrict=area["subdistrict"])

    assert place_locate(lat=INSIDE[0], lng=INSIDE[1]).community == area["community"]


@pytest.mark.parametrize("metres", [0, 10, 35])
def test_a_point_near_a_street_snaps_to_it(area, metres):
    location = place_locate(lat=metres_north(metres), lng=113.015)

    assert location.street == area["street"]


@pytest.mark.parametrize("metres", [42, 100])
def test_a_point_farther_than_forty_metres_from_a_street_is_on_none(area, metres):
    assert place_locate(lat=metres_north(metres), lng=113.015).street is None


def test_snapping_measures_east_of_the_end_of_a_street_in_metres(area):
    near = place_locate(lat=STREET_LAT, lng=metres_east(113.03, 35))
    far = place_locate(lat=STREET_LAT, lng=metres_east(113.03, 45))

    assert near.street == area["street"]
    assert far.street is None


def test_the_nearest_of_two_streets_wins(area):
    other = with_geometry(
        StreetFactory(community=area["community"]),
        line((113.0, metres_north(30)), (113.03, metres_north(30))),
    )

    assert place_locate(lat=metres_north(20), lng=113.015).street == other
    assert place_locate(lat=metres_north(10), lng=113.015).street == area["street"]


def test_a_street_drawn_as_an_area_contains_its_points(area):
    plaza = with_geometry(
        StreetFactory(community=area["community"]), square(113.06, 23.06, 0.002)
    )

    assert place_locate(lat=23.061, lng=113.061).street == plaza


def test_streets_of_another_community_are_not_snapped_to(area):
    neighbour = with_geometry(
        CommunityFactory(subdistrict=area["subdistrict"]), square(113.1, 23.0, 0.1)
    )
    with_geometry(
        StreetFactory(community=neighbour),
        line((113.1, 23.05), (113.1, 23.06)),
    )

    # 20 m west of the neighbour's street, but inside this community.
    assert place_locate(lat=23.055, lng=metres_east(113.1, -20)).street is None


@pytest.mark.parametrize(("lat", "lng"), [(91, 113.0), (23.0, 181)])
def test_coordinates_out_of_range_are_refused(lat, lng):
    with pytest.raises(GeometryError, match="Latitude must be within ±90"):
        place_locate(lat=lat, lng=lng)
