"""Geometry stored as GeoJSON (WGS84 lng/lat), without GDAL: shapes and lookups."""

from __future__ import annotations

import functools
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Hashable
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


_KEYED_MAX = 8192
_keyed: OrderedDict[Hashable, BaseGeometry] = OrderedDict()
_keyed_lock = threading.Lock()


def shape_of(geojson: dict[str, Any], key: Hashable | None = None) -> BaseGeometry:
    """Return the shapely shape of ``geojson``, cached.

    With a ``key`` that changes whenever the geometry does (a place's label, pk
    and modification time), the cache skips serialising the GeoJSON again.
    """
    if key is None:
        return _cached_shape(json.dumps(geojson, sort_keys=True))
    with _keyed_lock:
        geom = _keyed.get(key)
        if geom is not None:
            _keyed.move_to_end(key)
            return geom
    geom = shape(geojson)
    with _keyed_lock:
        _keyed[key] = geom
        if len(_keyed) > _KEYED_MAX:
            _keyed.popitem(last=False)
    return geom


def contains(
    geojson: dict[str, Any] | None,
    lat: float,
    lng: float,
    *,
    key: Hashable | None = None,
) -> bool:
    """Return whether the area ``geojson`` contains the point (boundary included).

    Lines and missing geometries contain nothing.
    """
    if not geojson or geojson.get("type") not in AREA_TYPES:
        return False
    return bool(shape_of(geojson, key).covers(Point(lng, lat)))


def distance_m(
    geojson: dict[str, Any] | None,
    lat: float,
    lng: float,
    *,
    key: Hashable | None = None,
) -> float:
    """Return the approximate distance in metres from the point to ``geojson``."""
    if not geojson:
        return math.inf
    geom = shape_of(geojson, key)
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
