"""Synthetic cases in bulk, and the loaddemo options that make them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Sum

from gongzhi.cases.metrics import case_metrics, case_metrics_by
from gongzhi.cases.models import Case, CaseStat, Category, HandlingAssignment
from gongzhi.core.calendar import TZ
from gongzhi.demo.bulk import fast_insert
from gongzhi.demo.management.commands.loaddemo import spread
from gongzhi.demo.synthetic import load_scale
from gongzhi.demo.synthetic_cases import cases_load
from gongzhi.places.models import Community, Street

pytestmark = pytest.mark.django_db

END = dt.datetime(2026, 11, 20, 18, 0, tzinfo=TZ)


# --- Synthetic cases -----------------------------------------------------------
def test_fast_insert_writes_what_the_orm_reads():
    community = load_scale(1) and Community.objects.get(code="SYN-C00001")
    category = Category.objects.create(code="c", name_zh="类", name_en="C")
    at = dt.datetime(2026, 10, 9, 10, 30, 15, 123456, tzinfo=TZ)

    fast_insert(
        Case,
        [
            {
                "number": "T-1",
                "category_id": category.pk,
                "community_id": community.pk,
                "description": "测试",
                "channel": "web",
                "reported_at": at,
                "attributes": {"depth_cm": 30, "needs": ["visit"]},
                "reporter_phone": "13800001111",
                "is_overdue": True,
            }
        ],
    )

    case = Case.objects.get(number="T-1")
    assert case.reported_at == at
    assert case.attributes == {"depth_cm": 30, "needs": ["visit"]}
    assert case.reporter_phone == "13800001111"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM cases_case")
        assert cursor.fetchone()[0].startswith("enc1:")
    assert (case.is_overdue, case.status, case.title, case.version) == (
        True,
        "reported",
        "",
        1,
    )


@pytest.fixture
def synthetic():
    load_scale(2)
    return cases_load({1: 700, 2: 500}, end=END)


def test_synthetic_cases_cover_the_lifecycle(synthetic):
    assert synthetic["communities"] == 2
    assert synthetic["cases"] == 1200
    assert Case.objects.count() == 1200
    statuses = dict(
        Case.objects.values_list("status").annotate(n=Count("pk")).order_by()
    )
    assert statuses["closed"] > 900
    assert {"rejected", "cancelled", "dispatched", "feedback"} <= set(statuses)
    assert len(statuses) >= 8
    numbers = set(Case.objects.values_list("number", flat=True))
    assert len(numbers) == 1200
    assert "SYN00001-000700" in numbers
    assert "SYN00002-000500" in numbers
    assert Case.objects.filter(reported_at__gt=END).count() == 0
    first = Case.objects.order_by("reported_at").first()
    assert first.reported_at >= END - dt.timedelta(days=365)


def test_open_synthetic_cases_have_timelines_and_assignments(synthetic):
    open_cases = Case.objects.exclude(status__in=["closed", "rejected", "cancelled"])
    assert synthetic["open"] == open_cases.count() > 0
    assert not Case.objects.filter(status="closed", events__isnull=False).exists()
    for case in open_cases.filter(status="in_progress")[:5]:
        actions = list(case.events.values_list("action", flat=True))
        assert actions[:2] == ["accept", "dispatch"]
        assert actions[-1] == "start"
    dispatched = open_cases.exclude(lead_unit=None)
    assert HandlingAssignment.objects.count() == dispatched.count()
    overdue = open_cases.filter(is_overdue=True)
    assert all(c.resolve_due_at < END and c.under_supervision for c in overdue)


def test_synthetic_roll_ups_count_what_the_cases_show(synthetic):
    totals = CaseStat.objects.filter(scope="all").aggregate(
        **{name: Sum(name) for name in CaseStat.COUNTERS}
    )
    counted = Case.objects.exclude(status__in=["cancelled", "rejected"])

    assert totals["accepted"] == counted.exclude(accepted_at=None).count()
    assert totals["dispatched"] == counted.exclude(dispatched_at=None).count()
    assert (
        totals["self_resolved"]
        == counted.filter(accepted_at=None, replied_at__isnull=False).count()
        + counted.filter(accepted_at=None, status="reopened").count()
    )
    assert totals["reopened"] == counted.aggregate(n=Sum("reopen_count"))["n"]
    # Every reopening followed a closing.
    assert (
        totals["closed"]
        == counted.filter(status="closed").count() + (totals["reopened"])
    )
    assert totals["escalated"] <= totals["dispatched"]
    assert totals["signed_on_time"] <= totals["dispatched"]
    assert totals["responded_on_time"] <= totals["signed_on_time"]
    assert totals["rated"] <= totals["closed"]
    assert totals["closed_on_time"] <= totals["closed"]
    assert totals["solved"] + totals["partly_solved"] <= totals["rated"]


def test_synthetic_scopes_add_up(synthetic):
    def summed(scope):
        return CaseStat.objects.filter(scope=scope).aggregate(
            d=Sum("dispatched"), c=Sum("closed"), a=Sum("accepted")
        )

    everywhere = summed("all")
    assert summed("community") == everywhere
    assert summed("category") == everywhere
    by_unit = CaseStat.objects.filter(scope="organisation").aggregate(
        d=Sum("dispatched")
    )
    assert by_unit["d"] == everywhere["d"]
    assert CaseStat.objects.filter(dispatched__lt=F("signed_on_time")).count() == 0


def test_synthetic_metrics_are_rates(synthetic):
    m = case_metrics(start=dt.date(2025, 11, 1), end=dt.date(2026, 11, 30), now=END)

    assert 0.7 < m.signoff.rate < 1
    assert 0.6 < m.satisfaction.rate <= 1
    assert 0 < m.overdue.rate < 1
    by_community = case_metrics_by(
        scope="community", start=dt.date(2025, 11, 1), end=dt.date(2026, 11, 30)
    )
    assert len(by_community) == 2
    assert (
        sum(x.counts["dispatched"] for x in by_community.values())
        == (m.counts["dispatched"])
    )


def test_synthetic_cases_are_deterministic_and_kept():
    load_scale(1)
    cases_load({1: 300}, end=END, seed=5)
    first = list(
        Case.objects.order_by("number").values_list(
            "number", "status", "reported_at", "category__code", "street_id"
        )
    )

    again = cases_load({1: 300}, end=END, seed=5)

    assert again["cases"] == 0  # the community has cases: kept as it is
    Case.objects.all().delete()
    CaseStat.objects.all().delete()
    cases_load({1: 300}, end=END, seed=5)
    assert (
        list(
            Case.objects.order_by("number").values_list(
                "number", "status", "reported_at", "category__code", "street_id"
            )
        )
        == first
    )


def test_shared_rows_are_added_to_not_replaced():
    load_scale(2)
    cases_load({1: 200}, end=END)
    dispatched_once = CaseStat.objects.filter(scope="all").aggregate(
        n=Sum("dispatched")
    )["n"]

    cases_load({2: 200}, end=END)

    total = CaseStat.objects.filter(scope="all").aggregate(n=Sum("dispatched"))["n"]
    assert (
        total
        == Case.objects.exclude(status__in=["cancelled", "rejected"])
        .exclude(dispatched_at=None)
        .count()
    )
    assert total > dispatched_once


# --- The loaddemo options ---------------------------------------------------------
def test_spread_shares_cases_evenly():
    assert spread(1001, 4) == {1: 251, 2: 250, 3: 250, 4: 250}


def test_loaddemo_cases_makes_the_communities_it_needs():
    out = io.StringIO()

    call_command("loaddemo", "--cases", "1500", stdout=out)

    assert Community.objects.filter(code__startswith="SYN-").count() == 2
    assert Case.objects.filter(number__startswith="SYN").count() == 1500
    assert "Synthetic cases: 1500 added in 2 communities" in out.getvalue()
    streets = Street.objects.count()

    call_command("loaddemo", "--cases", "1500", stdout=out)

    assert Case.objects.filter(number__startswith="SYN").count() == 1500
    assert Street.objects.count() == streets


@pytest.mark.parametrize("value", ["-1", "abc", "2.5", "10000001"])
def test_loaddemo_rejects_a_bad_number_of_cases(value):
    with pytest.raises(CommandError) as excinfo:
        call_command("loaddemo", "--cases", value)

    assert str(excinfo.value) == (
        f"--cases must be a whole number of cases from 0 to 10,000,000 (got {value!r})."
    )
