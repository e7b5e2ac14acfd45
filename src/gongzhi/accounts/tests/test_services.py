"""Services that create users and give or take away their roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.permissions import can_manage_community, has_role_in, roles
from gongzhi.accounts.services import role_assign, role_revoke, user_create
from gongzhi.core.models import AuditEvent
from gongzhi.orgs.tests.factories import OrganisationFactory
from gongzhi.places.tests.factories import CommunityFactory, StreetFactory

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Assert the English source messages; the translations are tested apart."""
    with translation.override("en"):
        yield


@pytest.fixture
def admin_user():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


# --- user_create ------------------------------------------------------------------


def test_user_create_stores_user_and_audits(admin_user):
    # When an admin creates a user
    user = user_create(
        actor=admin_user,
        username="huang",
        password="a-long-enough-passphrase",
        display_name="黄伟明",
        phone="13812345678",
    )

    # Then the user exists with the password and the creation is audited
    assert user.check_password("a-long-enough-passphrase")
    assert User.objects.get(username="huang").phone == "13812345678"
    event = AuditEvent.objects.get(action="user.create")
    assert event.actor == admin_user
    assert event.object_id == str(user.pk)


def test_user_create_without_password_makes_unusable_account(admin_user):
    user = user_create(actor=admin_user, username="later", password=None)

    assert not user.has_usable_password(), "no one can sign in as this user yet"


def test_user_create_refuses_duplicate_username_case_insensitively(admin_user):
    # Given a user "Alice"
    user_create(actor=admin_user, username="Alice", password=None)

    # When another is created as "alice"
    with pytest.raises(ValidationError) as excinfo:
        user_create(actor=admin_user, username="alice", password=None)

    # Then it is refused with a message naming the username
    assert excinfo.value.messages == ["The username alice is taken."]
    assert User.objects.filter(username__iexact="alice").count() == 1


def test_user_create_refuses_weak_password_with_validator_messages(admin_user):
    # When a user is created with a short, common, all-digit password
    with pytest.raises(ValidationError) as excinfo:
        user_create(actor=admin_user, username="weak", password="123456")

    # Then each password rule explains itself and nothing is stored
    messages = excinfo.value.messages
    assert (
        "This password is too short. It must contain at least 8 characters." in messages
    )
    assert "This password is too common." in messages
    assert "This password is entirely numeric." in messages
    assert not User.objects.filter(username="weak").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_user_create_refuses_password_like_username(admin_user):
    with pytest.raises(ValidationError) as excinfo:
        user_create(actor=admin_user, username="zhangjianguo", password="zhangjianguo")

    assert "The password is too similar to the username." in excinfo.value.messages


# --- role_assign -------------------------------------------------------------------


def test_role_assign_gives_role_over_scope_and_audits(admin_user):
    # Given a user and a community
    user = UserFactory()
    community = CommunityFactory()
    assert not can_manage_community(user, community)

    # When the user is made staff of the community
    assignment = role_assign(
        actor=admin_user, user=user, role=Role.STAFF, scope=community
    )

    # Then they hold it at once and the assignment is audited
    assert assignment.community == community
    assert assignment.valid_from == timezone.localdate()
    assert can_manage_community(user, community)
    event = AuditEvent.objects.get(action="role.assign")
    assert event.changes == {"role": [None, "staff"], "scope": [None, community.name]}


def test_role_assign_refuses_scope_the_role_cannot_have(admin_user):
    # Given a user and a community
    user = UserFactory()
    community = CommunityFactory()

    # When they are made street chief of a whole community
    with pytest.raises(ValidationError) as excinfo:
        role_assign(
            actor=admin_user, user=user, role=Role.STREET_CHIEF, scope=community
        )

    # Then it is refused: a street chief is given streets
    assert excinfo.value.messages == [
        "The role street chief is given for a street, not a community."
    ]
    assert excinfo.value.error_list[0].code == "scope"
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_role_assign_refuses_platform_scope_for_scoped_role(admin_user):
    user = UserFactory()

    with pytest.raises(ValidationError) as excinfo:
        role_assign(actor=admin_user, user=user, role=Role.STAFF, scope=None)

    assert excinfo.value.messages == [
        "The role community staff is given for a community / subdistrict / "
        "economic cooperative, not a whole platform."
    ]


