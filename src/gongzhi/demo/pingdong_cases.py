"""The cases of the Pingdong demo: categories, routing rules, deadline policies
and 30 cases in every state, each told through the services.

Idempotent like the rest of the demo: categories by code, rules by what they
match, policies by category and urgency, cases by ``external_id`` (``PD-01`` …).
A case's story is dated back from the last working day before the load, so the
deadlines, reminders and overdue flags look as they would on a real desk (see
docs/demo-data.md). Categories, rules and policies have no services yet (they
are admin data); they are created directly and recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.cases import services
from gongzhi.cases.models import (
    Case,
    Category,
    CategoryAttribute,
    DeadlinePolicy,
    RoutingRule,
)
from gongzhi.cases.routing import route_for
from gongzhi.cases.services.timers import LIMITS
from gongzhi.core.audit import audit_record
from gongzhi.core.calendar import TZ, is_working_day
from gongzhi.orgs.models import Organisation
from gongzhi.places.models import Community, EconomicCooperative, Estate, Street

from .accounts import DEMO_ACCOUNTS
from .geometry import box_centre, line_midpoint
from .pingdong_cases_data import (
    CATEGORIES,
    CATEGORY_POLICIES,
    DEFAULT_POLICIES,
    DEMO_CASES,
    ROUTING_RULES,
    UNIT_ACCOUNTS,
    DemoCase,
)
from .pingdong_data import COMMUNITY_CODE, ORGANISATION_NAMES

__all__ = ["case_setup_load", "categories_load", "pingdong_cases_load"]

_PLACE_FIELDS = {
    "community": Community,
    "cooperative": EconomicCooperative,
    "estate": Estate,
    "street": Street,
}


def categories_load() -> dict[str, Category]:
    """Create the demo categories and their questions that are missing."""
    categories: dict[str, Category] = {}
    for spec in CATEGORIES:
        category = Category.objects.filter(code=spec.code).first()
        if category is None:
            category = Category.objects.create(
                code=spec.code,
                name_zh=spec.name_zh,
                name_en=spec.name_en,
                group=spec.group,
                keywords=spec.keywords,
                description=spec.description,
                default_urgency=spec.default_urgency,
                order=len(categories) + 1,
            )
            for order, q in enumerate(spec.questions, start=1):
                CategoryAttribute.objects.create(
                    category=category,
                    code=q.code,
                    datatype=q.datatype,
                    question_zh=q.question_zh,
                    question_en=q.question_en,
                    required=q.required,
                    values=q.values,
                    order=order,
                )
            audit_record(actor=None, action="category.create", obj=category)
        categories[spec.code] = category
    return categories


def _org(code: str) -> Organisation:
    return Organisation.objects.get(name=ORGANISATION_NAMES[code])


def case_setup_load() -> Counter[str]:
    """Create the missing categories, routing rules and deadline policies."""
    created: Counter[str] = Counter()
    before = Category.objects.count()
    categories = categories_load()
    created["categories"] = Category.objects.count() - before
    for rule in ROUTING_RULES:
        place: dict[str, Any] = dict.fromkeys(_PLACE_FIELDS)
        if rule.place:
            kind, _sep, code = rule.place.partition(":")
            place[kind] = _PLACE_FIELDS[kind]._default_manager.get(code=code)
        category = categories[rule.category] if rule.category else None
        lead = _org(rule.lead)
        if RoutingRule.objects.filter(category=category, lead=lead, **place).exists():
            continue
        made = RoutingRule.objects.create(category=category, lead=lead, **place)
        made.assisting.set([_org(code) for code in rule.assisting])
        audit_record(actor=None, action="routing_rule.create", obj=made)
        created["routing_rules"] += 1
    policies: list[tuple[Category | None, str, int, int, int, int]] = [
        (None, *row) for row in DEFAULT_POLICIES
    ]
    for code, urgency, signoff, contact, resolve, cap in CATEGORY_POLICIES:
        policies.append((categories[code], urgency, signoff, contact, resolve, cap))
    for category, urgency, signoff, contact, resolve, cap in policies:
        if DeadlinePolicy.objects.filter(category=category, urgency=urgency).exists():
            continue
        policy = DeadlinePolicy.objects.create(
            category=category,
            urgency=urgency,
            signoff_days=signoff,
            contact_hours=contact,
            resolve_days=resolve,
            extension_cap_days=cap,
        )
        audit_record(actor=None, action="deadline_policy.create", obj=policy)
        created["deadline_policies"] += 1
    return created


# --- The cases ------------------------------------------------------------------------
def last_working_day(today: dt.date) -> dt.date:
    """Return the last working day before ``today``."""
    day = today - dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _working_days_back(day: dt.date, n: int) -> dt.date:
    while n:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


class _Teller:
    """Tell one demo case's story through the services."""

    def __init__(self, base: dt.date, users: dict[str, User]) -> None:
        self.base = base
        self.users = users
        self.tokens: dict[str, str] = {}
        self.cases: dict[str, Case] = {}

    def at(self, back: int, time: str) -> dt.datetime | None:
        if not time:
            return None  # steps whose services take no time run now
        hour, minute = map(int, time.split(":"))
        day = _working_days_back(self.base, back)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)

    def handler(self, case: Case) -> User:
        names = {v: k for k, v in ORGANISATION_NAMES.items()}
        assert case.lead_unit is not None  # noqa: S101  (stories dispatch first)
        return self.users[UNIT_ACCOUNTS[names[case.lead_unit.name]]]

    def place(self, where: str) -> dict[str, Any]:
        kind, _sep, code = where.partition(":")
        if kind == "street":
            street = Street.objects.get(code=code)
            lat, lng = line_midpoint(street.geometry)
            return {"street": street, "lat": lat, "lng": lng}
        if kind == "estate":
            lat, lng = box_centre(Estate.objects.get(code=code))
            return {"lat": lat, "lng": lng}
        return {"community": Community.objects.get(code=code)}

    def reporter(self, spec: DemoCase, index: int) -> dict[str, Any]:
        phone = f"1390757{index:04d}"
        if spec.reporter == "resident":
            return {"reporter": self.users["resident"]}
        if spec.reporter == "phone":
            return {"reporter_name": "何小姐", "reporter_phone": phone}
        if spec.reporter == "hotline":
            return {
                "reporter_name": "梁先生",
                "reporter_phone": phone,
                "channel": "hotline",
                "entered_by": self.users["pingdong.staff"],
            }
        return {"is_anonymous": True}

    def tell(self, spec: DemoCase, index: int) -> Case:
        (action, back, time, _arg), *rest = spec.steps
        assert action == "report"  # noqa: S101  (every story starts with one)
        extra = self.reporter(spec, index)
        if spec.urgency:
            extra["urgency"] = spec.urgency
        reported = services.case_report(
            category=Category.objects.get(code=spec.category),
            description=spec.description,
            attributes=spec.attributes,
            external_id=spec.key,
            now=self.at(back, time),
            **self.place(spec.where),
            **extra,
        )
        case = reported.case
        self.tokens[spec.key] = reported.token
        for step in rest:
            self.step(case, spec, *step)
            case = Case.objects.get(pk=case.pk)
        self.cases[spec.key] = case
        return case

    def step(
        self, case: Case, spec: DemoCase, action: str, back: int, time: str, arg: str
    ) -> None:
        now = self.at(back, time)
        staff = self.users["pingdong.staff"]
        s = services
        if action == "accept":
            s.case_accept(case=case, actor=staff, now=now)
        elif action == "reject":
            s.case_reject(case=case, actor=staff, reason=arg, now=now)
        elif action == "merge":
            s.case_merge(case=case, into=self.cases[arg], actor=staff, now=now)
        elif action == "cancel":
            s.case_cancel(case=case, actor=self.users["admin"], reason=arg, now=now)
        elif action == "dispatch":
            route = route_for(case)
            assert route.lead is not None  # noqa: S101  (the demo has a default)
            s.case_dispatch(
                case=case,
                actor=staff,
                lead=route.lead,
                assisting=route.assisting,
                now=now,
            )
        elif action == "ack":
            s.case_acknowledge(case=case, actor=self.handler(case), now=now)
        elif action == "contact":
            s.case_record_contact(
                case=case, actor=self.handler(case), note=arg, now=now
            )
        elif action == "start":
            s.case_start(case=case, actor=self.handler(case), now=now)
        elif action == "reply":
            s.case_reply(case=case, actor=self.handler(case), note=arg, now=now)
        elif action == "verify":
            s.case_verify(case=case, actor=staff, ok=True, note=arg, now=now)
        elif action == "rate":
            solved, satisfaction = arg.split("/")
            s.case_rate(
                case=case,
                actor=case.reporter,
                token=self.tokens[spec.key],
                solved=solved,
                satisfaction=satisfaction,
                now=now,
            )
        elif action == "autoclose":
            s.case_auto_close(case=case, now=now)
        elif action == "reopen":
            s.case_reopen(case=case, actor=staff, note=arg, now=now)
        elif action == "self_resolve":
            street = case.street.code if case.street else ""
            chief = self.users[f"chief.jb{street[-1]}"]
            s.case_self_resolve(case=case, actor=chief, note=arg, now=now)
        elif action == "return":
            s.case_request_return(
                case=case, actor=self.handler(case), reason=arg, now=now
            )
        elif action == "escalate":
            s.case_escalate(case=case, actor=staff, note=arg, now=now)
        elif action == "supervise":
            s.case_supervise(
                case=case, actor=self.users["pingdong.secretary"], note=arg, now=now
            )
        elif action == "extend":
            s.case_extension_request(
                case=case, actor=self.handler(case), days=5, reason=arg
            )
        elif action == "support":
            s.case_support(case=case, user=self.users["volunteer"])
        else:
            raise ValueError(f"Unknown demo step {action!r} in {spec.key}.")


