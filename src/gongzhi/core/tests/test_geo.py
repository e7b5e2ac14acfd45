"""GeoJSON parsing and the point lookups of gongzhi.core.geo."""

from __future__ import annotations

import json

import pytest

from gongzhi.core import geo
from gongzhi.core.geo import GeometryError

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[113.0, 23.0], [113.1, 23.0], [113.1, 23.1], [113.0, 23.1], [113.0, 23.0]]
    ],
}
METRE = 1 / 111_320  # a metre of latitude, in degrees


def test_parse_accepts_a_dict_or_its_json_text():
    assert geo.parse(SQUARE).geom_type == "Polygon"
    assert geo.parse(json.dumps(SQUARE)).bounds == (113.0, 23.0, 113.1, 23.1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{", "Not valid JSON"),
        ("[1, 2]", "A GeoJSON geometry object with a 'type' is required."),
        (5, "A GeoJSON geometry object with a 'type' is required."),
        (
            {"coordinates": [1, 2]},
            "A GeoJSON geometry object with a 'type' is required.",
        ),
        ({"type": "Polygon"}, "Invalid GeoJSON geometry"),
        ({"type": "Polygon", "coordinates": "x"}, "Invalid GeoJSON geometry"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
            "at least 4 coordinates",
        ),
        ({"type": "Triangle", "coordinates": [1]}, "Invalid GeoJSON geometry"),
        ({"type": "Polygon", "coordinates": []}, "The geometry is empty."),
    ],
)
def test_parse_rejects_what_is_not_a_geometry(value, message):
    with pytest.raises(GeometryError, match=message):
        geo.parse(value)


def test_parse_rejects_a_type_that_is_not_allowed():
    point = {"type": "Point", "coordinates": [113.0, 23.0]}

    with pytest.raises(
        GeometryError,
        match="Expected a geometry of type Polygon or MultiPolygon, got Point.",
    ):
        geo.parse(point, allowed=geo.AREA_TYPES)


@pytest.mark.parametrize(
    "coordinates",
    [
        [[[200, 23], [201, 23], [201, 24], [200, 23]]],
        [[[113, 89], [114, 89], [114, 95], [113, 89]]],
        [[[113, -91], [114, -91], [114, -90], [113, -91]]],
    ],
)
def test_parse_rejects_coordinates_out_of_range(coordinates):
    with pytest.raises(
        GeometryError, match="Coordinates must be longitude and latitude in degrees."
    ):
        geo.parse({"type": "Polygon", "coordinates": coordinates})


def test_parse_rejects_a_self_intersecting_polygon():
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[113.0, 23.0], [113.1, 23.1], [113.1, 23.0], [113.0, 23.1], [113.0, 23.0]]
        ],
    }

    with pytest.raises(GeometryError, match="The area's outline crosses itself."):
        geo.parse(bow_tie)


def test_contains_includes_the_boundary_and_excludes_lines():
    assert geo.contains(SQUARE, 23.05, 113.05)
    assert geo.contains(SQUARE, 23.0, 113.05)
    assert not geo.contains(SQUARE, 23.2, 113.05)
    assert not geo.contains(
        {"type": "LineString", "coordinates": [[113, 23], [114, 23]]}, 23, 113.5
    )
    assert not geo.contains(None, 23.05, 113.05)


def test_distance_m_is_metres_north_and_east():
    street = {"type": "LineString", "coordinates": [[113.0, 23.0], [113.1, 23.0]]}
    lng_metre = METRE / 0.9205  # cos(23°)

    assert geo.distance_m(street, 23.0 + 40 * METRE, 113.05) == pytest.approx(
        40, rel=0.01
    )
    assert geo.distance_m(street, 23.0, 113.1 + 40 * lng_metre) == pytest.approx(
        40, rel=0.01
    )
    assert geo.distance_m(street, 23.0, 113.05) == 0
    assert geo.distance_m(None, 23.0, 113.05) == float("inf")


def test_bounds_is_min_lng_min_lat_max_lng_max_lat():
    assert geo.bounds(SQUARE) == (113.0, 23.0, 113.1, 23.1)


@pytest.mark.parametrize(("lat", "lng"), [(91, 113), (-91, 113), (23, 181), (23, -181)])
def test_validate_lat_lng_rejects_out_of_range_points(lat, lng):
    with pytest.raises(GeometryError, match="Latitude must be within ±90"):
        geo.validate_lat_lng(lat, lng)
