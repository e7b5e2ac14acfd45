"""The two-coverages page: who may see it and what it shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.accounts.choices import Role
from gongzhi.accounts.tests.factories import UserFactory, user_with_role
from gongzhi.places.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

URL = reverse("orgs:coverage")


def test_coverage_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={URL}"


def test_coverage_refused_to_resident(client, coverage_world):
    # Given a resident of the community
    client.force_login(user_with_role(Role.RESIDENT, coverage_world.community))

    # When they open the coverage report
    client.cookies["django_language"] = "en"
    response = client.get(URL)

    # Then they are refused with the friendly error page
    assert response.status_code == 403
    assert "Your account does not have permission to see this page." in response.text


def test_coverage_refused_to_user_without_roles(client, coverage_world):
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 403


def test_coverage_staff_sees_only_their_communities(client, coverage_world):
    # Given staff of one community (a neighbour exists in the same subdistrict)
    client.force_login(user_with_role(Role.STAFF, coverage_world.community))

    # When they open the coverage report
    client.cookies["django_language"] = "en"
    response = client.get(URL)

    # Then they see their community's coverage and its uncovered organisations
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.community for r in rows] == [coverage_world.community]
    assert (rows[0].total, rows[0].organisation_covered, rows[0].work_covered) == (
        5,
        3,
        4,
    )
    text = response.text
    assert 'data-testid="coverage-table"' in text
    assert "60% <span" in text
    assert "(3/5)" in text
    assert "80% <span" in text
    assert "(4/5)" in text
    assert coverage_world.community.name in text
    assert coverage_world.neighbour.name not in text
    uncovered = {o.name for o in response.context["uncovered"]}
    assert uncovered == {"邻里互助会", "小微企业乙"}
    assert coverage_world.neighbour_uncovered.name not in text


def test_coverage_leader_of_subdistrict_sees_all_its_communities(
    client, coverage_world
):
    subdistrict = coverage_world.community.subdistrict
    client.force_login(user_with_role(Role.LEADER, subdistrict))
    CommunityFactory()  # elsewhere

    response = client.get(URL)

    assert response.status_code == 200
    assert [r.community.code for r in response.context["rows"]] == [
        "C-A",
        "C-B",
        "C-C",
    ]
    uncovered = {o.name for o in response.context["uncovered"]}
    assert uncovered == {"邻里互助会", "小微企业乙", "邻社区公司"}


def test_coverage_query_count_does_not_grow_with_communities(
    client, coverage_world, django_assert_max_num_queries
):
    # Given a subdistrict leader over three communities, and three more of them
    subdistrict = coverage_world.community.subdistrict
    user = user_with_role(Role.LEADER, subdistrict)
    for _ in range(3):
        CommunityFactory(subdistrict=subdistrict)
    client.force_login(user)

    # When they open the report, the query count is pinned
    # 8: the top bar counts unread notifications (one query).
    with django_assert_max_num_queries(8):
        response = client.get(URL)

    assert len(response.context["rows"]) == 6
