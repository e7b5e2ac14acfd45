"""The landing page and each role's home page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.accounts.choices import Role
from gongzhi.accounts.services import role_assign

from .factories import (
    CommunityFactory,
    OrganisationFactory,
    PartyOrganisationFactory,
    StreetFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def _get_home(client, user=None):
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(HOME)


def _nav_urls(response) -> list[str]:
    return [item.url for item in response.context["nav_items"]]


def _nav_labels(response) -> list[str]:
    return [item.label for item in response.context["nav_items"]]


def test_landing_page_shows_public_counts(client):
    # Given two communities, three streets, two active organisations, one closed
    first, second = CommunityFactory(), CommunityFactory()
    StreetFactory.create_batch(2, community=first)
    StreetFactory(community=second)
    OrganisationFactory.create_batch(2, community=first)
    OrganisationFactory(community=second, is_active=False)

    # When an anonymous visitor opens the home page
    response = _get_home(client)

    # Then the landing page shows the counts and a sign-in button
    assert response.status_code == 200
    assert "portal/landing.html" in [t.name for t in response.templates]
    assert response.context["community_count"] == 2
    assert response.context["street_count"] == 3
    assert response.context["organisation_count"] == 2, "closed ones do not count"
    assert '<div class="stat">3</div>' in response.text
    assert f'href="{reverse("accounts:login")}"' in response.text
    assert 'data-testid="login-link"' in response.text


def test_landing_page_has_no_personal_data(client):
    UserFactory(display_name="黄伟明", phone="13812345678")

    response = _get_home(client)

    assert "黄伟明" not in response.text
    assert "5678" not in response.text


def test_landing_page_in_chinese_by_default(client):
    response = client.get(HOME)

    assert '<html lang="zh-hans">' in response.text


def test_user_without_roles_sees_empty_state(client):
    # Given a user no one has given a role
    user = UserFactory(display_name="吴晓东")

    # When they open their home page
    response = _get_home(client, user)

    # Then they are welcomed and told how to get a role
    assert response.status_code == 200
    assert response.context["sections"] == []
    assert 'data-testid="no-roles"' in response.text
    assert "You have no role yet" in response.text
    assert "Welcome, 吴晓东" in response.text


def test_street_chief_sees_their_streets_only(client):
    # Given a street chief of two streets, and a street that is not theirs
    community = CommunityFactory()
    mine = StreetFactory(community=community, name="锦北大街一巷", length_m=320)
    also_mine = StreetFactory(community=community, name="锦北大街二巷")
    StreetFactory(community=community, name="别人的巷")
    chief = user_with_role(Role.STREET_CHIEF, mine)
    role_assign(actor=None, user=chief, role=Role.STREET_CHIEF, scope=also_mine)

    # When they open their home page
    response = _get_home(client, chief)

    # Then the street-chief section lists exactly their streets
    assert response.status_code == 200
    [section] = response.context["sections"]
    assert section.role == "street_chief"
    assert {s.name for s in section.streets} == {"锦北大街一巷", "锦北大街二巷"}
    assert 'data-testid="section-street_chief"' in response.text
    assert "锦北大街一巷" in response.text
    assert "320 m" in response.text
    assert "别人的巷" not in response.text
    assert "orgs:coverage" not in response.text
    assert reverse("orgs:coverage") not in _nav_urls(response)


def test_staff_sees_coverage_table_of_their_community(client):
    # Given staff of a community with one covered and one uncovered organisation
    community = CommunityFactory(name="平东社区")
    other = CommunityFactory(name="别的社区")
    PartyOrganisationFactory(host=OrganisationFactory(community=community))
    OrganisationFactory(community=community)
    staff = user_with_role(Role.STAFF, community)

    # When they open their home page
    response = _get_home(client, staff)

    # Then the staff section shows the coverage table for their community only
    [section] = response.context["sections"]
    assert section.role == "staff"
    assert [row.community for row in section.coverage] == [community]
    assert 'data-testid="coverage-table"' in response.text
    assert "50% <span" in response.text
    assert "(1/2)" in response.text
    assert other.name not in response.text
    assert reverse("orgs:coverage") in response.text


def test_leader_of_subdistrict_sees_all_its_communities(client):
    community = CommunityFactory()
    sibling = CommunityFactory(subdistrict=community.subdistrict)
    CommunityFactory()  # another subdistrict
    leader = user_with_role(Role.LEADER, community.subdistrict)

    response = _get_home(client, leader)

    [section] = response.context["sections"]
    assert {row.community for row in section.coverage} == {community, sibling}


def test_liaison_sees_organisation_empty_state(client):
    organisation = OrganisationFactory(name="翠宝物业")
    liaison = user_with_role(Role.LIAISON, organisation)

    response = _get_home(client, liaison)

    assert 'data-testid="section-liaison"' in response.text
    assert "Nothing is waiting for your organisation." in response.text
    assert "翠宝物业" in response.text, "the scope pill names the organisation"


def test_sections_follow_role_order_for_several_roles(client):
    community = CommunityFactory()
    street = StreetFactory(community=community)
    user = user_with_role(Role.STAFF, community)
    role_assign(actor=None, user=user, role=Role.STREET_CHIEF, scope=street)
    role_assign(actor=None, user=user, role=Role.RESIDENT, scope=community)

    response = _get_home(client, user)

    assert [s.role for s in response.context["sections"]] == [
        "resident",
        "street_chief",
        "staff",
    ]


def test_admin_sees_registers_in_navigation(client):
    # Given a platform admin
    admin = UserFactory(is_staff=True, is_superuser=True)

    # When they open their home page
    response = _get_home(client, admin)

    # Then the navigation offers the registers and the coverage report
    assert reverse("admin:index") in _nav_urls(response)
    assert "Registers" in _nav_labels(response)
    assert "Two coverages" in _nav_labels(response)
    assert 'data-testid="section-admin"' in response.text


def test_resident_sees_no_registers_nor_coverage_in_navigation(client):
    resident = user_with_role(Role.RESIDENT, CommunityFactory())

    response = _get_home(client, resident)

    assert _nav_labels(response) == ["Home", "Report a problem"]
    assert reverse("admin:index") not in response.text


def test_staff_navigation_has_coverage_but_not_registers(client):
    staff = user_with_role(Role.STAFF, CommunityFactory())

    response = _get_home(client, staff)

    assert _nav_labels(response)[:3] == ["Home", "Report a problem", "Two coverages"]


def test_anonymous_navigation_has_home_and_reporting_only(client):
    response = _get_home(client)

    assert _nav_labels(response) == ["Home", "Report a problem"]
    assert [item.active for item in response.context["nav_items"]] == [True, False]


def test_navigation_marks_current_page(client):
    staff = user_with_role(Role.STAFF, CommunityFactory())
    client.force_login(staff)

    client.cookies["django_language"] = "en"
    response = client.get(reverse("orgs:coverage"))

    active = {item.label: item.active for item in response.context["nav_items"]}
    assert active["Two coverages"]
    assert not active["Home"]
    assert not active["Report a problem"]
    assert 'aria-current="page">Two coverages</a>' in response.text


def test_home_query_count_is_bounded(client, django_assert_max_num_queries):
    community = CommunityFactory()
    for _ in range(5):
        OrganisationFactory(community=community)
    user = user_with_role(Role.STAFF, community)
    street = StreetFactory(community=community)
    role_assign(actor=None, user=user, role=Role.STREET_CHIEF, scope=street)
    client.force_login(user)

    # 7: the top bar counts unread notifications (one query).
    with django_assert_max_num_queries(7):
        response = client.get(HOME)

    assert response.status_code == 200
