"""The cases registers in the admin: categories with questions, routing, deadline
policies; cases and their events read-only."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.cases import services
from gongzhi.cases.choices import Status
from gongzhi.cases.models import (
    Case,
    Category,
    CategoryAttribute,
    DeadlinePolicy,
    RoutingRule,
)
from gongzhi.core.models import AuditEvent

from .factories import CategoryAttributeFactory, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def case(world):
    reported = services.case_report(
        category=world.category,
        description="垃圾堆放",
        street=world.street,
        reporter_phone="13812345678",
    ).case
    services.case_accept(case=reported, actor=world.staff)
    services.case_dispatch(case=reported, actor=world.staff, lead=world.unit)
    return Case.objects.get(pk=reported.pk)


def test_admin_pages_refuse_anonymous_visitors(client, case):
    response = client.get(reverse("admin:cases_case_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_admin_pages_refuse_non_staff_accounts(client, world, case):
    client.force_login(world.staff)

    response = client.get(reverse("admin:cases_case_changelist"))

    assert response.status_code == 302


@pytest.mark.parametrize(
    "name",
    [
        "admin:cases_category_changelist",
        "admin:cases_category_add",
        "admin:cases_routingrule_changelist",
        "admin:cases_routingrule_add",
        "admin:cases_deadlinepolicy_changelist",
        "admin:cases_deadlinepolicy_add",
        "admin:cases_case_changelist",
        "admin:cases_caseevent_changelist",
    ],
)
def test_admin_list_and_add_pages_load(admin_client, case, name):
    response = admin_client.get(reverse(name))

    assert response.status_code == 200


def test_admin_change_pages_load(admin_client, world, case):
    rule = RoutingRule.objects.create(category=world.category, lead=world.unit)
    rule.assisting.add(world.other_unit)
    policy = DeadlinePolicy.objects.create(
        category=world.category, urgency="general", resolve_days=3
    )
    CategoryAttributeFactory(category=world.category)
    event = case.events.first()

    for name, obj in [
        ("category", world.category),
        ("routingrule", rule),
        ("deadlinepolicy", policy),
        ("case", case),
        ("caseevent", event),
    ]:
        response = admin_client.get(
            reverse(f"admin:cases_{name}_change", args=[obj.pk])
        )
        assert response.status_code == 200, name


def test_routing_rule_assisting_units_use_filter_horizontal(admin_client, world):
    response = admin_client.get(reverse("admin:cases_routingrule_add"))

    assert 'class="selectfilter"' in response.text


def _category_post(**question):
    data = {
        "code": "trees",
        "name_zh": "绿化树木",
        "name_en": "Green space and trees",
        "group": "",
        "description": "",
        "keywords": "",
        "default_urgency": "general",
        "is_active": "on",
        "order": "0",
        "attributes-TOTAL_FORMS": "1",
        "attributes-INITIAL_FORMS": "0",
        "attributes-MIN_NUM_FORMS": "0",
        "attributes-MAX_NUM_FORMS": "1000",
    }
    data.update({f"attributes-0-{k}": v for k, v in question.items()})
    return data


QUESTION = {
    "code": "kind",
    "datatype": "singlevaluelist",
    "question_zh": "什么问题？",
    "question_en": "What is wrong?",
    "order": "0",
}


def test_category_with_choice_question_is_saved_and_audited(admin_client):
    values = [
        {"key": "fallen", "name_zh": "倒伏", "name_en": "fallen"},
        {"key": "pests", "name_zh": "虫害", "name_en": "pests"},
    ]

    response = admin_client.post(
        reverse("admin:cases_category_add"),
        _category_post(**QUESTION, values=json.dumps(values)),
    )

    assert response.status_code == 302
    category = Category.objects.get(code="trees")
    assert CategoryAttribute.objects.get(category=category).values == values
    assert AuditEvent.objects.filter(
        action="admin.add", object_type="cases.category"
    ).exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("[]", "List the choices of this question."),
        (
            '[{"key": "a"}]',
            "Choice 1 must look like",
        ),
        (
            '[{"key": "a", "name_zh": "甲", "name_en": "A"},'
            ' {"key": "a", "name_zh": "乙", "name_en": "B"}]',
            "Each choice needs a key of its own.",
        ),
        ('{"key": "a"}', "List the choices of this question."),
    ],
)
def test_category_choice_question_values_are_checked(admin_client, values, message):
    response = admin_client.post(
        reverse("admin:cases_category_add"), _category_post(**QUESTION, values=values)
    )

    assert response.status_code == 200
    assert message in response.text
    assert not Category.objects.filter(code="trees").exists()


def test_category_text_question_takes_no_choices(admin_client):
    question = {**QUESTION, "datatype": "string"}

    response = admin_client.post(
        reverse("admin:cases_category_add"),
        _category_post(
            **question, values='[{"key": "a", "name_zh": "甲", "name_en": "A"}]'
        ),
    )

    assert response.status_code == 200
    assert "Only single- and multiple-choice questions have choices." in response.text


def test_case_admin_masks_the_phone_and_cannot_change_the_status(admin_client, case):
    url = reverse("admin:cases_case_change", args=[case.pk])

    page = admin_client.get(url)
    response = admin_client.post(
        url,
        {
            "title": "巷口垃圾",
            "address": "江表上街一巷 3 号",
            "external_id": "",
            "status": Status.CLOSED,
            "urgency": "urgent",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )

    assert "138****5678" in page.text
    assert "13812345678" not in page.text
    assert 'name="status"' not in page.text
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "巷口垃圾"
    assert case.status == Status.DISPATCHED
    assert case.urgency == "general"


def test_cases_cannot_be_added_or_deleted_in_the_admin(admin_client, case):
    add = admin_client.get("/admin/cases/case/add/")
    delete = admin_client.get(reverse("admin:cases_case_delete", args=[case.pk]))

    assert add.status_code == 403
    assert delete.status_code == 403


def test_case_events_are_read_only(admin_client, case):
    event = case.events.first()
    url = reverse("admin:cases_caseevent_change", args=[event.pk])

    page = admin_client.get(url)
    post = admin_client.post(url, {"note": "篡改"})

    assert 'name="note"' not in page.text
    assert post.status_code == 403
    event.refresh_from_db()
    assert event.note != "篡改"
