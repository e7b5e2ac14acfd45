"""Geometry stored as GeoJSON (WGS84 lng/lat), without GDAL: shapes and lookups."""

from __future__ import annotations

import functools
import json
import math
from typing import Any

from shapely import affinity
from shapely.errors import ShapelyError
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

AREA_TYPES = ("Polygon", "MultiPolygon")
LINE_TYPES = ("LineString", "MultiLineString")


class GeometryError(ValueError):
    """Raised for GeoJSON that is not a valid geometry of the expected kind."""


def parse(
    geojson: dict[str, Any] | str, *, allowed: tuple[str, ...] | None = None
) -> BaseGeometry:
    """Return the shapely geometry of ``geojson``, or raise :class:`GeometryError`."""
    if isinstance(geojson, str):
        try:
            geojson = json.loads(geojson)
        except json.JSONDecodeError as exc:
            raise GeometryError(f"Not valid JSON: {exc.msg}.") from exc
    if not isinstance(geojson, dict) or "type" not in geojson:
        raise GeometryError("A GeoJSON geometry object with a 'type' is required.")
    if allowed and geojson["type"] not in allowed:
        raise GeometryError(
            f"Expected a geometry of type {' or '.join(allowed)}, "
            f"got {geojson['type']}."
        )
    try:
        geom = shape(geojson)
    except (KeyError, ValueError, TypeError, AttributeError, ShapelyError) as exc:
        raise GeometryError(f"Invalid GeoJSON geometry: {exc}") from exc
    if geom.is_empty:
        raise GeometryError("The geometry is empty.")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeometryError("Coordinates must be longitude and latitude in degrees.")
    if geom.geom_type in AREA_TYPES and not geom.is_valid:
        raise GeometryError("The area's outline crosses itself.")
    return geom


@functools.lru_cache(maxsize=4096)
def _cached_shape(geojson_text: str) -> BaseGeometry:
    return shape(json.loads(geojson_text))


def contains(geojson: dict[str, Any] | None, lat: float, lng: float) -> bool:
    """Return whether the area ``geojson`` contains the point (boundary included).

    Lines and missing geometries contain nothing.
    """
    if not geojson or geojson.get("type") not in AREA_TYPES:
        return False
    geom = _cached_shape(json.dumps(geojson, sort_keys=True))
    return bool(geom.covers(Point(lng, lat)))


def distance_m(geojson: dict[str, Any] | None, lat: float, lng: float) -> float:
    """Return the approximate distance in metres from the point to ``geojson``."""
    if not geojson:
        return math.inf
    geom = _cached_shape(json.dumps(geojson, sort_keys=True))
    # Project onto a local plane centred on the point: a degree of latitude is
    # about 111,320 m everywhere, a degree of longitude shrinks with cos(lat).
    ky = 111_320.0
    kx = ky * max(math.cos(math.radians(lat)), 0.1)
    local = affinity.affine_transform(geom, [kx, 0, 0, ky, -lng * kx, -lat * ky])
    return float(local.distance(Point(0, 0)))


def bounds(geojson: dict[str, Any]) -> tuple[float, float, float, float]:
    """Return ``(min_lng, min_lat, max_lng, max_lat)``."""
    min_lng, min_lat, max_lng, max_lat = parse(geojson).bounds
    return (min_lng, min_lat, max_lng, max_lat)


def validate_lat_lng(lat: float, lng: float) -> None:
    if not (-90 <= lat <= 90) or not (-180 <= lng <= 180):
        raise GeometryError("Latitude must be within ±90 and longitude within ±180.")
