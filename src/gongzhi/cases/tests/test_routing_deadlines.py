"""Routing rules (most specific wins) and deadline policies on the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.cases.deadlines import (
    DEFAULT_RESOLVE_DAYS,
    Limits,
    extend_deadline,
    limits_for,
    start_clock,
)
from gongzhi.cases.models import Case, DeadlinePolicy, RoutingRule
from gongzhi.cases.routing import route_for
from gongzhi.orgs.tests.factories import OrganisationFactory
from gongzhi.places.tests.factories import (
    CommunityFactory,
    EconomicCooperativeFactory,
    EstateFactory,
    StreetFactory,
)

from .factories import CategoryFactory
from .journeys import at

pytestmark = pytest.mark.django_db


def unsaved_case(**places) -> Case:
    """A case placed as given (routing reads only its category and places)."""
    return Case(category=places.pop("category"), **places)


@pytest.fixture
def place(db):
    community = CommunityFactory()
    coop = EconomicCooperativeFactory(community=community)
    return {
        "community": community,
        "cooperative": coop,
        "estate": EstateFactory(community=community),
        "street": StreetFactory(community=community, cooperative=coop),
        "category": CategoryFactory(code="drainage"),
    }


def rule(lead_name: str, **kwargs) -> RoutingRule:
    assisting = kwargs.pop("assisting", [])
    made = RoutingRule.objects.create(
        lead=OrganisationFactory(name=lead_name), **kwargs
    )
    made.assisting.set(assisting)
    return made


# --- Routing ----------------------------------------------------------------------


def test_no_rule_routes_nowhere(place):
    route = route_for(unsaved_case(**place))
    assert (route.lead, route.assisting, route.rule) == (None, [], None)


def test_default_rule_catches_everything(place):
    default = rule("街道综治中心")
    route = route_for(unsaved_case(**place))
    assert (route.lead.name, route.rule) == ("街道综治中心", default)


def test_most_specific_place_wins(place):
    rule("默认")
    rule("社区", community=place["community"])
    rule("经济社", cooperative=place["cooperative"])
    rule("小区物业", estate=place["estate"])
    rule("街巷长", street=place["street"])
    case = unsaved_case(**place)
    assert route_for(case).lead.name == "街巷长"
    case.street = None
    assert route_for(case).lead.name == "小区物业"
    case.estate = None
    assert route_for(case).lead.name == "经济社"
    case.cooperative = None
    assert route_for(case).lead.name == "社区"


def test_category_breaks_a_tie_of_place_but_not_a_more_specific_place(place):
    rule("社区通用", community=place["community"])
    rule("社区水务", community=place["community"], category=place["category"])
    rule("全区水务", category=place["category"])
    assert route_for(unsaved_case(**place)).lead.name == "社区水务"
    other = unsaved_case(**{**place, "category": CategoryFactory(code="noise")})
    assert route_for(other).lead.name == "社区通用"


def test_rules_for_other_places_and_categories_do_not_match(place):
    rule("别的社区", community=CommunityFactory())
    rule("别的街巷", street=StreetFactory(community=place["community"]))
    rule("别的类别", category=CategoryFactory(code="parking"))
    assert route_for(unsaved_case(**place)).lead is None


def test_inactive_rule_is_ignored(place):
    rule("停用", community=place["community"], is_active=False)
    rule("默认")
    assert route_for(unsaved_case(**place)).lead.name == "默认"


def test_route_names_the_assisting_units(place):
    helpers = [OrganisationFactory(name="环卫站"), OrganisationFactory(name="物业")]
    rule("城管", community=place["community"], assisting=helpers)
    route = route_for(unsaved_case(**place))
    assert sorted(o.name for o in route.assisting) == ["物业", "环卫站"]


def test_of_two_equally_specific_rules_the_newer_wins(place):
    rule("旧规则", community=place["community"])
    rule("新规则", community=place["community"])
    assert route_for(unsaved_case(**place)).lead.name == "新规则"


def test_specificity_orders_place_before_category():
    assert [
        RoutingRule(**kw).specificity
        for kw in (
            {},
            {"category_id": 1},
            {"community_id": 1},
            {"community_id": 1, "category_id": 1},
            {"cooperative_id": 1},
            {"estate_id": 1},
            {"street_id": 1},
            {"street_id": 1, "category_id": 1},
        )
    ] == [0, 1, 2, 3, 4, 6, 8, 9]


# --- Deadline policies --------------------------------------------------------------


@pytest.fixture
def category(db):
    return CategoryFactory(code="sanitation")


@pytest.mark.parametrize(
    ("urgency", "days"), [("urgent", 1), ("general", 3), ("complex", 7)]
)
def test_defaults_without_a_policy(category, urgency, days):
    assert limits_for(category, urgency) == Limits(1, 24, days, 15)
    assert DEFAULT_RESOLVE_DAYS[urgency] == days


def test_default_policy_row_applies_to_every_category(category):
    DeadlinePolicy.objects.create(
        urgency="general", signoff_days=2, contact_hours=48, resolve_days=5
    )
    assert limits_for(category, "general") == Limits(2, 48, 5, 15)
    assert limits_for(category, "urgent") == Limits(1, 24, 1, 15)


def test_category_policy_beats_the_default_row(category):
    DeadlinePolicy.objects.create(urgency="general", resolve_days=5)
    DeadlinePolicy.objects.create(
        category=category, urgency="general", resolve_days=2, extension_cap_days=4
    )
    DeadlinePolicy.objects.create(
        category=CategoryFactory(code="other"), urgency="general", resolve_days=9
    )
    assert limits_for(category, "general") == Limits(1, 24, 2, 4)


def test_start_clock_sets_every_due_date(category):
    # Friday before the make-up Sunday of 20 September 2026 and Mid-Autumn.
    now = at(2026, 9, 18, 16, 30)
    case = Case(category=category, urgency="general", is_overdue=True)
    case.reminded_at = now
    start_clock(case, now)
    assert case.clock_started_at == now
    assert case.signoff_due_at == at(2026, 9, 20, 16, 30)  # make-up working Sunday
    assert case.contact_due_at == at(2026, 9, 19, 16, 30)  # hours, not working days
    # 20, 21, 22 September (23–24 working, 25–27 Mid-Autumn holiday).
    assert case.resolve_due_at == at(2026, 9, 22, 16, 30)
    assert case.reminded_at is None
    assert case.is_overdue is False


def test_start_clock_keeps_granted_extension_days(category):
    now = at(2026, 9, 30, 10)
    case = Case(category=category, urgency="urgent", extension_days=2)
    start_clock(case, now)
    assert case.resolve_due_at == at(2026, 10, 10, 10)  # 8, 9, 10 October


def test_extend_deadline_counts_from_the_clock_start(category):
    case = Case(category=category, urgency="general")
    start_clock(case, at(2026, 9, 30, 10))
    case.extension_days = 4
    extend_deadline(case)
    # Seven working days: 8, 9, 10 (make-up Saturday), 12, 13, 14 and 15 October.
    assert case.resolve_due_at == at(2026, 10, 15, 10)


def test_extend_deadline_needs_a_running_clock(category):
    with pytest.raises(ValueError, match="it was never dispatched"):
        extend_deadline(Case(category=category, urgency="general"))


def test_due_dates_keep_the_local_time_of_day(category):
    now = dt.datetime(2026, 10, 9, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    case = Case(category=category, urgency="urgent")
    start_clock(case, now)
    assert case.resolve_due_at == at(2026, 10, 10, 9, 0)
