from __future__ import annotations

import factory

from gongzhi.orgs.choices import OrganisationKind, PartyOrganisationType
from gongzhi.orgs.models import CommunityCommittee, Organisation, PartyOrganisation
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

    name = factory.Sequence(lambda n: f"党支部{n}")
    type = PartyOrganisationType.BRANCH
    host = factory.SubFactory(OrganisationFactory)
    community = factory.LazyAttribute(lambda o: o.host.community if o.host else None)


class CommunityCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityCommittee

    community = factory.SubFactory(CommunityFactory)
    name = factory.LazyAttribute(lambda o: f"{o.community.name}大党委")
