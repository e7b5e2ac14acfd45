"""Routing: which unit leads a case, and which assist, by category and place."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from gongzhi.orgs.models import Organisation

from .models import Case, RoutingRule


@dataclass(frozen=True)
class Route:
    lead: Organisation | None
    assisting: list[Organisation] = field(default_factory=list)
    rule: RoutingRule | None = None


def route_for(case: Case) -> Route:
    """Return the lead and assisting units of the most specific matching rule."""

    def place_q(name: str, value_id: int | None) -> Q:
        q = Q(**{f"{name}__isnull": True})
        return q | Q(**{f"{name}_id": value_id}) if value_id else q

    rules = (
        RoutingRule.objects.filter(is_active=True)
        .filter(Q(category__isnull=True) | Q(category_id=case.category_id))
        .filter(place_q("community", case.community_id))
        .filter(place_q("cooperative", case.cooperative_id))
        .filter(place_q("estate", case.estate_id))
        .filter(place_q("street", case.street_id))
        .select_related("lead")
        .prefetch_related("assisting")
    )
    best = max(rules, key=lambda r: (r.specificity, r.pk), default=None)
    if best is None:
        return Route(lead=None)
    return Route(lead=best.lead, assisting=list(best.assisting.all()), rule=best)
