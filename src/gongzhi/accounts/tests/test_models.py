"""Model invariants of users and role assignments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import ConsentRecord, RoleAssignment
from gongzhi.places.tests.factories import CommunityFactory, StreetFactory

from .factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_role_assignment_with_two_scopes_is_refused_by_database():
    # Given a community and one of its streets
    community = CommunityFactory()
    street = StreetFactory(community=community)

    # When an assignment names both
    with pytest.raises(IntegrityError, match="role_at_most_one_scope"):
        with transaction.atomic():
            RoleAssignment.objects.create(
                user=UserFactory(), role=Role.STAFF, community=community, street=street
            )

    # Then nothing is stored
    assert not RoleAssignment.objects.exists()


def test_role_assignment_scope_and_kind():
    street = StreetFactory(name="锦北大街")
    a = RoleAssignmentFactory(role=Role.STREET_CHIEF, street=street)

    assert a.scope == street
    assert a.scope_kind == "street"
    with translation.override("en"):
        assert str(a).endswith("street chief · 锦北大街")


def test_role_assignment_without_scope_is_platform_wide():
    a = RoleAssignmentFactory(role=Role.ADMIN)

    assert a.scope is None
    assert a.scope_kind == "platform"


def test_role_assignment_is_current_within_its_period():
    a = RoleAssignment(valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 30))

    assert not a.is_current(dt.date(2024, 12, 31))
    assert a.is_current(dt.date(2025, 1, 1))
    assert a.is_current(dt.date(2025, 6, 30)), "the last day is included"
    assert not a.is_current(dt.date(2025, 7, 1))


def test_user_phone_is_encrypted_at_rest_and_masked_for_display():
    from django.db import connection

    user = UserFactory(phone="13812345678", display_name="黄伟明")

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert "13812345678" not in stored, "the phone number is not stored in clear"
    assert user.masked_phone == "138****5678"
    assert user.public_name == "黄*明"


def test_consent_is_valid_until_expiry_or_withdrawal():
    now = timezone.now()
    consent = ConsentRecord(
        granted_at=now - dt.timedelta(days=1), expires_at=now + dt.timedelta(days=1)
    )

    assert consent.is_valid(now)
    assert not consent.is_valid(now + dt.timedelta(days=2))
    consent.withdrawn_at = now
    assert not consent.is_valid(now)
