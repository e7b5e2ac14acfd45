"""Case metrics against a hand-computed fixture of thirteen cases.

All cases are general (sign-off 1, resolution 3 working days), in October 2026
(Saturday 17 and Sunday 18 are rest days), dispatched at 10:00 to unit U (the
world's ``unit``) unless said otherwise; O is ``other_unit``.

====  ===========================================================================
case  story (day of October)
====  ===========================================================================
A     12 dispatched, signed 14:00, contact 15:00; 13 reply; 14 rated yes/satisfied
B     12 dispatched; 14 signed (late), contact on 12; 16 reply (late: due 15th);
      19 rated partly/basically
C     13 dispatched (no contact details: response needs no contact), signed;
      14 reply, confirmed 11:00; 21 11:00 auto-closed unrated
D     13 dispatched, signed, contact; 14 reply; 15 rated no/unsatisfied;
      16 reopened and dispatched again to U, signed; 19 reply; 20 rated yes
E     14 dispatched, signed, contact; 15 escalated, dispatched to O, signed by O
F     12 fixed on the spot by the street chief, confirmed; 13 rated yes
G     12 rejected                                             (excluded)
H     12 accepted; 13 merged into A                          (excluded)
I     12 dispatched, signed, contact; 14 cancelled           (excluded)
J     12 dispatched, never signed (open, overdue from the 15th 10:00)
K     16 dispatched to O, signed, no contact (open; due 21st 10:00)
L     20 dispatched, signed, contact (open; due 23rd 10:00)
M     15 accepted only (open, no clock)
====  ===========================================================================

Counted per day (all scopes; U is the organisation scope of U):

* accepted: 12th A B J; 13th C D; 14th E; 15th M; 16th K; 20th L -> 9
* dispatched (first dispatch, its day): 12th A B J; 13th C D; 14th E; 16th K (O);
  20th L -> 8 (U: 7)
* signed on time (on the day of dispatch): A C D E K L -> 6 (U: A C D E L = 5)
* responded on time: A C D E L -> 5 (U: 5)
* self-resolved: F (12th) -> 1;  escalated: E (15th, U) -> 1
* rated (the day of rating): F 13th, A 14th, D 15th, B 19th, D 20th -> 5 (U: 4)
  solved F A D -> 3, partly B;  satisfied F A D -> 3, basically B
* closed: those five plus C (21st) -> 6, on time all but B -> 5 (U: 5 and 4)
* reopened: D (16th) -> 1
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from gongzhi.accounts.choices import Role
from gongzhi.accounts.services import role_assign
from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.cases import services
from gongzhi.cases.choices import Status
from gongzhi.cases.metrics import (
    Rate,
    case_metrics,
    case_metrics_by,
    case_overdue_rate,
    case_stat_totals,
)
from gongzhi.cases.models import Case, CaseStat
from gongzhi.core.calendar import TZ

from .factories import make_world

pytestmark = pytest.mark.django_db

OCTOBER = (dt.date(2026, 10, 12), dt.date(2026, 10, 31))
MID = (dt.date(2026, 10, 13), dt.date(2026, 10, 15))
NOW = dt.datetime(2026, 10, 21, 12, 0, tzinfo=TZ)


def at(day: int, time: str = "10:00") -> dt.datetime:
    hour, minute = map(int, time.split(":"))
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=TZ)


class Story:
    """Drive the cases of the fixture through the services on a given clock."""

    def __init__(self, world):
        self.w = world
        self.admin = UserFactory(username="metrics-admin")
        role_assign(actor=None, user=self.admin, role=Role.ADMIN)

    def report(self, day: int, **kwargs) -> Case:
        kwargs.setdefault("reporter", self.w.resident)
        return services.case_report(
            category=self.w.category,
            description="楼道堆放杂物",
            street=self.w.street,
            now=at(day, "08:00"),
            **kwargs,
        ).case

    def accepted(self, day: int, **kwargs) -> Case:
        case = self.report(day, **kwargs)
        return services.case_accept(case=case, actor=self.w.staff, now=at(day, "09:00"))

    def dispatched(self, day: int, unit=None, **kwargs) -> Case:
        case = self.accepted(day, **kwargs)
        return self.dispatch(case, day, unit)

    def dispatch(self, case: Case, day: int, unit=None) -> Case:
        return services.case_dispatch(
            case=case, actor=self.w.staff, lead=unit or self.w.unit, now=at(day)
        )

    def handler(self, case: Case):
        return self.w.handler if case.lead_unit == self.w.unit else self.w.other_handler

    def sign(self, case: Case, day: int, time: str = "14:00") -> None:
        services.case_acknowledge(
            case=case, actor=self.handler(case), now=at(day, time)
        )

    def contact(self, case: Case, day: int, time: str = "15:00") -> None:
        services.case_record_contact(
            case=case, actor=self.handler(case), note="电话联系", now=at(day, time)
        )

    def reply(self, case: Case, day: int, confirm_time: str = "11:00") -> None:
        services.case_reply(
            case=case, actor=self.handler(case), note="已处理", now=at(day, "09:00")
        )
        services.case_verify(
            case=case, actor=self.w.staff, ok=True, now=at(day, confirm_time)
        )

    def rate(self, case: Case, day: int, solved: str, satisfaction: str) -> None:
        services.case_rate(
            case=case,
            actor=self.w.resident,
            solved=solved,
            satisfaction=satisfaction,
            now=at(day, "16:00"),
        )


@pytest.fixture(scope="module", autouse=True)
def fixture_cases(django_db_setup, django_db_blocker):
    """Build the thirteen cases of the module docstring once, for every test.

    The tests only read. Like Django's ``TestCase.setUpTestData``, the cases
    live in a transaction around the module's tests, rolled back at the end.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        _build()
        yield
        transaction.set_rollback(True)


