"""Reading cases: the list with the HTML lists' filters, one case, its timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from gongzhi.accounts.choices import Role
from gongzhi.accounts.services import role_assign
from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.cases import services
from gongzhi.cases.choices import Channel
from gongzhi.cases.models import Case
from gongzhi.cases.tests.factories import CategoryFactory
from gongzhi.core.models import AuditEvent
from gongzhi.places.tests.factories import CommunityFactory, StreetFactory

from .conftest import dispatched, in_progress, report

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


# --- Visibility -----------------------------------------------------------------------


@pytest.fixture
def two_communities(world):
    """The world's case, plus one in a neighbouring community."""
    mine = dispatched(world)
    elsewhere = CommunityFactory()
    other_street = StreetFactory(community=elsewhere)
    theirs = services.case_report(
        category=world.category, description="路灯坏了", street=other_street
    ).case
    return mine, theirs


def test_staff_see_the_cases_of_their_community_only(world, as_user, two_communities):
    mine, _theirs = two_communities

    assert _numbers(as_user(world.staff).get("/cases")) == [mine.number]


def test_admin_sees_every_case(world, as_user, two_communities):
    assert len(_numbers(as_user(world.admin).get("/cases"))) == 2


def test_handler_sees_the_cases_of_their_unit(world, as_user, two_communities):
    mine, _theirs = two_communities

    assert _numbers(as_user(world.handler).get("/cases")) == [mine.number]
    assert _numbers(as_user(world.other_handler).get("/cases")) == []


def test_assisting_unit_sees_the_case(world, as_user):
    case = report(world)
    services.case_accept(case=case, actor=world.staff)
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, assisting=[world.other_unit]
    )

    assert _numbers(as_user(world.other_handler).get("/cases")) == [case.number]


def test_street_chief_sees_the_cases_of_their_street(world, as_user, two_communities):
    mine, _theirs = two_communities
    off_street = report(world, street=StreetFactory(community=world.community))

    assert _numbers(as_user(world.chief).get("/cases")) == [mine.number]
    assert off_street.number not in _numbers(as_user(world.chief).get("/cases"))


def test_reporter_sees_their_own_cases(world, as_user, two_communities):
    mine, _theirs = two_communities

    assert _numbers(as_user(world.resident).get("/cases")) == [mine.number]
    assert _numbers(as_user(UserFactory()).get("/cases")) == []


# --- Filters (gongzhi.cases.filters.CaseFilter) ---------------------------------------


def test_filters_narrow_the_list(world, as_user):
    urgent = report(world, urgency="urgent", description="井盖缺失")
    other_category = report(world, category=CategoryFactory(code="roads"))
    hotline = report(world, channel=Channel.HOTLINE)
    supervised = dispatched(world)
    services.case_supervise(case=supervised, actor=world.staff, note="群众反映多次")
    client = as_user(world.staff)

    assert _numbers(client.get("/cases", {"urgency": "urgent"})) == [urgent.number]
    assert _numbers(client.get("/cases", {"q": "井盖"})) == [urgent.number]
    assert _numbers(client.get("/cases", {"q": urgent.number[-6:]})) == [urgent.number]
    assert _numbers(client.get("/cases", {"category": other_category.category_id})) == [
        other_category.number
    ]
    assert _numbers(client.get("/cases", {"channel": "hotline"})) == [hotline.number]
    assert _numbers(client.get("/cases", {"status": "dispatched"})) == [
        supervised.number
    ]
    assert _numbers(client.get("/cases", {"supervised": "true"})) == [supervised.number]
    assert len(_numbers(client.get("/cases", {"supervised": "false"}))) == 3
    assert len(_numbers(client.get("/cases", {"community": world.community.pk}))) == 4
    unknown = client.get("/cases", {"community": 999_999})
    assert unknown.status_code == 400
    assert list(unknown.json()["errors"]) == ["community"]
    assert len(_numbers(client.get("/cases", {"street": world.street.pk}))) == 4
    assert len(_numbers(client.get("/cases", {"status": "open"}))) == 4


