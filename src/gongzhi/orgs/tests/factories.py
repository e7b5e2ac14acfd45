from __future__ import annotations

import datetime as dt

import factory

from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.orgs.choices import OrganisationKind, PartyOrganisationType, SeatKind
from gongzhi.orgs.models import (
    CommitteeSeat,
    CommunityCommittee,
    Liaison,
    Organisation,
    PartyOrganisation,
)
from gongzhi.places.tests.factories import CommunityFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = OrganisationKind.COMPANY
    community = factory.SubFactory(CommunityFactory)
    subdistrict = factory.LazyAttribute(lambda o: o.community.subdistrict)


class PartyOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyOrganisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"党支部{n}")
    type = PartyOrganisationType.BRANCH
    host = factory.SubFactory(OrganisationFactory)
    community = factory.LazyAttribute(lambda o: o.host.community if o.host else None)

    @factory.post_generation
    def covered(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.covered.set(extracted)


class CommunityCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityCommittee

    community = factory.SubFactory(CommunityFactory)
    name = factory.LazyAttribute(lambda o: f"{o.community.name}大党委")


class CommitteeSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeSeat

    committee = factory.SubFactory(CommunityCommitteeFactory)
    holder = factory.SubFactory(UserFactory)
    kind = SeatKind.FULL_TIME
    term_start = dt.date(2024, 1, 1)


class LiaisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Liaison

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    is_primary = False
