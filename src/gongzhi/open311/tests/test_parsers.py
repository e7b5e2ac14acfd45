"""The form and query parsers, including a property test that finds no 5xx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.open311.errors import Open311Error
from gongzhi.open311.parsers import parse_attributes, parse_post, parse_query

NOW = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)


def qd(query: str) -> QueryDict:
    return QueryDict(query)


@pytest.fixture(autouse=True)
def _english():
    """Messages built outside a request follow the active language: use English."""
    with translation.override("en"):
        yield


def test_attributes_single_repeated_and_bracketed():
    data = qd(
        "attribute[a]=1&attribute[b][]=x&attribute[b][]=y&attribute[c]=p&attribute[c]=q"
        "&attribute[d][]=&attribute[]=z&attribute=w&attribute[e][0]=k"
    )

    assert parse_attributes(data) == {
        "a": "1",
        "b": ["x", "y"],
        "c": ["p", "q"],
        "e": ["k"],
    }


def test_post_strips_control_characters_and_spaces():
    posted = parse_post(qd("description=%20a%00b%07c%20&first_name=%20%E6%98%8E"))

    assert posted.description == "abc"
    assert posted.first_name == "明"


def test_post_refuses_coordinates_that_are_not_numbers():
    with pytest.raises(Open311Error) as caught:
        parse_post(qd("lat=x&long=1e400"))

    assert caught.value.status == 400
    assert [p.description for p in caught.value.problems] == [
        "lat must be a number in decimal degrees (WGS84).",
        "long must be a number in decimal degrees (WGS84).",
    ]


def test_query_defaults_to_the_last_90_days_and_the_first_1000():
    query = parse_query(qd(""), now=NOW)

    assert (query.start, query.end) == (NOW - dt.timedelta(days=90), None)
    assert (query.page, query.page_size) == (1, 1000)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-01T00:00:00Z", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        (
            "2026-01-01T08:00:00+08:00",
            dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        ),
        ("2026-01-01", dt.datetime(2025, 12, 31, 16, tzinfo=dt.UTC)),
    ],
)
def test_query_reads_w3c_dates(value, expected):
    assert parse_query(qd(f"start_date={value.replace('+', '%2B')}")).start == expected


def test_query_window_of_exactly_90_days_is_allowed():
    query = parse_query(qd("start_date=2026-01-01&end_date=2026-04-01"))

    assert query.end - query.start == dt.timedelta(days=90)


def test_query_collects_every_problem():
    with pytest.raises(Open311Error) as caught:
        parse_query(qd("start_date=x&status=new&page=-1"))

    assert len(caught.value.problems) == 3


def test_query_ids_override_everything_else():
    query = parse_query(qd("service_request_id=a,b,,a&status=wrong&page=0"))

    assert query.ids == ("a", "b")


def test_query_refuses_more_ids_than_a_page():
    with pytest.raises(Open311Error):
        parse_query(qd("service_request_id=" + ",".join(str(n) for n in range(1001))))


# --- Property: whatever the form, the answer is never a server error ---------------

FIELDS = [
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "jurisdiction_id",
    "attribute[size]",
    "attribute[bags]",
    "attribute[kinds][]",
    "attribute[x][y]",
]
text = st.text(max_size=60)
edges = st.sampled_from(
    [
        "0",
        "-1",
        "9" * 30,
        "1e400",
        "nan",
        "\x00",
        "0001-01-01",
        "9999-12-31T23:59:59Z",
        "2026-02-30",
        "open,closed,",
        "sanitation,",
        ",,,",
    ]
)
numberish = st.one_of(
    edges,
    text,
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
)
forms = st.dictionaries(
    st.sampled_from(FIELDS) | text,
    st.one_of(numberish, st.lists(numberish, max_size=3)),
    max_size=8,
)


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(fields=forms, fmt=st.sampled_from(["xml", "json"]))
def test_no_form_makes_a_server_error(world, key, caplog, fields, fmt):
    from django.core.cache import cache

    cache.clear()
    form = {"api_key": key.raw, "service_code": world.category.code, **fields}
    response = Client().post(f"/open311/v2/requests.{fmt}", form)

    assert response.status_code in (200, 400, 403, 404)
    assert response["Content-Type"].startswith(("text/xml", "application/json"))
    # A 400 must be a refusal, never the catch-all for an unexpected failure.
    assert "failed" not in caplog.text


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "service_request_id",
                "service_code",
                "start_date",
                "end_date",
                "status",
                "page",
                "page_size",
                "extensions",
            ]
        ),
        numberish,
        max_size=6,
    )
)
def test_no_query_makes_a_server_error(world, caplog, query):
    from django.core.cache import cache

    cache.clear()
    response = Client().get("/open311/v2/requests.json", query)

    assert response.status_code in (200, 400)
    assert "failed" not in caplog.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start_date=0001-01-01", "start_date must be a date and time in W3C format"),
        ("end_date=9999-12-31T23:59:59Z", "end_date must be a date and time in W3C"),
        ("page=" + "9" * 30, "page may be at most 10000000."),
    ],
)
def test_query_refuses_values_that_would_overflow(query, message):
    with pytest.raises(Open311Error) as caught:
        parse_query(qd(query))

    assert caught.value.problems[0].description.startswith(message)
