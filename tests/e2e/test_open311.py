"""An Open311 client follows its request from POST to closed, over real HTTP.

The client side is plain urllib against the live server; the community's side
moves the case along through the case services.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest

from gongzhi.cases import services as cases
from gongzhi.cases.models import Case
from gongzhi.core.models import Notification

pytestmark = pytest.mark.e2e


def _fetch(url: str, data: dict | None = None) -> tuple[int, bytes, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)  # noqa: S310 - the live server
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, response.read(), response.headers["Content-Type"]


@pytest.fixture
def world(live_server):
    from django.core.cache import cache

    from gongzhi.cases.tests.factories import make_world
    from gongzhi.open311.services import api_key_create
    from gongzhi.places.tests.factories import square, with_geometry

    cache.clear()
    world = make_world()
    with_geometry(world.community, square(113.1, 23.0))
    _api_key, world.raw_key = api_key_create(name="city-app")
    return world


def test_open311_request_is_followed_from_post_to_closed(live_server, world):
    base = f"{live_server.url}/open311/v2"

    # The client posts a request.
    status, body, content_type = _fetch(
        f"{base}/requests.json",
        {
            "api_key": world.raw_key,
            "jurisdiction_id": "gongzhi.local",
            "service_code": "sanitation",
            "lat": "23.004",
            "long": "113.106",
            "description": "路灯下有建筑垃圾",
            "email": "li@example.org",
        },
    )
    assert (status, content_type) == (200, "application/json; charset=utf-8")
    number = json.loads(body)[0]["service_request_id"]

    def follow() -> dict:
        _status, body, _type = _fetch(f"{base}/requests/{number}.json?extensions=true")
        (row,) = json.loads(body)
        return row

    row = follow()
    assert row["status"] == "open"
    assert [n["type"] for n in row["notes"]] == ["report"]
    assert row["agency_responsible"] is None

    # The community accepts and dispatches it; the unit handles and replies.
    case = Case.objects.get(number=number)
    cases.case_accept(case=case, actor=world.staff)
    cases.case_dispatch(case=case, actor=world.staff, lead=world.unit)
    row = follow()
    assert row["status"] == "open"
    assert row["agency_responsible"] == "城管办"
    assert row["expected_datetime"] is not None

    cases.case_acknowledge(case=case, actor=world.handler)
    cases.case_reply(case=case, actor=world.handler, note="已清运建筑垃圾")
    cases.case_verify(case=case, actor=world.staff, ok=True)
    row = follow()
    assert row["status"] == "open"
    assert row["status_notes"] == "已清运建筑垃圾"
    assert [n["type"] for n in row["notes"]] == [
        "report",
        "accept",
        "dispatch",
        "acknowledge",
        "reply",
        "submit_for_verification",
        "confirm",
    ]

    # The reporter rates the result from the link in the e-mail; the case closes.
    # Links are encrypted at rest, so they are filtered after decryption.
    mails = [
        mail
        for mail in Notification.objects.filter(channel=Notification.Channel.EMAIL)
        if number in mail.url
    ]
    (token,) = {
        query["t"][0]
        for query in (parse_qs(urlsplit(mail.url).query) for mail in mails)
        if "t" in query
    }
    cases.case_rate(
        case=case, actor=None, token=token, solved="yes", satisfaction="satisfied"
    )

    row = follow()
    assert row["status"] == "closed"
    assert row["notes"][-1]["type"] == "close"
    assert row["notes"][-1]["status"] == "closed"
    case.refresh_from_db()
    assert row["updated_datetime"].startswith(f"{case.closed_at.astimezone():%Y}")

    # The same request in XML, as the spec's list of one.
    _status, body, content_type = _fetch(f"{base}/requests/{number}.xml")
    assert content_type == "text/xml; charset=utf-8"
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(body)  # noqa: S314 - our own server
    assert (root.tag, [r.tag for r in root]) == ("service_requests", ["request"])
    assert root[0].findtext("status") == "closed"

    # And in the list of closed requests.
    _status, body, _type = _fetch(f"{base}/requests.json?status=closed")
    assert [r["service_request_id"] for r in json.loads(body)] == [number]
