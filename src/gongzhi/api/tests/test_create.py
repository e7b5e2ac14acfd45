"""Hotline intake: community staff enter a case for a caller."""

from __future__ import annotations

import pytest
from django.utils import translation

from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.cases.models import Case
from gongzhi.cases.tests.factories import CategoryAttributeFactory
from gongzhi.places.services import place_set_geometry
from gongzhi.places.tests.factories import CommunityFactory, StreetFactory, square

pytestmark = pytest.mark.django_db

INVALID_CHOICE = (
    "Select a valid choice. That choice is not one of the available choices."
)


def _body(world, **overrides):
    body = {
        "category": world.category.pk,
        "description": "楼道灯不亮",
        "street": world.street.pk,
        "reporter_name": "李四",
        "reporter_phone": "13900001111",
    }
    body.update(overrides)
    return body


def test_staff_enter_a_hotline_case(world, as_user):
    response = as_user(world.staff).post("/cases", _body(world, urgency="urgent"))

    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(number=body["number"])
    assert case.channel == "hotline"
    assert case.entered_by == world.staff
    assert case.reporter_phone == "13900001111"
    assert case.contact_consent_at is None
    assert body["status"]["value"] == "reported"
    assert body["urgency"]["value"] == "urgent"
    assert body["reporter"]["masked"] is False


def test_non_staff_may_not_enter_cases(world, as_user):
    response = as_user(world.handler).post("/cases", _body(world))

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your account does not have permission to see this page."
    }
    assert not Case.objects.exists()


def test_street_outside_the_staff_scope_is_an_invalid_choice(world, as_user):
    elsewhere = StreetFactory(community=CommunityFactory())

    response = as_user(world.staff).post("/cases", _body(world, street=elsewhere.pk))

    assert response.status_code == 400
    assert response.json() == {
        "detail": INVALID_CHOICE,
        "errors": {"street": [INVALID_CHOICE]},
    }


def test_point_outside_the_staff_community_is_refused_and_rolled_back(world, as_user):
    other = CommunityFactory()
    place_set_geometry(place=other, geometry=square(113.0, 23.0), actor=None)
    other.save()

    response = as_user(world.staff).post(
        "/cases", _body(world, street=None, lat=23.005, lng=113.005)
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "You can enter cases only for places in your own community."
    }
    assert not Case.objects.exists()


def test_missing_description_and_place_give_the_services_messages(world, as_user):
    response = as_user(world.staff).post(
        "/cases", {"category": world.category.pk, "street": None}
    )

    with translation.override("en"):
        description = "Describe the problem."
        location = (
            "Say where the problem is: click the map, pick a street, "
            "or choose the community and give the address."
        )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "description": [description],
        "location": [location],
    }


def test_description_too_long(world, as_user):
    response = as_user(world.staff).post(
        "/cases", _body(world, description="长" * 4001)
    )

    assert response.json()["errors"] == {
        "description": [
            "The description is 4001 characters long; at most 4000 are allowed."
        ]
    }


def test_attributes_are_checked_by_the_service(world, as_user):
    CategoryAttributeFactory(
        category=world.category,
        code="floor",
        datatype="number",
        question_en="Which floor?",
        required=True,
    )
    client = as_user(world.staff)

    missing = client.post("/cases", _body(world))
    wrong = client.post("/cases", _body(world, attributes={"floor": "ground"}))
    right = client.post("/cases", _body(world, attributes={"floor": 3}))

    assert missing.json()["errors"] == {
        "attributes": ["“Which floor?” must be answered."]
    }
    assert wrong.json()["errors"] == {
        "attributes": ["“Which floor?” must be a number."]
    }
    assert right.status_code == 201
    assert right.json()["attributes"] == {"floor": 3}


def test_phone_is_checked_like_the_console_form(world, as_user):
    response = as_user(world.staff).post(
        "/cases", _body(world, reporter_phone="call me")
    )

    assert response.json()["errors"] == {
        "reporter_phone": ["Enter a phone number in digits, for example 13812345678."]
    }


def test_unknown_category_and_bad_coordinates(world, as_user):
    client = as_user(world.staff)

    unknown = client.post("/cases", _body(world, category=424242))
    off_globe = client.post("/cases", _body(world, lat=91, lng=200))

    assert unknown.json()["errors"] == {"category": [INVALID_CHOICE]}
    assert set(off_globe.json()["errors"]) == {"lat", "lng"}


def test_admin_may_enter_anywhere(world, as_user):
    elsewhere = StreetFactory(community=CommunityFactory())

    response = as_user(world.admin).post("/cases", _body(world, street=elsewhere.pk))

    assert response.status_code == 201


def test_resident_without_roles_is_403(world, as_user):
    assert as_user(UserFactory()).post("/cases", _body(world)).status_code == 403


def test_the_callers_consent_to_contact_is_recorded(world, as_user):
    response = as_user(world.staff).post("/cases", _body(world, contact_consent=True))

    assert response.status_code == 201, response.content
    assert Case.objects.get().contact_consent_at is not None