@transaction.atomic
def pingdong_cases_load(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Load the demo's case setup and its 30 cases (missing ones only).

    Return counts: ``categories``, ``routing_rules``, ``deadline_policies`` and
    ``cases`` added by this run, and ``total_cases`` of the demo present. The
    timers then run once over the demo cases, as the worker would.
    """
    now = now or timezone.now()
    created = case_setup_load()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    }
    teller = _Teller(last_working_day(timezone.localdate(now)), users)
    existing = {
        c.external_id: c
        for c in Case.objects.filter(
            community__code=COMMUNITY_CODE,
            external_id__in=[spec.key for spec in DEMO_CASES],
        )
    }
    for index, spec in enumerate(DEMO_CASES, start=1):
        if spec.key in existing:
            teller.cases[spec.key] = existing[spec.key]
            continue
        case = teller.tell(spec, index)
        for limit in LIMITS:
            services.case_send_reminder(case=case, limit=limit, now=now)
        services.case_mark_overdue(case=case, now=now)
        created["cases"] += 1
    return {
        "categories": created["categories"],
        "routing_rules": created["routing_rules"],
        "deadline_policies": created["deadline_policies"],
        "cases": created["cases"],
        "total_cases": Case.objects.filter(
            community__code=COMMUNITY_CODE,
            external_id__in=[spec.key for spec in DEMO_CASES],
        ).count(),
    }
