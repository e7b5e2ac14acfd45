"""Small GeoJSON builders for the demo data: rectangles, lines and their lengths."""

from __future__ import annotations

import math
from typing import Any

# Metres per degree of latitude; a degree of longitude is this times cos(lat).
METRES_PER_DEGREE = 111_320.0


def rect(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    """Return a GeoJSON rectangle (counter-clockwise, closed) from its bounds."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[_round(p) for p in ring]]}


def line(*points: tuple[float, float]) -> dict[str, Any]:
    """Return a GeoJSON LineString through ``(lng, lat)`` points."""
    return {"type": "LineString", "coordinates": [_round(list(p)) for p in points]}


def line_length_m(geometry: dict[str, Any]) -> int:
    """Return the approximate length in metres of a LineString."""
    coords = geometry["coordinates"]
    total = 0.0
    for (lng1, lat1), (lng2, lat2) in zip(coords, coords[1:], strict=False):
        kx = METRES_PER_DEGREE * math.cos(math.radians((lat1 + lat2) / 2))
        total += math.hypot((lng2 - lng1) * kx, (lat2 - lat1) * METRES_PER_DEGREE)
    return round(total)


def _round(point: list[float]) -> list[float]:
    # Seven decimals is about a centimetre; it keeps the stored JSON stable.
    return [round(point[0], 7), round(point[1], 7)]


def line_midpoint(geometry: dict[str, Any] | None) -> tuple[float, float]:
    """Return ``(lat, lng)`` halfway between a LineString's first two points."""
    if not geometry:
        raise ValueError("The street has no geometry.")
    (lng1, lat1), (lng2, lat2) = geometry["coordinates"][:2]
    return round((lat1 + lat2) / 2, 6), round((lng1 + lng2) / 2, 6)


def box_centre(place: Any) -> tuple[float, float]:
    """Return ``(lat, lng)`` at the centre of a place's bounding box."""
    if place.min_lat is None or place.min_lng is None:
        raise ValueError(f"{place} has no geometry.")
    return (
        round((place.min_lat + place.max_lat) / 2, 6),
        round((place.min_lng + place.max_lng) / 2, 6),
    )