def _build() -> None:
    world = make_world()
    s = Story(world)
    w = world

    a = s.dispatched(12)
    s.sign(a, 12)
    s.contact(a, 12)
    b = s.dispatched(12)
    s.contact(b, 12, "11:00")
    s.sign(b, 14)
    g = s.report(12)
    services.case_reject(
        case=g, actor=w.staff, reason="非社区事务", now=at(12, "09:30")
    )
    h = s.accepted(12, reporter=None, reporter_phone="13800000000")
    i = s.dispatched(12)
    s.sign(i, 12)
    s.contact(i, 12)
    j = s.dispatched(12)
    f = s.report(12)
    services.case_self_resolve(
        case=f, actor=w.chief, note="现场清理", now=at(12, "10:30")
    )
    services.case_verify(case=f, actor=w.staff, ok=True, now=at(12, "11:00"))

    c = s.dispatched(13, reporter=None)
    s.sign(c, 13)
    d = s.dispatched(13)
    s.sign(d, 13)
    s.contact(d, 13)
    s.reply(a, 13)
    s.rate(f, 13, "yes", "satisfied")
    services.case_merge(case=h, into=a, actor=w.staff, now=at(13, "12:00"))

    s.rate(a, 14, "yes", "satisfied")
    e = s.dispatched(14)
    s.sign(e, 14)
    s.contact(e, 14)
    s.reply(c, 14)
    s.reply(d, 14)
    services.case_cancel(case=i, actor=s.admin, reason="重复录入", now=at(14, "17:00"))

    s.rate(d, 15, "no", "unsatisfied")
    services.case_escalate(case=e, actor=w.staff, note="需要上级", now=at(15, "09:00"))
    e = s.dispatch(e, 15, w.other_unit)
    s.sign(e, 15)
    m = s.accepted(15)

    services.case_reopen(case=d, actor=w.staff, note="居民不满意", now=at(16, "09:00"))
    d = s.dispatch(d, 16)
    s.sign(d, 16)
    s.reply(b, 16)
    k = s.dispatched(16, w.other_unit)
    s.sign(k, 16)

    s.reply(d, 19)
    s.rate(b, 19, "partly", "basically")
    s.rate(d, 20, "yes", "satisfied")
    l_ = s.dispatched(20)
    s.sign(l_, 20)
    s.contact(l_, 20)
    services.timers_auto_close(now=at(21, "11:00"))

    cases = {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}
    cases.update({"h": h, "i": i, "j": j, "k": k, "l": l_, "m": m})
    states = {name: Case.objects.get(pk=case.pk).status for name, case in cases.items()}
    assert states == {
        "a": Status.CLOSED,
        "b": Status.CLOSED,
        "c": Status.CLOSED,
        "d": Status.CLOSED,
        "e": Status.ACKNOWLEDGED,
        "f": Status.CLOSED,
        "g": Status.REJECTED,
        "h": Status.MERGED,
        "i": Status.CANCELLED,
        "j": Status.DISPATCHED,
        "k": Status.ACKNOWLEDGED,
        "l": Status.ACKNOWLEDGED,
        "m": Status.ACCEPTED,
    }


