"""Permission predicates: which scopes contain which places and organisations."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.permissions import (
    active_assignments,
    can_view_personal_data,
    can_view_reports,
    covers,
    has_role,
    has_role_in,
    roles,
    scopes_of,
)
from gongzhi.orgs.tests.factories import OrganisationFactory
from gongzhi.places.tests.factories import (
    CommunityFactory,
    EconomicCooperativeFactory,
    EstateFactory,
    GridFactory,
    StreetFactory,
    SubdistrictFactory,
)

from .factories import RoleAssignmentFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


class Places:
    """Guicheng-like tree: one subdistrict, two communities, and a stranger."""

    def __init__(self) -> None:
        self.subdistrict = SubdistrictFactory()
        self.community = CommunityFactory(subdistrict=self.subdistrict)
        self.cooperative = EconomicCooperativeFactory(community=self.community)
        self.street = StreetFactory(
            community=self.community, cooperative=self.cooperative
        )
        self.street_outside_cooperative = StreetFactory(community=self.community)
        self.estate = EstateFactory(community=self.community)
        self.grid = GridFactory(community=self.community)
        self.organisation = OrganisationFactory(community=self.community)
        self.subdistrict_organisation = OrganisationFactory(
            community=None, subdistrict=self.subdistrict
        )
        self.neighbour = CommunityFactory(subdistrict=self.subdistrict)
        self.neighbour_street = StreetFactory(community=self.neighbour)
        self.other_subdistrict = SubdistrictFactory()
        self.far_community = CommunityFactory(subdistrict=self.other_subdistrict)


@pytest.fixture
def places() -> Places:
    return Places()


def _assignment(role: str, **scope) -> RoleAssignment:
    return RoleAssignment(role=role, **scope)


def test_subdistrict_covers_everything_inside_it(places):
    a = _assignment(Role.STAFF, subdistrict=places.subdistrict)

    inside = [
        places.subdistrict,
        places.community,
        places.neighbour,
        places.cooperative,
        places.street,
        places.neighbour_street,
        places.estate,
        places.grid,
        places.organisation,
        places.subdistrict_organisation,
    ]
    for target in inside:
        assert covers(a, target), f"the subdistrict covers {target!r}"
    assert not covers(a, places.far_community)
    assert not covers(a, places.other_subdistrict)


def test_community_covers_its_places_and_organisations_not_its_parent(places):
    a = _assignment(Role.STAFF, community=places.community)

    for target in (
        places.community,
        places.cooperative,
        places.street,
        places.street_outside_cooperative,
        places.estate,
        places.grid,
        places.organisation,
    ):
        assert covers(a, target), f"the community covers {target!r}"
    assert not covers(a, places.subdistrict), "a community does not contain its parent"
    assert not covers(a, places.neighbour)
    assert not covers(a, places.neighbour_street)
    assert not covers(a, places.subdistrict_organisation)


def test_cooperative_covers_its_streets_only(places):
    a = _assignment(Role.STAFF, cooperative=places.cooperative)

    assert covers(a, places.cooperative)
    assert covers(a, places.street)
    assert not covers(a, places.street_outside_cooperative)
    assert not covers(a, places.community)


def test_street_covers_only_itself(places):
    a = _assignment(Role.STREET_CHIEF, street=places.street)

    assert covers(a, places.street)
    assert not covers(a, places.street_outside_cooperative)
    assert not covers(a, places.cooperative)
    assert not covers(a, places.community)


def test_organisation_scope_covers_the_organisation_only(places):
    a = _assignment(Role.LIAISON, organisation=places.organisation)

    assert covers(a, places.organisation)
    assert not covers(a, places.community)
    assert not covers(a, places.subdistrict_organisation)


def test_admin_covers_the_whole_platform(places):
    a = _assignment(Role.ADMIN)

    assert covers(a, places.far_community)
    assert covers(a, places.organisation)


def test_scoped_role_without_scope_covers_nothing(places):
    assert not covers(_assignment(Role.STAFF), places.community)


def test_has_role_in_needs_role_and_containing_scope(places):
    # Given staff of a community
    user = user_with_role(Role.STAFF, places.community)

    # Then the role applies inside the community, only for the roles asked
    assert has_role_in(user, places.street, Role.STAFF)
    assert has_role_in(user, places.organisation, Role.STAFF, Role.LEADER)
    assert not has_role_in(user, places.street, Role.LEADER)
    assert not has_role_in(user, places.neighbour_street, Role.STAFF)
    assert has_role(user, Role.STAFF)
    assert scopes_of(user, Role.STAFF) == [places.community]


def test_expired_and_future_roles_do_not_count(places):
    user = UserFactory()
    RoleAssignmentFactory(
        user=user,
        role=Role.STAFF,
        community=places.community,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2020, 12, 31),
    )
    RoleAssignmentFactory(
        user=user,
        role=Role.LEADER,
        community=places.community,
        valid_from=dt.date(2999, 1, 1),
    )

    assert active_assignments(user) == []
    assert roles(user) == set()


def test_inactive_user_holds_no_role(places):
    user = user_with_role(Role.STAFF, places.community)
    user.is_active = False

    assert roles(user) == set()
    assert not has_role_in(user, places.community, Role.STAFF)


def test_anonymous_user_holds_no_role(places):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()

    assert roles(anonymous) == set()
    assert not can_view_reports(anonymous, places.community)
    assert not can_view_personal_data(anonymous, places.street)


def test_staff_sees_personal_data_over_their_place(places):
    user = user_with_role(Role.STAFF, places.community)

    assert can_view_personal_data(user, places.community)
    assert can_view_personal_data(user, places.street)
    assert not can_view_personal_data(user, places.neighbour_street)


def test_street_chief_sees_personal_data_only_on_own_street(places):
    user = user_with_role(Role.STREET_CHIEF, places.street)

    assert can_view_personal_data(user, places.street)
    assert not can_view_personal_data(user, places.street_outside_cooperative)
    assert not can_view_personal_data(user, places.community), (
        "owning a street gives no view over the whole community"
    )


def test_liaison_sees_no_personal_data(places):
    user = user_with_role(Role.LIAISON, places.organisation)

    assert not can_view_personal_data(user, places.organisation)
    assert not can_view_personal_data(user, places.community)
    assert not can_view_personal_data(user, places.street)


def test_leader_and_resident_see_no_personal_data(places):
    leader = user_with_role(Role.LEADER, places.community)
    resident = user_with_role(Role.RESIDENT, places.community)

    assert can_view_reports(leader, places.community)
    assert not can_view_personal_data(leader, places.street)
    assert not can_view_reports(resident, places.community)
    assert not can_view_personal_data(resident, places.street)


def test_superuser_admin_sees_everything(places):
    # Given a superuser without any role assignment
    admin = UserFactory(is_staff=True, is_superuser=True)

    # Then the admin role is implied and covers every place
    assert Role.ADMIN in roles(admin)
    assert has_role_in(admin, places.far_community, Role.STAFF)
    assert can_view_personal_data(admin, places.neighbour_street)
    assert can_view_reports(admin, places.other_subdistrict)


def test_active_assignments_are_cached_per_user_object(
    places, django_assert_num_queries
):
    user = user_with_role(Role.STAFF, places.community)
    user = type(user).objects.get(pk=user.pk)

    with django_assert_num_queries(1):
        has_role_in(user, places.street, Role.STAFF)
        has_role_in(user, places.neighbour, Role.STAFF)
        roles(user)
