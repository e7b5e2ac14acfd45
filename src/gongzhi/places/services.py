"""Services that change places."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction

from gongzhi.core import geo
from gongzhi.core.audit import audit_record

from .models import Place

P = TypeVar("P", bound=Place)


@transaction.atomic
def place_set_geometry(*, place: P, geometry: dict[str, Any] | None, actor: Any) -> P:
    """Set (or clear) ``place``'s GeoJSON geometry and its bounding box.

    Raise :class:`gongzhi.core.geo.GeometryError` for an invalid geometry.
    """
    if geometry is None:
        place.geometry = None
        place.min_lng = place.min_lat = place.max_lng = place.max_lat = None
    else:
        geo.parse(geometry, allowed=geo.AREA_TYPES + geo.LINE_TYPES)
        place.geometry = geometry
        place.min_lng, place.min_lat, place.max_lng, place.max_lat = geo.bounds(
            geometry
        )
    place.save(
        update_fields=[
            "geometry",
            "min_lng",
            "min_lat",
            "max_lng",
            "max_lat",
            "updated_at",
        ]
    )
    audit_record(actor=actor, action="place.set_geometry", obj=place)
    return place
