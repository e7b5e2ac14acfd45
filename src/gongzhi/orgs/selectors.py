"""Reads of organisations, including the "two coverages" report (两个覆盖)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from gongzhi.places.models import Community

from .choices import NEW_ECONOMIC_SOCIAL_KINDS
from .models import Organisation, PartyOrganisation


def _annotated(qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    hosted = PartyOrganisation.objects.filter(host=OuterRef("pk"))
    covering = PartyOrganisation.covered.through.objects.filter(
        organisation=OuterRef("pk")
    )
    return qs.annotate(has_party_org=Exists(hosted) | Exists(covering))


def organisation_list(*, community: Community | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("community", "subdistrict")
    if community is not None:
        qs = qs.filter(community=community)
    return _annotated(qs).order_by("name")


@dataclass(frozen=True)
class Coverage:
    """The two coverages of a community's new economic and social organisations."""

    community: Community
    total: int
    organisation_covered: int
    work_covered: int

    @property
    def organisation_coverage(self) -> float | None:
        """Share with a party organisation of their own or a joint one (组织覆盖)."""
        return self.organisation_covered / self.total if self.total else None

    @property
    def work_coverage(self) -> float | None:
        """Share reached by party work: an organisation or an instructor (工作覆盖)."""
        return self.work_covered / self.total if self.total else None


def coverage_list(*, communities: QuerySet[Community] | None = None) -> list[Coverage]:
    """Return the two coverages for each community, in one query."""
    communities = communities if communities is not None else Community.objects.all()
    orgs = _annotated(
        Organisation.objects.filter(
            kind__in=NEW_ECONOMIC_SOCIAL_KINDS,
            is_active=True,
            community__in=communities,
        )
    )
    rows = orgs.values("community").annotate(
        total=Count("pk"),
        org_covered=Count("pk", filter=Q(has_party_org=True)),
        work_covered=Count(
            "pk", filter=Q(has_party_org=True) | Q(party_instructor__isnull=False)
        ),
    )
    by_community = {row["community"]: row for row in rows}
    result = []
    for community in communities.order_by("code"):
        row = by_community.get(community.pk, {})
        result.append(
            Coverage(
                community=community,
                total=row.get("total", 0),
                organisation_covered=row.get("org_covered", 0),
                work_covered=row.get("work_covered", 0),
            )
        )
    return result


def coverage_get(*, community: Community) -> Coverage:
    return coverage_list(communities=Community.objects.filter(pk=community.pk))[0]


def uncovered_organisations(
    *,
    community: Community | None = None,
    communities: QuerySet[Community] | None = None,
) -> QuerySet[Organisation]:
    """Return the new economic and social organisations without a party organisation.

    Give one ``community`` or several ``communities`` (one query either way).
    """
    qs = organisation_list(community=community)
    if communities is not None:
        qs = qs.filter(community__in=communities)
    return qs.filter(
        kind__in=NEW_ECONOMIC_SOCIAL_KINDS,
        is_active=True,
        has_party_org=False,  # type: ignore[misc]
    ).order_by("community__code", "name")
