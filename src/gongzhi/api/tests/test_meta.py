"""Reference data: categories, units, and who the caller is."""

from __future__ import annotations

import pytest

from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.cases.tests.factories import CategoryAttributeFactory, CategoryFactory
from gongzhi.orgs.tests.factories import OrganisationFactory
from gongzhi.places.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def test_categories_with_their_questions(world, as_user):
    CategoryAttributeFactory(
        category=world.category,
        code="kind",
        datatype="singlevaluelist",
        question_en="What kind?",
        values=[{"key": "bag", "name_zh": "袋装", "name_en": "bagged"}],
    )
    CategoryFactory(code="retired", is_active=False)

    body = as_user(world.handler).get("/categories").json()

    assert [c["code"] for c in body] == ["sanitation"]
    assert body[0]["attributes"] == [
        {
            "code": "kind",
            "datatype": "singlevaluelist",
            "question": "What kind?",
            "required": False,
            "order": 0,
            "values": [{"key": "bag", "name": "bagged"}],
        }
    ]


def test_units_staff_may_dispatch_to(world, as_user):
    OrganisationFactory(community=CommunityFactory(), name="别社区物业")
    OrganisationFactory(community=world.community, name="停业公司", is_active=False)

    body = as_user(world.staff).get("/units").json()

    assert {u["name"] for u in body} == {"城管办", "翠宝园物业"}
    assert body[0]["kind"]["value"] in ("government", "property_company")


def test_units_for_one_community(world, as_user):
    other = CommunityFactory(subdistrict=world.community.subdistrict)
    OrganisationFactory(community=other, name="别社区物业")

    mine = as_user(world.staff).get("/units", {"community": world.community.pk})
    theirs = as_user(world.admin).get("/units", {"community": other.pk})

    assert {u["name"] for u in mine.json()} == {"城管办", "翠宝园物业"}
    assert {u["name"] for u in theirs.json()} == {"别社区物业"}


def test_units_for_a_handler_are_none(world, as_user):
    assert as_user(world.handler).get("/units").json() == []


def test_units_bad_community_is_400(world, as_user):
    assert as_user(world.staff).get("/units", {"community": "x"}).status_code == 400


def test_me_lists_roles_scopes_and_units(world, as_user):
    body = as_user(world.handler).get("/me").json()

    assert body["username"] == "handler"
    assert body["roles"] == [
        {
            "role": {"value": "handler", "label": "department handler"},
            "scope_kind": "organisation",
            "scope_id": world.unit.pk,
            "scope_name": "城管办",
        }
    ]
    assert body["units"] == [{"id": world.unit.pk, "name": "城管办"}]


def test_me_for_a_superuser_shows_the_admin_role(db, as_user):
    root = UserFactory(username="su", is_superuser=True)

    roles = as_user(root).get("/me").json()["roles"]

    assert [r["role"]["value"] for r in roles] == ["admin"]
