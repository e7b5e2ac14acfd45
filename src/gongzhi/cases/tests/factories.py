"""Factories and a ready-made little world for case tests."""

from __future__ import annotations

from dataclasses import dataclass

import factory

from gongzhi.accounts.choices import Role
from gongzhi.accounts.services import role_assign
from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.cases.models import Category, CategoryAttribute
from gongzhi.orgs.choices import OrganisationKind
from gongzhi.orgs.tests.factories import OrganisationFactory
from gongzhi.places.tests.factories import CommunityFactory, StreetFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat-{n}")
    name_zh = factory.Sequence(lambda n: f"类别{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class CategoryAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryAttribute

    category = factory.SubFactory(CategoryFactory)
    code = factory.Sequence(lambda n: f"q{n}")
    datatype = "string"
    question_zh = factory.Sequence(lambda n: f"问题{n}")
    question_en = factory.Sequence(lambda n: f"Question {n}")


@dataclass
class World:
    """A community with a street, a category, a unit with a handler, staff, a chief."""

    community: object
    street: object
    category: Category
    unit: object
    other_unit: object
    staff: object
    handler: object
    other_handler: object
    chief: object
    resident: object
    admin: object


def make_world() -> World:
    community = CommunityFactory()
    street = StreetFactory(community=community)
    unit = OrganisationFactory(
        community=community, kind=OrganisationKind.GOVERNMENT, name="城管办"
    )
    other = OrganisationFactory(
        community=community, kind=OrganisationKind.PROPERTY_COMPANY, name="翠宝园物业"
    )
    staff = UserFactory(username="staff")
    role_assign(actor=None, user=staff, role=Role.STAFF, scope=community)
    handler = UserFactory(username="handler", email="handler@example.org")
    role_assign(actor=None, user=handler, role=Role.HANDLER, scope=unit)
    other_handler = UserFactory(username="other")
    role_assign(actor=None, user=other_handler, role=Role.HANDLER, scope=other)
    chief = UserFactory(username="chief")
    role_assign(actor=None, user=chief, role=Role.STREET_CHIEF, scope=street)
    resident = UserFactory(username="resident", email="resident@example.org")
    admin = UserFactory(username="root")
    role_assign(actor=None, user=admin, role=Role.ADMIN)
    return World(
        community,
        street,
        CategoryFactory(code="sanitation"),
        unit,
        other,
        staff,
        handler,
        other_handler,
        chief,
        resident,
        admin,
    )
