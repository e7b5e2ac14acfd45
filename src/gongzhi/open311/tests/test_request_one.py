"""GET requests/{id} and tokens/{token}: one request, its mapping, its history."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gongzhi.cases import services as cases
from gongzhi.open311.models import Open311Request

from .conftest import REQUEST_FIELDS, children, errors_of, xml

pytestmark = pytest.mark.django_db

# --- One request ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_get_one_request_is_a_list_of_one(api, world, report, fmt):
    case = report()

    response = api.get(f"/open311/v2/requests/{case.number}.{fmt}")

    assert response.status_code == 200
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        assert [r.tag for r in root] == ["request"]
        assert children(root[0]) == REQUEST_FIELDS
    else:
        body = response.json()
        assert len(body) == 1
        assert body[0]["service_request_id"] == case.number


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_request_id_is_404(api, world, fmt):
    response = api.get(f"/open311/v2/requests/260101-000000.{fmt}")

    assert response.status_code == 404
    assert errors_of(response, fmt) == [
        (404, "service_request_id “260101-000000” was not found.")
    ]


def test_dispatch_fills_agency_and_expected_datetime(api, world, report):
    case = report()
    cases.case_accept(case=case, actor=world.staff, note="已受理")
    cases.case_dispatch(case=case, actor=world.staff, lead=world.unit, note="请处理")
    case.refresh_from_db()

    (row,) = api.get(f"/open311/v2/requests/{case.number}.json").json()

    assert row["status"] == "open"
    assert row["agency_responsible"] == "城管办"
    assert row["status_notes"] == "请处理"
    assert row["expected_datetime"] == timezone.localtime(
        case.resolve_due_at
    ).isoformat(timespec="seconds")
    assert row["service_notice"] == "社区将在三个工作日内清理。"


def test_merged_request_is_closed_and_points_to_its_target(api, world, report):
    target = report()
    duplicate = report()
    cases.case_merge(case=duplicate, into=target, actor=world.staff)

    (row,) = api.get(f"/open311/v2/requests/{duplicate.number}.json").json()

    assert row["status"] == "closed"
    assert row["status_notes"] == (
        f"Duplicate of request {target.number}; follow that request instead."
    )
    assert row["description"] == "井盖松动"


def test_rejected_request_is_closed_with_the_reason_and_no_description(
    api, world, report
):
    case = report(description="隔壁的张三是坏人")
    cases.case_reject(case=case, actor=world.staff, reason="不属于社区事务")
    case.refresh_from_db()

    (row,) = api.get(f"/open311/v2/requests/{case.number}.json").json()

    assert row["status"] == "closed"
    assert row["status_notes"] == "不属于社区事务"
    assert row["description"] is None
    assert row["updated_datetime"] == timezone.localtime(case.closed_at).isoformat(
        timespec="seconds"
    )


def test_notes_extension_lists_public_events_only(api, world, report):
    case = report()
    cases.case_accept(case=case, actor=world.staff)
    cases.case_dispatch(case=case, actor=world.staff, lead=world.unit)
    cases.case_acknowledge(case=case, actor=world.handler)
    cases.case_record_contact(case=case, actor=world.handler, note="电话联系了王五")

    plain = api.get(f"/open311/v2/requests/{case.number}.json").json()[0]
    (row,) = api.get(
        f"/open311/v2/requests/{case.number}.json", {"extensions": "true"}
    ).json()

    assert "notes" not in plain
    assert [n["type"] for n in row["notes"]] == [
        "report",
        "accept",
        "dispatch",
        "acknowledge",
    ]
    assert {n["status"] for n in row["notes"]} == {"open"}
    assert list(row["notes"][0]) == ["datetime", "type", "status", "description"]
    assert row["notes"][0]["description"] == "Reported"
    assert "王五" not in str(row)


def test_notes_extension_in_xml_nests_note_elements(api, world, report):
    case = report()

    root = xml(
        api.get(f"/open311/v2/requests/{case.number}.xml", {"extensions": "true"})
    )

    notes = root[0].find("notes")
    assert children(root[0])[-1] == "notes"
    assert [n.tag for n in notes] == ["note"]
    assert children(notes[0]) == ["datetime", "type", "status", "description"]


# --- Tokens ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_token_gives_the_request_id(api, world, form, fmt):
    api.post("/open311/v2/requests.json", form)

    posted = Open311Request.objects.select_related("case").get()

    response = api.get(f"/open311/v2/tokens/{posted.token}.{fmt}")

    assert response.status_code == 200
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        assert children(root[0]) == ["service_request_id", "token"]
        assert root[0].findtext("service_request_id") == posted.case.number
    else:
        assert response.json() == [
            {"service_request_id": posted.case.number, "token": posted.token}
        ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_token_is_404(api, world, fmt):
    response = api.get(f"/open311/v2/tokens/abc123.{fmt}")

    assert response.status_code == 404
    assert errors_of(response, fmt) == [(404, "token “abc123” was not found.")]
