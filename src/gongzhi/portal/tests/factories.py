"""The portal has no models; its tests build users and places from other apps."""

from __future__ import annotations

from gongzhi.accounts.tests.factories import UserFactory, user_with_role
from gongzhi.orgs.tests.factories import OrganisationFactory, PartyOrganisationFactory
from gongzhi.places.tests.factories import (
    CommunityFactory,
    StreetFactory,
    SubdistrictFactory,
)

__all__ = [
    "CommunityFactory",
    "OrganisationFactory",
    "PartyOrganisationFactory",
    "StreetFactory",
    "SubdistrictFactory",
    "UserFactory",
    "user_with_role",
]
