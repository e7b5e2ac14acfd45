"""A hand-computed coverage fixture shared by the selector and view tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.orgs.choices import OrganisationKind, PartyOrganisationType
from gongzhi.orgs.models import Organisation
from gongzhi.orgs.tests.factories import OrganisationFactory, PartyOrganisationFactory
from gongzhi.places.models import Community
from gongzhi.places.tests.factories import CommunityFactory, SubdistrictFactory


@dataclass
class CoverageWorld:
    community: Community
    neighbour: Community
    empty: Community
    hosts_a: Organisation
    hosts_b: Organisation
    joint_covered: Organisation
    instructor_only: Organisation
    uncovered: Organisation
    government: Organisation
    inactive: Organisation
    neighbour_uncovered: Organisation


@pytest.fixture
def coverage_world(db) -> CoverageWorld:
    """Build one community whose two coverages are known by hand.

    Five new economic and social organisations count:
      - two host a party organisation of their own        -> organisation + work
      - one is covered by a joint branch it does not host -> organisation + work
      - one has a party-building instructor only          -> work
      - one has nothing                                   -> neither
    so organisation coverage is 3/5 and work coverage 4/5. A government
    department hosting a branch and an inactive company hosting one must not
    count. The neighbouring community has one uncovered organisation (0/1, 0/1).
    """
    subdistrict = SubdistrictFactory()
    community = CommunityFactory(code="C-A", subdistrict=subdistrict)
    neighbour = CommunityFactory(code="C-B", subdistrict=subdistrict)
    empty = CommunityFactory(code="C-C", subdistrict=subdistrict)

    def org(name: str, kind: str = OrganisationKind.COMPANY, **kw) -> Organisation:
        return OrganisationFactory(
            name=name, kind=kind, community=kw.pop("community", community), **kw
        )

    hosts_a = org("翠宝物业", OrganisationKind.PROPERTY_COMPANY)
    hosts_b = org("平东商会", OrganisationKind.ASSOCIATION)
    joint_covered = org("小微企业甲")
    instructor_only = org("邻里互助会", OrganisationKind.SOCIAL)
    instructor_only.party_instructor = UserFactory()
    instructor_only.save()
    uncovered = org("小微企业乙")
    government = org("桂城城管", OrganisationKind.GOVERNMENT)
    inactive = org("已注销公司", is_active=False)
    neighbour_uncovered = org("邻社区公司", community=neighbour)

    PartyOrganisationFactory(name="翠宝物业党支部", host=hosts_a)
    PartyOrganisationFactory(name="平东商会党支部", host=hosts_b)
    # A joint branch hosted by a member that already has its own branch and
    # covering another: the host must not be counted twice.
    PartyOrganisationFactory(
        name="平东联合党支部",
        type=PartyOrganisationType.JOINT_BRANCH,
        host=hosts_a,
        covered=[joint_covered, hosts_b],
    )
    PartyOrganisationFactory(name="城管党支部", host=government)
    PartyOrganisationFactory(name="已注销公司党支部", host=inactive)

    return CoverageWorld(
        community=community,
        neighbour=neighbour,
        empty=empty,
        hosts_a=hosts_a,
        hosts_b=hosts_b,
        joint_covered=joint_covered,
        instructor_only=instructor_only,
        uncovered=uncovered,
        government=government,
        inactive=inactive,
        neighbour_uncovered=neighbour_uncovered,
    )