def test_role_assign_refuses_period_ending_before_it_starts(admin_user):
    # Given a user and a street
    user = UserFactory()
    street = StreetFactory()

    # When the role would end before it starts
    with pytest.raises(ValidationError) as excinfo:
        role_assign(
            actor=admin_user,
            user=user,
            role=Role.STREET_CHIEF,
            scope=street,
            valid_from=dt.date(2025, 3, 1),
            valid_to=dt.date(2025, 2, 28),
        )

    # Then it is refused with the period message
    assert excinfo.value.messages == ["A role cannot end before it starts."]
    assert excinfo.value.error_list[0].code == "period"
    assert not RoleAssignment.objects.exists()


def test_role_assign_future_role_does_not_apply_yet(admin_user):
    user = UserFactory()
    street = StreetFactory()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    role_assign(
        actor=admin_user,
        user=user,
        role=Role.STREET_CHIEF,
        scope=street,
        valid_from=tomorrow,
    )

    assert not has_role_in(user, street, Role.STREET_CHIEF), "it starts tomorrow"


def test_role_assign_admin_makes_superuser(admin_user):
    user = UserFactory()

    role_assign(actor=admin_user, user=user, role=Role.ADMIN)

    user.refresh_from_db()
    assert user.is_staff
    assert user.is_superuser


def test_role_assign_liaison_over_organisation(admin_user):
    user = UserFactory()
    organisation = OrganisationFactory()

    assignment = role_assign(
        actor=admin_user, user=user, role=Role.LIAISON, scope=organisation
    )

    assert assignment.organisation == organisation
    assert assignment.scope_kind == "organisation"


# --- role_revoke -------------------------------------------------------------------


def test_role_revoke_ends_assignment_and_permissions_drop(admin_user):
    # Given staff of a community
    user = UserFactory()
    community = CommunityFactory()
    assignment = role_assign(
        actor=admin_user,
        user=user,
        role=Role.STAFF,
        scope=community,
        valid_from=dt.date(2024, 1, 1),
    )
    assert can_manage_community(user, community)

    # When the role is revoked today
    role_revoke(actor=admin_user, assignment=assignment)

    # Then it is no longer current, permissions drop at once, history is kept
    assignment.refresh_from_db()
    today = timezone.localdate()
    assert assignment.valid_to == today - dt.timedelta(days=1)
    assert not assignment.is_current(today)
    assert not can_manage_community(user, community)
    fresh = User.objects.get(pk=user.pk)
    assert not can_manage_community(fresh, community), "also for a fresh request"
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.get(action="role.revoke")
    assert event.changes == {"valid_to": [None, str(assignment.valid_to)]}


def test_role_revoke_of_role_given_today_leaves_empty_period(admin_user):
    user = UserFactory()
    street = StreetFactory()
    assignment = role_assign(
        actor=admin_user, user=user, role=Role.STREET_CHIEF, scope=street
    )

    role_revoke(actor=admin_user, assignment=assignment)

    assert not has_role_in(User.objects.get(pk=user.pk), street, Role.STREET_CHIEF)


def test_role_revoke_from_future_date_keeps_role_until_then(admin_user):
    user = UserFactory()
    street = StreetFactory()
    assignment = role_assign(
        actor=admin_user,
        user=user,
        role=Role.STREET_CHIEF,
        scope=street,
        valid_from=dt.date(2024, 1, 1),
    )
    next_week = timezone.localdate() + dt.timedelta(days=7)

    role_revoke(actor=admin_user, assignment=assignment, on=next_week)

    assert has_role_in(user, street, Role.STREET_CHIEF), "still a chief this week"
    assert assignment.valid_to == next_week - dt.timedelta(days=1)


def test_role_revoke_admin_removes_superuser(admin_user):
    # Given a user made admin through the service
    user = UserFactory()
    assignment = role_assign(
        actor=admin_user,
        user=user,
        role=Role.ADMIN,
        valid_from=dt.date(2024, 1, 1),
    )
    assert Role.ADMIN in roles(user)

    # When the admin role is revoked
    role_revoke(actor=admin_user, assignment=assignment)

    # Then the superuser flag goes with it
    user.refresh_from_db()
    assert not user.is_superuser
    assert not user.is_staff
    assert Role.ADMIN not in roles(user)
    assert not has_role_in(user, CommunityFactory(), Role.STAFF)