def test_date_range_and_overdue_filters(world, as_user):
    old = report(world, now=timezone.now() - dt.timedelta(days=30))
    late = dispatched(world)
    Case.objects.filter(pk=late.pk).update(
        resolve_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    client = as_user(world.staff)
    since = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    until = (timezone.localdate() - dt.timedelta(days=20)).isoformat()

    assert _numbers(client.get("/cases", {"reported_from": since})) == [late.number]
    assert _numbers(client.get("/cases", {"reported_to": until})) == [old.number]
    assert _numbers(client.get("/cases", {"overdue": "true"})) == [late.number]


def test_sort_orders(world, as_user):
    first = report(world, now=timezone.now() - dt.timedelta(days=2))
    second = report(world, now=timezone.now() - dt.timedelta(days=1))
    client = as_user(world.staff)

    assert _numbers(client.get("/cases", {"sort": "oldest"})) == [
        first.number,
        second.number,
    ]
    assert _numbers(client.get("/cases", {"sort": "newest"})) == [
        second.number,
        first.number,
    ]


def test_invalid_filter_value_is_400_with_the_forms_message(world, as_user):
    response = as_user(world.staff).get("/cases", {"status": "nonsense"})

    assert response.status_code == 400
    message = "Select a valid choice. nonsense is not one of the available choices."
    assert response.json() == {
        "detail": message,
        "errors": {"status": [message]},
    }


def test_badly_typed_filter_is_400(world, as_user):
    response = as_user(world.staff).get(
        "/cases", {"reported_from": "yesterday", "page": "0"}
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"reported_from", "page"}
    assert body["detail"] == "The request is not valid: reported_from, page."


def test_pages_count_every_match(world, as_user):
    made = [report(world) for _ in range(5)]
    client = as_user(world.staff)

    first = client.get("/cases", {"page_size": 2, "sort": "oldest"}).json()
    third = client.get("/cases", {"page_size": 2, "page": 3, "sort": "oldest"}).json()
    beyond = client.get("/cases", {"page_size": 2, "page": 9}).json()

    assert first["count"] == 5
    assert [c["number"] for c in first["items"]] == [c.number for c in made[:2]]
    assert [c["number"] for c in third["items"]] == [made[4].number]
    assert beyond["items"] == []
    assert beyond["count"] == 5


def _list_queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/cases", params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_the_cases(world, as_user):
    # Token auth: token+user (1), role assignments (1), count (1), page (1).
    client = as_user(world.staff)
    client.get("/me")  # the once-a-minute token audit is not part of a list
    report(world)
    assert _list_queries(client) == 4

    for _ in range(5):
        dispatched(world)
    assert _list_queries(client) == 4
    # A category and a street filter each cost one lookup (the form's choice check)
    assert (
        _list_queries(
            client, {"category": world.category.pk, "street": world.street.pk}
        )
        == 6
    )


def test_list_query_count_for_a_handler_session(world, as_session):
    client = as_session(world.handler)
    for _ in range(3):
        dispatched(world)

    # session (1), user (1), role assignments (1), count (1), page (1)
    assert _list_queries(client) == 5


# --- One case -------------------------------------------------------------------------


def test_detail_shows_the_case_and_what_the_user_may_do(world, as_user):
    case = report(world)

    body = as_user(world.staff).get(f"/cases/{case.number}").json()

    assert body["number"] == case.number
    assert body["status"] == {"value": "reported", "label": "reported"}
    assert body["version"] == 1
    assert body["category"]["code"] == "sanitation"
    assert body["allowed_actions"] == [
        "accept",
        "reject",
        "merge",
        "self_resolve",
        "supervise",
    ]


def test_detail_actions_follow_the_role(world, as_user):
    case = dispatched(world)

    handler = as_user(world.handler).get(f"/cases/{case.number}").json()
    staff = as_user(world.staff).get(f"/cases/{case.number}").json()

    assert handler["allowed_actions"] == [
        "acknowledge",
        "request_return",
        "contact",
        "extension_request",
    ]
    assert staff["allowed_actions"] == ["supervise"]
    assert handler["lead_unit"] == {"id": world.unit.pk, "name": "城管办"}
    assert handler["assignments"][0]["role"]["value"] == "lead"


def test_detail_shows_contact_to_staff_and_audits_the_read(world, as_user):
    case = report(world, reporter_email="wang@example.org")

    body = as_user(world.staff).get(f"/cases/{case.number}").json()

    assert body["reporter"] == {
        "name": "王小明",
        "phone": "13812345678",
        "email": "wang@example.org",
        "is_anonymous": False,
        "has_account": True,
        "masked": False,
    }
    read = AuditEvent.objects.get(kind=AuditEvent.Kind.READ, object_id=str(case.pk))
    assert read.actor == world.staff
    assert read.note == "reporter_name, reporter_phone, reporter_email"


def test_detail_shows_contact_to_the_chief_of_its_street_and_audits(world, as_user):
    case = report(world, reporter_email="wang@example.org")

    body = as_user(world.chief).get(f"/cases/{case.number}").json()

    assert body["reporter"]["name"] == "王小明"
    assert body["reporter"]["email"] == "wang@example.org"
    assert body["reporter"]["masked"] is False
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.READ, actor=world.chief
    ).exists()


