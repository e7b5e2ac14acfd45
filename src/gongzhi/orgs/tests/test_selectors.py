"""The two-coverages report against a hand-computed fixture."""

from __future__ import annotations

import pytest

from gongzhi.orgs.selectors import (
    coverage_get,
    coverage_list,
    organisation_list,
    uncovered_organisations,
)
from gongzhi.places.models import Community

pytestmark = pytest.mark.django_db


def test_coverage_get_counts_the_two_coverages(coverage_world):
    # When the coverage of the community is computed
    coverage = coverage_get(community=coverage_world.community)

    # Then 5 organisations count, 3 have a party organisation, 4 are reached
    assert coverage.community == coverage_world.community
    assert coverage.total == 5, "government and inactive organisations do not count"
    assert coverage.organisation_covered == 3
    assert coverage.work_covered == 4
    assert coverage.organisation_coverage == pytest.approx(0.6)
    assert coverage.work_coverage == pytest.approx(0.8)


def test_coverage_list_gives_one_row_per_community_in_code_order(coverage_world):
    rows = coverage_list()

    assert [r.community.code for r in rows] == ["C-A", "C-B", "C-C"]
    by_code = {r.community.code: r for r in rows}
    a, b, c = by_code["C-A"], by_code["C-B"], by_code["C-C"]
    assert (a.total, a.organisation_covered, a.work_covered) == (5, 3, 4)
    assert (b.total, b.organisation_covered, b.work_covered) == (1, 0, 0)
    assert b.organisation_coverage == 0
    assert (c.total, c.organisation_covered, c.work_covered) == (0, 0, 0)
    assert c.organisation_coverage is None, "no organisations: no rate, not 0%"
    assert c.work_coverage is None


def test_coverage_list_limited_to_given_communities(coverage_world):
    rows = coverage_list(
        communities=Community.objects.filter(pk=coverage_world.neighbour.pk)
    )

    assert [r.community for r in rows] == [coverage_world.neighbour]


def test_coverage_list_takes_constant_queries(
    coverage_world, django_assert_num_queries
):
    with django_assert_num_queries(2):
        coverage_list()


def test_uncovered_organisations_lists_those_without_party_organisation(
    coverage_world,
):
    uncovered = list(uncovered_organisations(community=coverage_world.community))

    # The instructor reaches one with party work, but it has no party organisation
    assert len(uncovered) == 2
    assert set(uncovered) == {coverage_world.instructor_only, coverage_world.uncovered}
    assert coverage_world.government not in uncovered
    assert coverage_world.neighbour_uncovered not in uncovered


def test_organisation_list_marks_party_organisations(coverage_world):
    flags = {
        o.name: o.has_party_org
        for o in organisation_list(community=coverage_world.community)
    }

    assert flags == {
        "翠宝物业": True,
        "平东商会": True,
        "小微企业甲": True,
        "邻里互助会": False,
        "小微企业乙": False,
        "桂城城管": True,
        "已注销公司": True,
    }


def test_uncovered_organisations_of_several_communities_in_one_query(
    coverage_world, django_assert_num_queries
):
    communities = Community.objects.filter(
        pk__in=[coverage_world.community.pk, coverage_world.neighbour.pk]
    )

    with django_assert_num_queries(1):
        names = [o.name for o in uncovered_organisations(communities=communities)]

    assert sorted(names[:2]) == sorted(["邻里互助会", "小微企业乙"]), "C-A first"
    assert names[2:] == ["邻社区公司"]
