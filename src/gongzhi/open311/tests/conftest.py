"""Fixtures for the Open311 tests: a placed community, a category, a key."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.utils import timezone

from gongzhi.cases import services as cases
from gongzhi.cases.models import Case
from gongzhi.cases.tests.factories import CategoryAttributeFactory, make_world
from gongzhi.open311.services import api_key_create
from gongzhi.places.tests.factories import square, with_geometry

# The community is the square from (113.1, 23.0) to (113.11, 23.01).
INSIDE = {"lat": "23.005", "long": "113.105"}
OUTSIDE = {"lat": "23.5", "long": "113.5"}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with fresh rate-limit counters."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    world = make_world()
    with_geometry(world.community, square(113.1, 23.0))
    category = world.category
    category.name_zh = "垃圾堆放"
    category.name_en = "Rubbish dumped"
    category.description = "社区将在三个工作日内清理。"
    category.keywords = "垃圾, 卫生"
    category.group = "环境卫生"
    category.save()
    CategoryAttributeFactory(
        category=category,
        code="size",
        datatype="singlevaluelist",
        question_zh="多大一堆？",
        question_en="How big is the pile?",
        required=True,
        order=1,
        values=[
            {"key": "small", "name_zh": "一袋", "name_en": "One bag"},
            {"key": "big", "name_zh": "一车", "name_en": "A truckload"},
        ],
    )
    CategoryAttributeFactory(
        category=category,
        code="bags",
        datatype="number",
        question_zh="几袋？",
        question_en="How many bags?",
        order=1,
    )
    CategoryAttributeFactory(
        category=category,
        code="kinds",
        datatype="multivaluelist",
        question_zh="什么垃圾？",
        question_en="What kind of rubbish?",
        order=3,
        values=[
            {"key": "food", "name_zh": "厨余", "name_en": "Food"},
            {"key": "bulky", "name_zh": "大件", "name_en": "Bulky"},
        ],
    )
    return world


@pytest.fixture
def key(world):
    api_key, raw = api_key_create(name="hotline-12345")
    return SimpleNamespace(obj=api_key, raw=raw)


@pytest.fixture
def form(world, key):
    """Return a valid POST form for the world's category (a fresh dict each time)."""
    return {
        "api_key": key.raw,
        "service_code": world.category.code,
        **INSIDE,
        "description": "巷口有一堆垃圾",
        "attribute[size]": "small",
        "email": "li@example.org",
        "first_name": "明",
        "last_name": "李",
        "phone": "13812345678",
        "device_id": "dev-1",
        "account_id": "acc-9",
    }


def xml(response) -> ET.Element:
    """Return the parsed XML body, after checking the declaration and type."""
    body = response.content.decode("utf-8")
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>'), body[:80]
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def errors_of(response, fmt: str) -> list[tuple[int, str]]:
    """Return the (code, description) pairs of a spec error body."""
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "errors"
        assert all(child.tag == "error" for child in root)
        assert all(children(e) == ["code", "description"] for e in root)
        return [(int(e.findtext("code")), e.findtext("description")) for e in root]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert isinstance(body, list)
    assert all(set(item) == {"code", "description"} for item in body)
    return [(item["code"], item["description"]) for item in body]


@pytest.fixture
def api(client):
    """Return a test client that reads English (the platform defaults to Chinese)."""
    client.cookies["django_language"] = "en"
    return client


REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@pytest.fixture
def report(world):
    def report(days_ago: float = 0, category=None, **kwargs) -> Case:
        return cases.case_report(
            category=category or world.category,
            description=kwargs.pop("description", "井盖松动"),
            street=kwargs.pop("street", world.street),
            attributes=kwargs.pop("attributes", {"size": "small"}),
            now=timezone.now() - dt.timedelta(days=days_ago),
            **kwargs,
        ).case

    return report