def test_detail_never_names_an_anonymous_reporter(world, as_user):
    case = report(world, is_anonymous=True)

    body = as_user(world.staff).get(f"/cases/{case.number}").json()

    assert body["reporter"]["name"] == ""
    assert body["reporter"]["phone"] == "138****5678"
    assert body["reporter"]["masked"] is True


def test_detail_forbidden_for_someone_unrelated(world, as_user):
    case = report(world)

    response = as_user(world.other_handler).get(f"/cases/{case.number}")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your account does not have permission to see this page."
    }


def test_detail_of_unknown_case_is_404(world, as_user):
    response = as_user(world.staff).get("/cases/000000-000000")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no case numbered 000000-000000."}


def test_messages_are_in_chinese_by_default(world, as_user):
    # Without a language cookie the platform speaks Simplified Chinese
    case = report(world)
    client = as_user(world.other_handler)
    del client.client.cookies["django_language"]

    response = client.get(f"/cases/{case.number}")

    with translation.override("zh-hans"):
        expected = gettext("Your account does not have permission to see this page.")
    assert response.json() == {"detail": expected}
    assert expected != "Your account does not have permission to see this page."


# --- Timeline -------------------------------------------------------------------------


def test_events_show_the_whole_timeline_to_workers(world, as_user):
    case = in_progress(world)
    services.case_record_contact(case=case, actor=world.handler, note="电话联系")

    events = as_user(world.staff).get(f"/cases/{case.number}/events").json()

    assert [e["action"] for e in events] == [
        "report",
        "accept",
        "dispatch",
        "acknowledge",
        "start",
        "contact",
        "responded",
    ]
    contact = events[-2]
    assert contact["is_public"] is False
    assert contact["note"] == "电话联系"
    assert contact["actor"] == str(world.handler)


def test_events_show_only_public_ones_to_the_reporter(world, as_user):
    case = in_progress(world)
    services.case_record_contact(case=case, actor=world.handler, note="电话联系")

    events = as_user(world.resident).get(f"/cases/{case.number}/events").json()

    assert "contact" not in [e["action"] for e in events]
    assert all(e["is_public"] for e in events)


def test_events_forbidden_and_unknown(world, as_user):
    case = report(world)

    assert (
        as_user(world.other_handler).get(f"/cases/{case.number}/events").status_code
        == 403
    )
    assert as_user(world.staff).get("/cases/nope/events").status_code == 404


def test_leader_sees_cases_of_their_community(world, as_user):
    case = report(world)
    leader = UserFactory(username="leader")
    role_assign(actor=None, user=leader, role=Role.LEADER, scope=world.community)

    assert _numbers(as_user(leader).get("/cases")) == [case.number]
    assert as_user(leader).get(f"/cases/{case.number}").status_code == 200


@pytest.mark.parametrize("suffix", ["", "/events", "/actions/accept"])
def test_case_number_with_a_nul_is_404_not_500(world, as_user, suffix):
    # PostgreSQL refuses NUL in a query; found by probing odd path parameters
    client = as_user(world.staff)

    if suffix.startswith("/actions"):
        response = client.post(f"/cases/a%00b{suffix}", {})
    else:
        response = client.get(f"/cases/a%00b{suffix}")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no case numbered a\x00b."}