@pytest.fixture
def units():
    from gongzhi.orgs.models import Organisation

    return {o.name: o.pk for o in Organisation.objects.all()}


@pytest.fixture
def u(units):
    return units["城管办"]


@pytest.fixture
def o(units):
    return units["翠宝园物业"]


def test_october_totals_everywhere():
    assert case_stat_totals(start=OCTOBER[0], end=OCTOBER[1]) == {
        "dispatched": 8,
        "signed_on_time": 6,
        "responded_on_time": 5,
        "rated": 5,
        "solved": 3,
        "partly_solved": 1,
        "satisfied": 3,
        "basically_satisfied": 1,
        "closed": 6,
        "closed_on_time": 5,
        "reopened": 1,
        "self_resolved": 1,
        "escalated": 1,
        "accepted": 9,
    }


def test_october_rates_everywhere():
    m = case_metrics(start=OCTOBER[0], end=OCTOBER[1], now=NOW)

    assert m.response == Rate(5, 8)
    assert m.response.rate == 0.625
    assert m.signoff == Rate(6, 8)
    assert m.resolution == Rate(3, 5)
    assert m.satisfaction == Rate(4, 5)  # w = 1: basically satisfied counts fully
    assert m.on_time_closure == Rate(5, 6)
    assert m.reopen == Rate(1, 6)
    assert m.self_resolution == Rate(1, 10)
    assert m.escalation == Rate(1, 8)
    assert m.escalation_band == (0.01, 0.10)
    assert m.escalation_in_band is False  # 12.5 % is above the band
    assert m.composite == pytest.approx(0.30 * 0.625 + 0.35 * 0.6 + 0.35 * 0.8)
    assert m.composite == pytest.approx(0.6775)
    # Open: E, J, K, L, M. Past the limit at noon on the 21st: E (20th), J
    # (15th), K (21st 10:00).
    assert m.overdue == Rate(3, 5)
    assert m.as_of == NOW


def test_k_and_w_weigh_partly_solved_and_basically_satisfied():
    m = case_metrics(start=OCTOBER[0], end=OCTOBER[1], k=0.5, w=0, now=NOW)

    assert m.resolution == Rate(3.5, 5)
    assert m.resolution.rate == pytest.approx(0.7)
    assert m.satisfaction == Rate(3, 5)
    assert m.composite == pytest.approx(0.30 * 0.625 + 0.35 * 0.7 + 0.35 * 0.6)


def test_weights_come_from_the_settings(settings):
    settings.CASE_PARTLY_SOLVED_WEIGHT = 1
    settings.CASE_SCORE_WEIGHTS = (0.5, 0.25, 0.25)

    m = case_metrics(start=OCTOBER[0], end=OCTOBER[1], now=NOW)

    assert m.resolution == Rate(4, 5)
    assert m.composite == pytest.approx(0.5 * 0.625 + 0.25 * 0.8 + 0.25 * 0.8)


def test_a_period_that_leaves_out_days():
    m = case_metrics(start=MID[0], end=MID[1], now=NOW)

    assert m.counts["accepted"] == 4  # C D (13th), E (14th), M (15th)
    assert m.response == Rate(3, 3)  # C D E
    assert m.signoff == Rate(3, 3)
    assert m.resolution == Rate(2, 3)  # F (13th), A (14th), D (15th)
    assert m.satisfaction == Rate(2, 3)
    assert m.on_time_closure == Rate(3, 3)
    assert m.reopen == Rate(0, 3)
    assert m.reopen.rate == 0
    assert m.self_resolution == Rate(0, 4)  # F was fixed on the 12th
    assert m.escalation == Rate(1, 3)
    assert m.composite == pytest.approx(0.30 + 0.35 * 2 / 3 + 0.35 * 2 / 3)


def test_october_rates_of_the_unit(u):
    m = case_metrics(
        scope="organisation", scope_id=u, start=OCTOBER[0], end=OCTOBER[1], now=NOW
    )

    assert m.counts["accepted"] == 0  # a case has no unit until dispatched
    assert m.response == Rate(5, 7)
    assert m.signoff == Rate(5, 7)  # A C D E L; B was late, J never signed
    assert m.resolution == Rate(2, 4)  # A D (twice) B: F had no unit
    assert m.satisfaction == Rate(3, 4)
    assert m.on_time_closure == Rate(4, 5)
    assert m.reopen == Rate(1, 5)
    assert m.self_resolution == Rate(0, 0)
    assert m.self_resolution.rate is None
    assert m.escalation == Rate(1, 7)
    assert m.composite == pytest.approx(0.30 * 5 / 7 + 0.35 * 0.5 + 0.35 * 0.75)
    assert m.overdue == Rate(1, 2)  # J of J and L; E went to O


