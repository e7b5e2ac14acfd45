"""Services that change places."""

from __future__ import annotations

import pytest

from gongzhi.core.geo import GeometryError
from gongzhi.core.models import AuditEvent
from gongzhi.places.services import place_set_geometry
from gongzhi.places.tests.factories import CommunityFactory, StreetFactory, line, square

pytestmark = pytest.mark.django_db


def test_place_set_geometry_stores_the_bounding_box():
    community = CommunityFactory()

    place_set_geometry(place=community, geometry=square(113.0, 23.0, 0.1), actor=None)

    community.refresh_from_db()
    assert community.geometry == square(113.0, 23.0, 0.1)
    assert (community.min_lng, community.min_lat) == (113.0, 23.0)
    assert community.max_lng == pytest.approx(113.1)
    assert community.max_lat == pytest.approx(23.1)


def test_place_set_geometry_accepts_a_street_line():
    street = StreetFactory()

    place_set_geometry(
        place=street, geometry=line((113.0, 23.0), (113.02, 23.01)), actor=None
    )

    street.refresh_from_db()
    assert (street.min_lng, street.min_lat, street.max_lng, street.max_lat) == (
        113.0,
        23.0,
        113.02,
        23.01,
    )


def test_place_set_geometry_records_an_audit_event():
    community = CommunityFactory()

    place_set_geometry(place=community, geometry=square(113.0, 23.0), actor=None)

    event = AuditEvent.objects.get(action="place.set_geometry")
    assert event.object_type == "places.community"
    assert event.object_id == str(community.pk)


def test_place_set_geometry_with_none_clears_geometry_and_box():
    community = CommunityFactory()
    place_set_geometry(place=community, geometry=square(113.0, 23.0), actor=None)

    place_set_geometry(place=community, geometry=None, actor=None)

    community.refresh_from_db()
    assert community.geometry is None
    assert community.min_lng is community.max_lat is None


def test_place_set_geometry_rejects_a_point_and_changes_nothing():
    community = CommunityFactory()

    with pytest.raises(
        GeometryError,
        match=(
            "Expected a geometry of type Polygon or MultiPolygon or LineString or "
            "MultiLineString, got Point."
        ),
    ):
        place_set_geometry(
            place=community,
            geometry={"type": "Point", "coordinates": [113.0, 23.0]},
            actor=None,
        )

    community.refresh_from_db()
    assert community.geometry is None
    assert not AuditEvent.objects.filter(action="place.set_geometry").exists()


def test_place_set_geometry_rejects_a_self_intersecting_outline():
    community = CommunityFactory()
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[113.0, 23.0], [113.1, 23.1], [113.1, 23.0], [113.0, 23.1], [113.0, 23.0]]
        ],
    }

    with pytest.raises(GeometryError, match="crosses itself"):
        place_set_geometry(place=community, geometry=bow_tie, actor=None)
