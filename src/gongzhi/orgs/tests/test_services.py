"""Services of organisations: committee seats and liaisons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.core.models import AuditEvent
from gongzhi.orgs.choices import PartyOrganisationType, SeatKind
from gongzhi.orgs.models import CommitteeSeat, Liaison
from gongzhi.orgs.services import (
    committee_seat_assign,
    liaison_add,
    organisation_create,
    party_organisation_create,
)
from gongzhi.places.tests.factories import CommunityFactory

from .factories import (
    CommitteeSeatFactory,
    CommunityCommitteeFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor():
    return UserFactory(username="staff")


# --- committee seats ---------------------------------------------------------------


def test_committee_seat_assign_part_time_for_organisation(actor):
    # Given a committee and an organisation of its community
    committee = CommunityCommitteeFactory()
    organisation = OrganisationFactory(community=committee.community)
    holder = UserFactory()

    # When the organisation's leader gets a part-time seat
    seat = committee_seat_assign(
        actor=actor,
        committee=committee,
        holder=holder,
        kind=SeatKind.PART_TIME,
        organisation=organisation,
        term_start=dt.date(2024, 1, 1),
        term_end=dt.date(2028, 12, 31),
        title="兼职委员",
    )

    # Then the seat is stored and audited
    assert seat.organisation == organisation
    assert AuditEvent.objects.filter(
        action="committee_seat.assign", object_id=str(seat.pk), actor=actor
    ).exists()


def test_committee_seat_assign_refuses_part_time_seat_without_organisation(actor):
    committee = CommunityCommitteeFactory()

    with pytest.raises(ValidationError) as excinfo:
        committee_seat_assign(
            actor=actor,
            committee=committee,
            holder=UserFactory(),
            kind=SeatKind.PART_TIME,
            term_start=dt.date(2024, 1, 1),
        )

    assert excinfo.value.messages == [
        "A part-time member must represent an organisation."
    ]
    assert excinfo.value.error_list[0].code == "no_organisation"
    assert not CommitteeSeat.objects.exists()


def test_committee_seat_assign_full_time_needs_no_organisation(actor):
    seat = committee_seat_assign(
        actor=actor,
        committee=CommunityCommitteeFactory(),
        holder=UserFactory(),
        kind=SeatKind.FULL_TIME,
        term_start=dt.date(2024, 1, 1),
    )

    assert seat.organisation is None


def test_committee_seat_assign_refuses_term_ending_before_it_starts(actor):
    committee = CommunityCommitteeFactory()

    with pytest.raises(ValidationError) as excinfo:
        committee_seat_assign(
            actor=actor,
            committee=committee,
            holder=UserFactory(),
            kind=SeatKind.FULL_TIME,
            term_start=dt.date(2024, 1, 1),
            term_end=dt.date(2023, 12, 31),
        )

    assert excinfo.value.messages == ["The term cannot end before it starts."]
    assert excinfo.value.error_list[0].code == "term"
    assert not CommitteeSeat.objects.exists()


def test_database_refuses_part_time_seat_without_organisation():
    with pytest.raises(IntegrityError, match="part_time_seat_has_organisation"):
        with transaction.atomic():
            CommitteeSeatFactory(kind=SeatKind.PART_TIME, organisation=None)

    assert not CommitteeSeat.objects.exists()


def test_database_refuses_seat_term_ending_before_start():
    with pytest.raises(IntegrityError, match="seat_term_ends_after_start"):
        with transaction.atomic():
            CommitteeSeatFactory(
                term_start=dt.date(2024, 1, 1), term_end=dt.date(2023, 1, 1)
            )


# --- liaisons ---------------------------------------------------------------


def test_liaison_add_keeps_one_primary_liaison(actor):
    # Given an organisation with a primary liaison
    organisation = OrganisationFactory()
    first, second = UserFactory(), UserFactory()
    liaison_add(actor=actor, organisation=organisation, user=first, is_primary=True)

    # When another liaison is made primary
    liaison_add(actor=actor, organisation=organisation, user=second, is_primary=True)

    # Then only the new one is primary, and the first is still a liaison
    primaries = list(organisation.liaisons.filter(is_primary=True))
    assert [p.user for p in primaries] == [second]
    assert (
        Liaison.objects.get(organisation=organisation, user=first).is_primary is False
    )
    assert AuditEvent.objects.filter(action="liaison.add").count() == 2


def test_liaison_add_again_updates_instead_of_duplicating(actor):
    organisation = OrganisationFactory()
    user = UserFactory()
    liaison_add(actor=actor, organisation=organisation, user=user, title="主任")

    liaison_add(
        actor=actor, organisation=organisation, user=user, title="经理", is_primary=True
    )

    liaison = Liaison.objects.get(organisation=organisation, user=user)
    assert (liaison.title, liaison.is_primary) == ("经理", True)


def test_database_refuses_two_primary_liaisons():
    organisation = OrganisationFactory()
    Liaison.objects.create(
        organisation=organisation, user=UserFactory(), is_primary=True
    )

    with pytest.raises(IntegrityError, match="one_primary_liaison|UNIQUE"):
        with transaction.atomic():
            Liaison.objects.create(
                organisation=organisation, user=UserFactory(), is_primary=True
            )


# --- organisations and party organisations ---------------------------------------


def test_organisation_create_validates_and_audits(actor):
    community = CommunityFactory()

    org = organisation_create(
        actor=actor,
        name="平东五金厂",
        kind="company",
        community=community,
        subdistrict=community.subdistrict,
    )

    assert org.pk is not None
    assert AuditEvent.objects.filter(action="organisation.create", actor=actor).exists()


def test_organisation_create_refuses_duplicate_name(actor):
    existing = OrganisationFactory(name="平东五金厂")

    with pytest.raises(ValidationError) as excinfo:
        organisation_create(
            actor=actor,
            name="平东五金厂",
            kind="company",
            community=existing.community,
            subdistrict=existing.subdistrict,
        )

    assert "name" in excinfo.value.message_dict


def test_party_organisation_create_joint_branch_covers_organisations(actor):
    host = OrganisationFactory()
    member = OrganisationFactory(community=host.community)

    joint = party_organisation_create(
        actor=actor,
        name="联合党支部",
        type=PartyOrganisationType.JOINT_BRANCH,
        host=host,
        community=host.community,
        covered=[member],
    )

    assert list(joint.covered.all()) == [member]
    assert AuditEvent.objects.filter(action="party_organisation.create").exists()