def test_mid_october_rates_of_the_unit(u):
    m = case_metrics(
        scope="organisation", scope_id=u, start=MID[0], end=MID[1], now=NOW
    )

    assert m.response == Rate(3, 3)
    assert m.resolution == Rate(1, 2)  # A (14th) solved, D (15th) not
    assert m.satisfaction == Rate(1, 2)
    assert m.on_time_closure == Rate(2, 2)
    assert m.escalation == Rate(1, 3)


def test_the_other_unit_counts_only_its_own_first_dispatch(o):
    m = case_metrics(
        scope="organisation", scope_id=o, start=OCTOBER[0], end=OCTOBER[1], now=NOW
    )

    # K was dispatched to O first; E reached O only after escalation.
    assert (m.counts["dispatched"], m.counts["signed_on_time"]) == (1, 1)
    assert m.response == Rate(0, 1)  # K's reporter was never contacted
    assert m.resolution.rate is None
    assert m.composite is None
    assert m.overdue == Rate(2, 2)  # E and K


def test_metrics_by_unit_match_the_single_scope_figures(u, o):
    by_unit = case_metrics_by(
        scope="organisation", start=OCTOBER[0], end=OCTOBER[1], now=NOW
    )

    assert set(by_unit) == {u, o}
    single = case_metrics(
        scope="organisation", scope_id=u, start=OCTOBER[0], end=OCTOBER[1], now=NOW
    )
    assert by_unit[u] == single


def test_community_and_street_scopes_equal_everywhere_in_a_one_street_world():
    everywhere = case_metrics(start=OCTOBER[0], end=OCTOBER[1], now=NOW)
    street_id = Case.objects.values_list("street_id", flat=True).first()
    community_id = Case.objects.values_list("community_id", flat=True).first()

    for scope, scope_id in (("street", street_id), ("community", community_id)):
        m = case_metrics(
            scope=scope, scope_id=scope_id, start=OCTOBER[0], end=OCTOBER[1], now=NOW
        )
        assert m.counts == everywhere.counts
        assert m.overdue == everywhere.overdue


def test_cancelled_and_merged_cases_left_the_roll_ups():
    # I was counted on the 12th (accepted, dispatched, signed, responded) and H
    # (accepted); cancelling and merging took them out again.
    day = CaseStat.objects.get(scope="all", day=dt.date(2026, 10, 12))

    assert (day.accepted, day.dispatched, day.signed_on_time) == (3, 3, 1)
    assert day.responded_on_time == 1


def test_an_empty_period_has_no_rates():
    m = case_metrics(
        start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31), with_overdue=False
    )

    assert m.response == Rate(0, 0)
    assert m.response.rate is None
    assert m.response.percent is None
    assert m.composite is None
    assert m.escalation_in_band is None
    assert m.overdue is None


def test_overdue_rate_at_another_moment():
    # At 09:00 on the 15th only J's limit... has not passed yet (10:00).
    assert case_overdue_rate(now=at(15, "09:00")) == Rate(0, 5)
    assert case_overdue_rate(now=at(15, "10:01")) == Rate(1, 5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scope": "planet"}, "Unknown metrics scope 'planet'."),
        ({"scope": "community"}, "The community scope needs the id of the community."),
        (
            {"start": dt.date(2026, 2, 1), "end": dt.date(2026, 1, 1)},
            "The period ends before it starts.",
        ),
        ({"weights": (1, 0)}, "The composite score takes three weights."),
    ],
)
def test_bad_arguments_are_refused_with_a_message(kwargs, message):
    kwargs = {"start": OCTOBER[0], "end": OCTOBER[1], **kwargs}

    with pytest.raises(
        ValueError, match=message.replace("(", r"\(").replace(".", r"\.")
    ):
        case_metrics(**kwargs)


def test_metrics_cost_two_queries(django_assert_num_queries, u):
    with django_assert_num_queries(2):
        case_metrics(scope="organisation", scope_id=u, start=OCTOBER[0], end=OCTOBER[1])
