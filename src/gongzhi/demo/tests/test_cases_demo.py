"""The cases of the Pingdong demo, told through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from gongzhi.cases.choices import AttributeType, Status
from gongzhi.cases.metrics import case_metrics
from gongzhi.cases.models import (
    Case,
    CaseEvent,
    Category,
    DeadlinePolicy,
)
from gongzhi.cases.routing import route_for
from gongzhi.core.calendar import TZ
from gongzhi.demo.pingdong import load_pingdong
from gongzhi.demo.pingdong_cases import last_working_day, pingdong_cases_load

pytestmark = pytest.mark.django_db

# A Friday: the stories are dated back from Thursday 19 November 2026.
LOADED = dt.datetime(2026, 11, 20, 12, 0, tzinfo=TZ)
END = dt.datetime(2026, 11, 20, 18, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def pingdong(django_db_setup, django_db_blocker):
    """Load the demo once for the module's tests, which only read it.

    Like Django's ``TestCase.setUpTestData``: the data lives in a transaction
    around the module's tests, rolled back at the end.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load_pingdong()
        yield pingdong_cases_load(now=LOADED)
        transaction.set_rollback(True)


def org_of(case: Case) -> str:
    return case.lead_unit.short_name if case.lead_unit else ""


# --- Pingdong: categories, routing, policies -------------------------------------
def test_ten_categories_with_typed_questions(pingdong):
    assert pingdong["categories"] == 10
    codes = set(Category.objects.values_list("code", flat=True))
    assert codes == {
        "sanitation",
        "illegal-parking",
        "ebike-charging",
        "garbage-sorting",
        "green-trees",
        "drainage-flooding",
        "elder-care",
        "neighbour-dispute",
        "jade-market",
        "enquiry-suggestion",
    }
    questions = {
        (a.category.code, a.code): (a.datatype, a.required)
        for a in Category.objects.get(code="ebike-charging").attributes.all()
    } | {
        (a.category.code, a.code): (a.datatype, a.required)
        for a in Category.objects.get(code="drainage-flooding").attributes.all()
    }
    assert questions == {
        ("ebike-charging", "location_type"): (AttributeType.SINGLE, True),
        ("ebike-charging", "bikes"): (AttributeType.NUMBER, False),
        ("drainage-flooding", "depth_cm"): (AttributeType.NUMBER, True),
        ("drainage-flooding", "since"): (AttributeType.DATETIME, False),
    }
    species = Category.objects.get(code="green-trees").attributes.get(code="species")
    assert (species.datatype, species.question_zh) == ("string", "树种（如知道）")
    sanitation = Category.objects.get(code="sanitation")
    assert (sanitation.name_zh, sanitation.name_en) == ("环境卫生", "Sanitation")


def test_deadline_policies_follow_the_design(pingdong):
    defaults = {
        p.urgency: (
            p.signoff_days,
            p.contact_hours,
            p.resolve_days,
            p.extension_cap_days,
        )
        for p in DeadlinePolicy.objects.filter(category=None)
    }
    assert defaults == {
        "urgent": (1, 24, 1, 15),
        "general": (1, 24, 3, 15),
        "complex": (1, 24, 7, 15),
    }
    flooding = DeadlinePolicy.objects.get(category__code="drainage-flooding")
    assert (flooding.urgency, flooding.contact_hours) == ("urgent", 2)


def test_routing_sends_each_case_to_its_unit(pingdong):
    def route(key):
        r = route_for(Case.objects.get(external_id=key))
        return r.lead.short_name, sorted(o.short_name for o in r.assisting)

    assert route("PD-01") == ("市政管理办", [])  # sanitation on a street
    assert route("PD-03") == ("翠宝园物业", [])  # anything inside 翠宝园
    assert route("PD-21") == ("翠宝园物业", ["水务所"])  # flooding inside 翠宝园
    assert route("PD-06") == ("水务所", [])  # flooding elsewhere
    assert route("PD-09") == ("玉器协会", ["市政管理办"])  # the jade market
    assert route("PD-28") == ("党群服务中心", ["街坊志愿互助会"])  # elder care, JBS


# --- Pingdong: the 30 cases ----------------------------------------------------
def test_thirty_cases_in_every_resting_state(pingdong):
    assert pingdong["cases"] == pingdong["total_cases"] == 30
    states = set(Case.objects.values_list("status", flat=True))
    # A reply and a fix on the spot go straight on to verification.
    assert states == set(Status) - {Status.SELF_RESOLVED, Status.REPLIED}
    assert Case.objects.filter(external_id__startswith="PD-").count() == 30


def test_the_demo_stories_are_dated_back_from_the_last_working_day(pingdong):
    assert last_working_day(LOADED.date()) == dt.date(2026, 11, 19)
    first = Case.objects.get(external_id="PD-01")
    # Reported 8 working days before Thursday 19 November, at 08:10.
    assert first.reported_at == dt.datetime(2026, 11, 9, 8, 10, tzinfo=TZ)
    assert first.status == Status.CLOSED
    assert first.ratings.get().satisfaction == "satisfied"


def test_overdue_demo_cases_are_flagged_and_supervised(pingdong):
    overdue = set(
        Case.objects.filter(is_overdue=True).values_list("external_id", flat=True)
    )
    assert {"PD-19", "PD-23"} <= overdue
    for key in overdue:
        case = Case.objects.get(external_id=key)
        assert case.under_supervision
        assert case.events.filter(action="overdue").exists()
    assert Case.objects.get(external_id="PD-22").supervision_reason == "manual"


def test_the_demo_has_content_for_every_screen(pingdong):
    assert Case.objects.get(external_id="PD-17").merged_into.external_id == "PD-18"
    assert Case.objects.get(external_id="PD-05").reopen_count == 1
    assert Case.objects.get(external_id="PD-19").supporter_count == 1
    assert Case.objects.get(external_id="PD-09").extension_requests.count() == 1
    assert Case.objects.filter(channel="hotline").count() == 4
    assert Case.objects.filter(lat__isnull=False).count() >= 25
    handled = Case.objects.exclude(lead_unit=None).values_list(
        "lead_unit__short_name", flat=True
    )
    assert {"市政管理办", "水务所", "党群服务中心", "翠宝园物业", "玉器协会"} <= set(
        handled
    )


def test_loading_the_cases_again_adds_nothing(pingdong):
    events = CaseEvent.objects.count()

    again = pingdong_cases_load(now=LOADED)

    assert again == {
        "categories": 0,
        "routing_rules": 0,
        "deadline_policies": 0,
        "cases": 0,
        "total_cases": 30,
    }
    assert CaseEvent.objects.count() == events


def test_the_demo_roll_ups_agree_with_the_cases(pingdong):
    m = case_metrics(start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 30))
    counted = Case.objects.exclude(status__in=["cancelled", "merged", "rejected"])

    assert m.counts["dispatched"] == counted.exclude(dispatched_at=None).count()
    assert m.counts["reopened"] == 1
    assert m.counts["self_resolved"] == 2
    for rate in (m.response, m.signoff, m.resolution, m.satisfaction, m.reopen):
        assert 0 <= rate.rate <= 1
