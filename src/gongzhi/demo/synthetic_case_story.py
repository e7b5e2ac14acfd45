"""The life of one synthetic case, simulated without the database.

:func:`tell` draws a case's story (intake, dispatch, sign-off, contact, reply,
verification, rating or auto-close, and now and then a return, an escalation,
rework or a reopening) and stops at ``end``: what has not happened by then has
not happened, so recent cases are still open in every state. It returns the
case's final fields, the statistics its events add (with the same rules as the
services: see docs/cases.md) and, for a case still open, its timeline.
``synthetic_cases`` writes the results in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from gongzhi.cases.choices import HANDLING_STATES, OPEN_STATES, Status
from gongzhi.cases.deadlines import Limits
from gongzhi.cases.services.timers import WorkingDayTable, reminder_at

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass
class Place:
    street_id: int | None
    cooperative_id: int | None
    estate_id: int | None
    name: str
    lat: float
    lng: float
    property_company_id: int | None = None


@dataclass
class Community:
    """What the simulation needs to know of a synthetic community."""

    id: int
    code: str
    streets: list[Place]
    estates: list[Place]
    urban_id: int
    water_id: int
    associations: list[int]
    socials: list[int]
    staff: str


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    default_urgency: str
    weight: int


@dataclass
class Story:
    fields: dict[str, Any]
    # (aware time, lead unit id or None, counters, index of its event): a bump.
    bumps: list[tuple[dt.datetime, int | None, dict[str, int], int]] = field(
        default_factory=list
    )
    # (time, action, from, to, actor label, note, data) while the case is open.
    events: list[tuple[dt.datetime, str, str, str, str, str, dict[str, Any]]] = field(
        default_factory=list
    )

    @property
    def is_open(self) -> bool:
        return self.fields["status"] in OPEN_STATES


# fmt: off
_TEXTS = {
    "sanitation": ("{p}垃圾堆放多日无人清理", "{p}路面油污严重，走路打滑",
                   "{p}公厕卫生差，异味大", "{p}垃圾桶满溢，苍蝇多"),
    "illegal-parking": ("{p}车辆长期占用人行道", "{p}消防通道被私家车堵塞",
                        "{p}货车夜间违停影响通行"),
    "ebike-charging": ("{p}有人在楼道给电动车充电", "{p}民宅私拉电线充电",
                       "{p}电动车停放在楼梯间充电"),
    "garbage-sorting": ("{p}分类垃圾桶混投严重", "{p}投放点缺少分类标识",
                        "{p}可回收物清运不及时"),
    "green-trees": ("{p}树木倾斜有倒伏风险", "{p}绿化带杂草丛生",
                    "{p}树枝过低刮到行人"),
    "drainage-flooding": ("{p}下雨后路面积水严重", "{p}下水道堵塞污水外溢",
                          "{p}井盖破损有安全隐患"),
    "elder-care": ("{p}独居长者需要上门探访", "{p}长者希望有人帮忙买菜",
                   "{p}长者行动不便需助医"),
    "neighbour-dispute": ("{p}邻居装修噪音扰民", "{p}楼上漏水协商无果",
                          "{p}邻居在公共通道堆放杂物"),
    "jade-market": ("{p}商户占道摆卖", "{p}商铺夜间噪音扰民", "{p}游客停车难"),
    "enquiry-suggestion": ("咨询{p}附近长者饭堂开放时间", "建议在{p}增设休息座椅",
                           "咨询居住证办理流程"),
}
_ATTRIBUTES = {
    "illegal-parking": lambda r: {"vehicle": r.choice(("car", "truck", "ebike"))},
    "ebike-charging": lambda r: {
        "location_type": r.choice(("corridor", "indoors", "flying_wire", "other")),
        "bikes": r.randint(1, 6)},
    "garbage-sorting": lambda r: {
        "bin": r.choice(("kitchen", "recyclable", "hazardous", "other"))},
    "green-trees": lambda r: {
        "species": r.choice(("细叶榕", "木棉", "紫荆", "芒果树")),
        "danger": r.choice(("yes", "no"))},
    "drainage-flooding": lambda r: {"depth_cm": r.randint(3, 60)},
    "elder-care": lambda r: {"needs": r.sample(("visit", "meals", "medical",
                                                "errands"), r.randint(1, 2))},
}
_RATINGS = {  # solved -> weights of satisfied, basically, unsatisfied
    "yes": (85, 13, 2), "partly": (20, 60, 20), "no": (2, 18, 80),
}
# fmt: on
_SATISFACTION = ("satisfied", "basically", "unsatisfied")
_CHANNEL_NAMES = ("web", "hotline", "patrol", "open311")
_CHANNEL_WEIGHTS = (45, 30, 20, 5)
_URGENCY = {"general": 75, "urgent": 15, "complex": 10}


class Teller:
    """Tell synthetic cases of one community on a shared calendar and policies."""

    def __init__(
        self,
        *,
        calendar: WorkingDayTable,
        limits: dict[tuple[int, str], Limits],
        categories: list[CategoryInfo],
        end: dt.datetime,
    ) -> None:
        self.calendar = calendar
        self.limits = limits
        self.categories = categories
        self.weights = [c.weight for c in categories]
        self.end = end

    # --- the parts of a report -----------------------------------------------------
    def lead(self, rng: random.Random, c: Community, cat: str, place: Place) -> int:
        if place.property_company_id and cat in (
            "sanitation",
            "ebike-charging",
            "garbage-sorting",
            "neighbour-dispute",
        ):
            return place.property_company_id
        if cat == "drainage-flooding":
            return c.water_id
        if cat == "jade-market" and c.associations:
            return rng.choice(c.associations)
        if cat == "elder-care" and c.socials:
            return rng.choice(c.socials)
        return c.urban_id

    def tell(
        self, rng: random.Random, c: Community, number: str, reported: dt.datetime
    ) -> Story:
        cat = rng.choices(self.categories, self.weights)[0]
        urgency = (
            cat.default_urgency
            if rng.random() < 0.6
            else rng.choices(list(_URGENCY), list(_URGENCY.values()))[0]
        )
        channel = rng.choices(_CHANNEL_NAMES, _CHANNEL_WEIGHTS)[0]
        in_estate = c.estates and rng.random() < 0.25
        place = rng.choice(c.estates if in_estate else c.streets)
        contactable = rng.random() < 0.8
        fields: dict[str, Any] = {
            "number": number,
            "category_id": cat.id,
            "description": rng.choice(_TEXTS[cat.code]).format(p=place.name),
            "attributes": _ATTRIBUTES.get(cat.code, lambda r: {})(rng),
            "urgency": urgency,
            "channel": channel,
            "lat": round(place.lat + rng.uniform(-0.0004, 0.0004), 6),
            "lng": round(place.lng + rng.uniform(-0.0004, 0.0004), 6),
            "community_id": c.id,
            "cooperative_id": place.cooperative_id,
            "estate_id": place.estate_id,
            "street_id": place.street_id,
            "reporter_phone": (
                "13" + "".join(rng.choices("0123456789", k=9)) if contactable else ""
            ),
            "is_anonymous": rng.random() < 0.15,
            "reported_at": reported,
            "status": Status.REPORTED,
        }
        story = Story(fields)
        _Life(self, rng, c, cat, place, story, contactable).run()
        return story


class _Stop(Exception):
    """The next step would happen after the end of the simulation."""


class _Life:
    """The steps of one case, in order, until it finishes or time runs out."""

    def __init__(
        self,
        teller: Teller,
        rng: random.Random,
        community: Community,
        cat: CategoryInfo,
        place: Place,
        story: Story,
        contactable: bool,
    ) -> None:
        self.t = teller
        self.r = rng
        self.c = community
        self.cat = cat
        self.place = place
        self.s = story
        self.f = story.fields
        self.contactable = contactable
        self.now = self.f["reported_at"]
        self.first_clock = True
        self.transitions = 0

    # --- bookkeeping ---------------------------------------------------------------
    def hours(self, low: float, high: float) -> dt.timedelta:
        return self.r.uniform(low, high) * HOUR

    def at(self, when: dt.datetime) -> dt.datetime:
        if when > self.t.end:
            raise _Stop
        self.now = max(when, self.now + dt.timedelta(minutes=1))
        return self.now

    def go(self, when: dt.datetime, action: str, to: str, **data: Any) -> dt.datetime:
        at = self.at(when)
        before = self.f["status"]
        self.f["status"] = to
        self.transitions += 1
        self.s.events.append((at, action, before, to, self.actor(action), "", data))
        return at

    def actor(self, action: str) -> str:
        if action in ("acknowledge", "reply", "start", "request_return"):
            return f"unit:{self.f.get('lead_unit_id')}"
        return self.c.staff

    def bump(self, at: dt.datetime, **counters: int) -> None:
        counters = {k: v for k, v in counters.items() if v}
        if counters:
            event = len(self.s.events) - 1
            self.s.bumps.append((at, self.f.get("lead_unit_id"), counters, event))

    def dispatch(self, when: dt.datetime, lead: int) -> None:
        first = self.f.get("dispatched_at") is None
        at = self.go(when, "dispatch", Status.DISPATCHED, lead=lead, assisting=[])
        self.f["lead_unit_id"] = lead
        limits = self.t.limits[(self.cat.id, self.f["urgency"])]
        cal = self.t.calendar
        units = self.f.setdefault("_units", set())
        units.add(lead)
        self.f.update(
            dispatched_at=self.f.get("dispatched_at") or at,
            clock_started_at=at,
            signoff_due_at=cal.add(at, limits.signoff_days),
            contact_due_at=at + limits.contact_hours * HOUR,
            resolve_due_at=cal.add(at, limits.resolve_days),
            _resolve_days=limits.resolve_days,
            acknowledged_at=None,
            unit_count=len(units),
        )
        self.first_clock = first
        if first:
            self.bump(at, dispatched=1)

    # --- the story -----------------------------------------------------------------
    def run(self) -> None:
        try:
            self.intake()
        except _Stop:
            pass
        self.finish()

    def intake(self) -> None:
        r = self.r
        if self.f["channel"] == "patrol" and r.random() < 0.5:
            at = self.go(self.now + self.hours(0.1, 1), "self_resolve", "self_resolved")
            self.bump(at, self_resolved=1)
            self.f["replied_at"] = at
            self.go(at, "submit_for_verification", Status.VERIFYING)
            self.verify_and_rate()
            return
        roll = r.random()
        if roll < 0.04:
            at = self.go(self.now + self.hours(1, 8), "reject", Status.REJECTED)
            self.f["closed_at"] = at
            return
        at = self.go(self.now + self.hours(0.2, 8), "accept", Status.ACCEPTED)
        self.f["accepted_at"] = at
        self.bump(at, accepted=1)
        if roll < 0.05:
            self.cancel(self.now + self.hours(1, 24))
            return
        lead = self.t.lead(r, self.c, self.cat.code, self.place)
        self.dispatch(self.now + self.hours(0.1, 4), lead)
        if r.random() < 0.03:
            self.go(self.now + self.hours(1, 6), "request_return", "return_requested")
            self.go(self.now + self.hours(1, 5), "approve_return", Status.ACCEPTED)
            self.f["lead_unit_id"] = None
            other = self.c.water_id if lead != self.c.water_id else self.c.urban_id
            self.dispatch(self.now + self.hours(0.5, 3), other)
        self.handle()

    def cancel(self, when: dt.datetime) -> None:
        at = self.go(when, "cancel", Status.CANCELLED)
        self.f["closed_at"] = at
        self.s.bumps.clear()  # a cancelled case leaves the statistics

    def handle(self) -> None:
        r, f = self.r, self.f
        signoff_due = f["signoff_due_at"]
        if r.random() < 0.9:
            ack = f["clock_started_at"] + self.hours(0.3, 20)
        else:
            ack = signoff_due + self.hours(1, 48)
        at = self.go(ack, "acknowledge", Status.ACKNOWLEDGED)
        f["acknowledged_at"] = at
        on_time = self.first_clock and at <= signoff_due
        if on_time:
            self.bump_on_dispatch_day(signed_on_time=1)
        if self.contactable:
            contact = f["clock_started_at"] + self.hours(0.5, 30)
            f["contacted_at"] = self.at(max(contact, at))
            contacted = f["contacted_at"] <= f["contact_due_at"]
        else:
            contacted = True
        if on_time and contacted:
            self.bump_on_dispatch_day(responded_on_time=1)
        if r.random() < 0.02:
            self.go(self.now + self.hours(2, 48), "escalate", Status.ESCALATED)
            self.bump(self.now, escalated=1)
            lead = f["lead_unit_id"]
            other = self.c.urban_id if lead != self.c.urban_id else self.c.water_id
            self.dispatch(self.now + self.hours(1, 8), other)
            at = self.go(self.now + self.hours(0.5, 10), "acknowledge", "acknowledged")
            f["acknowledged_at"] = at
        self.work()

    def bump_on_dispatch_day(self, **counters: int) -> None:
        # Sign-off and response count on the day of the first dispatch.
        event = len(self.s.events) - 1
        lead = self.f["lead_unit_id"]
        self.s.bumps.append((self.f["dispatched_at"], lead, counters, event))

    def work(self) -> None:
        r, f = self.r, self.f
        if r.random() < 0.7:
            self.go(self.now + self.hours(0.5, 24), "start", Status.IN_PROGRESS)
        start, due = f["clock_started_at"], f["resolve_due_at"]
        if r.random() < 0.85:
            reply = start + (due - start) * r.uniform(0.2, 0.95)
        else:
            reply = due + self.hours(2, 120)
        at = self.go(reply, "reply", Status.REPLIED)
        f["replied_at"] = at
        self.go(at, "submit_for_verification", Status.VERIFYING)
        self.verify_and_rate()

    def verify_and_rate(self) -> None:
        r, f = self.r, self.f
        if f.get("lead_unit_id") and r.random() < 0.03:
            self.go(self.now + self.hours(1, 30), "rework", Status.IN_PROGRESS)
            at = self.go(self.now + self.hours(24, 72), "reply", Status.REPLIED)
            f["replied_at"] = at
            self.go(at, "submit_for_verification", Status.VERIFYING)
        feedback = self.go(self.now + self.hours(1, 30), "confirm", Status.FEEDBACK)
        due = f.get("resolve_due_at")
        on_time = int(due is None or f["replied_at"] <= due)
        if r.random() < 0.25:
            at = self.go(feedback + 7 * DAY, "close", Status.CLOSED)
            f["closed_at"] = at
            self.bump(at, closed=1, closed_on_time=on_time)
            return
        solved = r.choices(("yes", "partly", "no"), (78, 14, 8))[0]
        satisfaction = r.choices(_SATISFACTION, _RATINGS[solved])[0]
        if f.get("reopen_count"):
            solved, satisfaction = "yes", "satisfied"
        at = self.go(
            self.now + self.hours(1, 144),
            "close",
            Status.CLOSED,
            solved=solved,
            satisfaction=satisfaction,
        )
        f["closed_at"] = at
        self.bump(
            at,
            rated=1,
            closed=1,
            closed_on_time=on_time,
            solved=int(solved == "yes"),
            partly_solved=int(solved == "partly"),
            satisfied=int(satisfaction == "satisfied"),
            basically_satisfied=int(satisfaction == "basically"),
        )
        poor = solved == "no" or satisfaction == "unsatisfied"
        f["reopen_requested"] = poor
        if poor and f.get("lead_unit_id") and r.random() < 0.4:
            at = self.go(self.now + self.hours(4, 72), "reopen", Status.REOPENED)
            f.update(
                reopen_count=f.get("reopen_count", 0) + 1,
                reopen_requested=False,
                closed_at=None,
                replied_at=None,
            )
            self.bump(at, reopened=1)
            self.dispatch(self.now + self.hours(1, 6), f["lead_unit_id"])
            at = self.go(self.now + self.hours(0.5, 8), "acknowledge", "acknowledged")
            f["acknowledged_at"] = at
            self.work()

    # --- the case as it stands at the end ------------------------------------------
    def finish(self) -> None:
        f, end = self.f, self.t.end
        f["version"] = 1 + self.transitions
        f["unit_count"] = len(f.pop("_units", ()))
        resolve_days = f.pop("_resolve_days", 0)
        status = f["status"]
        due = f.get("resolve_due_at")
        if status in HANDLING_STATES and due is not None:
            start = f["clock_started_at"]
            if due < end:
                f.update(
                    is_overdue=True,
                    under_supervision=True,
                    supervision_reason="overdue",
                )
            # Reminded at two thirds (docs/cases.md), as the timer would have.
            reminder = reminder_at(start, resolve_days, self.t.calendar)
            if reminder <= end:
                f["reminded_at"] = reminder
        if not self.s.is_open:
            self.s.events.clear()
