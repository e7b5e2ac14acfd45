"""GET requests: filters, the 90-day window, paging, the fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases import services as cases
from gongzhi.cases.tests.factories import CategoryFactory

from .conftest import REQUEST_FIELDS, children, errors_of, xml

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    return [row["service_request_id"] for row in response.json()]


def test_get_requests_xml_has_every_spec_field_in_order(api, world, report):
    case = report(reporter_name="王五", reporter_phone="13900001111")

    response = api.get("/open311/v2/requests.xml")

    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request"
    assert children(request) == REQUEST_FIELDS
    assert request.findtext("service_request_id") == case.number
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "sanitation"
    assert request.findtext("service_name") == "Rubbish dumped"
    assert request.findtext("address") == f"{world.street.name}, {world.community.name}"
    assert request.findtext("address_id") == world.street.code
    assert request.findtext("requested_datetime") == timezone.localtime(
        case.reported_at
    ).isoformat(timespec="seconds")
    assert request.findtext("requested_datetime").endswith("+08:00")
    # Personal data never leaves by Open311.
    assert b"13900001111" not in response.content
    assert "王五" not in response.content.decode()


def test_get_requests_json_is_a_list_with_nulls_for_empty_fields(api, world, report):
    report(description="电话 13900001111 找我")

    (row,) = api.get("/open311/v2/requests.json").json()

    assert list(row) == REQUEST_FIELDS
    assert row["agency_responsible"] is None
    assert row["expected_datetime"] is None
    assert row["zipcode"] is None
    assert row["lat"] is None
    assert row["media_url"] is None
    assert row["description"] == "电话 139****1111 找我"


def test_point_cases_carry_lat_and_long(api, world, report):
    report(street=None, lat=23.005, lng=113.105)

    (row,) = api.get("/open311/v2/requests.json").json()

    assert (row["lat"], row["long"]) == (23.005, 113.105)


def test_default_window_is_the_last_90_days(api, world, report):
    recent = report(days_ago=89)
    report(days_ago=91)

    assert ids(api.get("/open311/v2/requests.json")) == [recent.number]


def test_start_and_end_date_select_by_requested_datetime(api, world, report):
    report(days_ago=1)
    old = report(days_ago=100)
    start = timezone.localtime() - dt.timedelta(days=120)
    end = timezone.localtime() - dt.timedelta(days=50)

    response = api.get(
        "/open311/v2/requests.json",
        {"start_date": start.isoformat(), "end_date": end.isoformat()},
    )

    assert ids(response) == [old.number]


def test_start_date_alone_spans_90_days_from_it(api, world, report):
    old = report(days_ago=100)
    report(days_ago=5)
    start = f"{timezone.now() - dt.timedelta(days=101):%Y-%m-%dT%H:%M:%SZ}"

    assert ids(api.get("/open311/v2/requests.json", {"start_date": start})) == [
        old.number
    ]


def test_end_date_alone_spans_90_days_before_it(api, world, report):
    report(days_ago=1)
    old = report(days_ago=100)
    end = (timezone.localtime() - dt.timedelta(days=99)).date().isoformat()

    assert ids(api.get("/open311/v2/requests.json", {"end_date": end})) == [old.number]


def test_status_filter_maps_the_lifecycle(api, world, report):
    open_case = report()
    closed = report()
    cases.case_reject(case=closed, actor=world.staff, reason="不属于社区")

    def by_status(status):
        return ids(api.get("/open311/v2/requests.json", {"status": status}))

    assert by_status("open") == [open_case.number]
    assert by_status("closed") == [closed.number]
    assert set(by_status("open,closed")) == {open_case.number, closed.number}


def test_service_code_filter_takes_a_comma_list(api, world, report):
    noise = CategoryFactory(code="noise")
    water = CategoryFactory(code="water")
    a = report()
    b = report(category=noise, attributes={})
    report(category=water, attributes={})

    response = api.get(
        "/open311/v2/requests.json", {"service_code": "sanitation,noise"}
    )

    assert set(ids(response)) == {a.number, b.number}


def test_service_request_id_overrides_every_other_argument(api, world, report):
    old = report(days_ago=200)
    new = report()

    response = api.get(
        "/open311/v2/requests.json",
        {
            "service_request_id": f"{old.number},{new.number},nope",
            "status": "closed",
            "service_code": "sanitation",
            "start_date": "2000-01-01",
            "end_date": "2000-01-02",
        },
    )

    assert set(ids(response)) == {old.number, new.number}


def test_page_and_page_size_page_through_newest_first(api, world, report):
    made = [report(days_ago=n) for n in range(5)]

    def page(n):
        return ids(api.get("/open311/v2/requests.json", {"page": n, "page_size": 2}))

    assert page(1) == [made[0].number, made[1].number]
    assert page(2) == [made[2].number, made[3].number]
    assert page(3) == [made[4].number]
    assert page(4) == []


def test_empty_optional_arguments_count_as_absent(api, world, report):
    case = report()

    response = api.get(
        "/open311/v2/requests.json",
        {
            "service_request_id": "",
            "service_code": "",
            "start_date": "",
            "end_date": "",
            "status": "",
            "page": "",
            "page_size": "",
            "jurisdiction_id": "",
        },
    )

    assert ids(response) == [case.number]


BAD_QUERIES = [
    pytest.param(
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"},
        "start_date and end_date may not span more than 90 days.",
        id="over-90-days",
    ),
    pytest.param(
        {"start_date": "yesterday"},
        "start_date must be a date and time in W3C format, e.g. "
        "2026-01-01T00:00:00+08:00.",
        id="malformed-start",
    ),
    pytest.param(
        {"end_date": "2026-02-30T00:00:00Z"},
        "end_date must be a date and time in W3C format, e.g. "
        "2026-01-01T00:00:00+08:00.",
        id="impossible-end",
    ),
    pytest.param(
        {"start_date": "2026-03-01", "end_date": "2026-02-01"},
        "end_date must not be before start_date.",
        id="end-before-start",
    ),
    pytest.param(
        {"status": "pending"},
        "status must be open or closed, not “pending”.",
        id="unknown-status",
    ),
    pytest.param(
        {"service_code": "potholes"},
        "service_code “potholes” was not found.",
        id="unknown-service-code",
    ),
    pytest.param(
        {"page": "0"}, "page must be a whole number of 1 or more.", id="page-zero"
    ),
    pytest.param(
        {"page_size": "ten"},
        "page_size must be a whole number of 1 or more.",
        id="page-size-text",
    ),
    pytest.param(
        {"page_size": "1001"}, "page_size may be at most 1000.", id="page-too-big"
    ),
]


@pytest.mark.parametrize(("query", "message"), BAD_QUERIES)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_queries_are_400_with_the_reason(api, world, query, message, fmt):
    response = api.get(f"/open311/v2/requests.{fmt}", query)

    assert response.status_code == 400
    assert errors_of(response, fmt) == [(400, message)]


def test_get_requests_query_count_does_not_grow_with_rows(
    api, world, report, django_assert_num_queries
):
    for _n in range(3):
        case = report()
        cases.case_accept(case=case, actor=world.staff)
        cases.case_dispatch(case=case, actor=world.staff, lead=world.unit)

    # The service_code check, then one query for the cases (notes: one more).
    with django_assert_num_queries(1):
        api.get("/open311/v2/requests.json")
    with django_assert_num_queries(2):
        api.get("/open311/v2/requests.json", {"extensions": "true"})
