"""Synthetic cases for the synthetic communities: a year of them, in bulk.

``cases_load({i: n, …})`` gives synthetic community ``i`` (``SYN-C…``) ``n``
cases reported over the year before ``end``, each simulated by
``synthetic_case_story`` through the lifecycle up to ``end``. Rows go in with
``bulk_create``, a few thousand at a time; the daily statistics
(:class:`~gongzhi.cases.models.CaseStat`) are computed in memory with the same
rules as the services and written once, added to any rows that exist. Cases
still open get their timeline and handling assignment; finished ones carry no
timeline (the benchmarks and lists need the cases, not a million histories).

Content is deterministic for a seed and ``end``: community ``i`` draws from its
own random stream. A community that already has cases is left as it is.
Numbers are ``SYN{i:05d}-{k:06d}``, unique by construction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from gongzhi.cases.choices import HandlingRole, Urgency
from gongzhi.cases.deadlines import Limits, limits_for
from gongzhi.cases.models import Case, CaseEvent, CaseStat, HandlingAssignment
from gongzhi.cases.models import StatScope as S
from gongzhi.cases.services.timers import WorkingDayTable
from gongzhi.core.audit import audit_record
from gongzhi.core.calendar import TZ
from gongzhi.orgs.choices import OrganisationKind
from gongzhi.orgs.models import Organisation
from gongzhi.places.models import Community as CommunityModel
from gongzhi.places.models import Estate, Street

from .bulk import fast_insert
from .geometry import box_centre, line_midpoint
from .pingdong_cases import categories_load
from .synthetic_case_story import (
    CategoryInfo,
    Community,
    Place,
    Story,
    Teller,
)
from .synthetic_generator import community_code

__all__ = ["CASES_PER_COMMUNITY", "cases_load"]

# A year's cases of a community of about 10,000 people.
CASES_PER_COMMUNITY = 1000
_BATCH = 2000
# How often each category is reported (out of 100).
_CATEGORY_WEIGHTS = {
    "sanitation": 22,
    "illegal-parking": 16,
    "enquiry-suggestion": 12,
    "garbage-sorting": 10,
    "ebike-charging": 8,
    "drainage-flooding": 8,
    "neighbour-dispute": 8,
    "green-trees": 7,
    "elder-care": 6,
    "jade-market": 3,
}
# Reports by hour of the day (busiest mid-morning and mid-afternoon).
_HOURS = (0, 0, 0, 0, 0, 1, 2, 5, 9, 10, 10, 8, 5, 6, 8, 9, 8, 7, 6, 5, 4, 3, 2, 1)

Key = tuple[dt.date, str, int]


def _community(i: int, community: CommunityModel) -> Community | None:
    streets = []
    for s in Street.objects.filter(community=community).order_by("code"):
        lat, lng = line_midpoint(s.geometry)
        streets.append(Place(s.pk, s.cooperative_id, None, s.name, lat, lng))
    managers = dict(
        Organisation.estates.through.objects.filter(
            estate__community=community
        ).values_list("estate_id", "organisation_id")
    )
    estates = []
    for e in Estate.objects.filter(community=community).order_by("code"):
        lat, lng = box_centre(e)
        estates.append(
            Place(None, e.cooperative_id, e.pk, e.name, lat, lng, managers.get(e.pk))
        )
    departments = dict(
        Organisation.objects.filter(
            subdistrict_id=community.subdistrict_id,
            community__isnull=True,
            kind=OrganisationKind.GOVERNMENT,
        ).values_list("name", "pk")
    )
    urban = next(
        (pk for n, pk in departments.items() if n.endswith("市政管理办公室")), None
    )
    water = next(
        (pk for n, pk in departments.items() if n.endswith("水务管理所")), None
    )
    if not streets or urban is None or water is None:
        return None
    kinds: dict[str, list[int]] = defaultdict(list)
    for pk, kind in (
        Organisation.objects.filter(community=community)
        .order_by("pk")
        .values_list("pk", "kind")
    ):
        kinds[kind].append(pk)
    return Community(
        id=community.pk,
        code=community.code,
        streets=streets,
        estates=estates,
        urban_id=urban,
        water_id=water,
        associations=kinds[OrganisationKind.ASSOCIATION],
        socials=kinds[OrganisationKind.SOCIAL],
        staff=f"syn{i:05d}.staff",
    )


def _scopes(fields: dict[str, Any], lead: int | None) -> list[tuple[str, int]]:
    scopes: list[tuple[str, int]] = [
        (S.ALL, 0),
        (S.COMMUNITY, fields["community_id"]),
        (S.CATEGORY, fields["category_id"]),
    ]
    if fields["cooperative_id"]:
        scopes.append((S.COOPERATIVE, fields["cooperative_id"]))
    if fields["street_id"]:
        scopes.append((S.STREET, fields["street_id"]))
    if lead:
        scopes.append((S.ORGANISATION, lead))
    return scopes


_INDEX = {name: i for i, name in enumerate(CaseStat.COUNTERS)}
_LOCAL = frozenset({S.COMMUNITY, S.COOPERATIVE, S.STREET})


class _Writer:
    def __init__(self) -> None:
        self.local: dict[Key, list[int]] = {}
        self.shared: dict[Key, list[int]] = {}
        self.counts: dict[str, int] = defaultdict(int)
        self.pending: list[tuple[dict[str, Any], Story]] = []

    def add_stats(self, story: Story) -> list[list[dict[str, Any]]]:
        """Add the story's bumps; return the stats entries of each event."""
        entries: list[list[dict[str, Any]]] = [[] for _ in story.events]
        base = _scopes(story.fields, None)
        for at, lead, counters, event in story.bumps:
            day = at.astimezone(TZ).date()
            scopes = [*base, (S.ORGANISATION, lead)] if lead else base
            for scope, scope_id in scopes:
                rows = self.local if scope in _LOCAL else self.shared
                row = rows.get((day, scope, scope_id))
                if row is None:
                    row = rows[(day, scope, scope_id)] = [0] * len(_INDEX)
                for name, value in counters.items():
                    row[_INDEX[name]] += value
            if story.events and event >= 0:
                entries[event].append(
                    {
                        "day": day.isoformat(),
                        "scopes": [list(s) for s in scopes],
                        "counters": counters,
                    }
                )
        return entries

    def add(self, fields: dict[str, Any], story: Story) -> None:
        self.pending.append((fields, story))
        if len(self.pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the pending cases: open ones with their timelines."""
        if not self.pending:
            return
        finished = [(f, s) for f, s in self.pending if not s.is_open]
        still_open = [(Case(**f), s) for f, s in self.pending if s.is_open]
        for _fields, story in finished:
            self.add_stats(story)
        fast_insert(Case, (fields for fields, _story in finished))
        Case.objects.bulk_create([case for case, _s in still_open])
        events, assignments = [], []
        for case, story in still_open:
            entries = self.add_stats(story)
            for (at, action, before, after, actor, note, data), stats in zip(
                story.events, entries, strict=True
            ):
                if stats:
                    data = {**data, "stats": stats}
                events.append(
                    CaseEvent(
                        case_id=case.pk,
                        at=at,
                        actor_label=actor,
                        action=action,
                        from_status=before,
                        to_status=after,
                        note=note,
                        is_public=True,
                        data=data,
                    )
                )
            if case.lead_unit_id:
                assignments.append(
                    HandlingAssignment(
                        case_id=case.pk,
                        organisation_id=case.lead_unit_id,
                        role=HandlingRole.LEAD,
                        dispatched_at=case.clock_started_at or case.reported_at,
                        acknowledged_at=case.acknowledged_at,
                    )
                )
        CaseEvent.objects.bulk_create(events, batch_size=_BATCH)
        HandlingAssignment.objects.bulk_create(assignments, batch_size=_BATCH)
        self.counts["cases"] += len(self.pending)
        self.counts["open"] += len(still_open)
        self.counts["events"] += len(events)
        self.pending.clear()

    def flush_local(self) -> None:
        """Write the community's own rows (new: the community had no cases)."""
        self.flush()
        _create(self.local)
        self.counts["stat_rows"] += len(self.local)
        self.local.clear()

    def flush_shared(self) -> None:
        """Add the rows of scopes shared with other data to what exists."""
        self.flush()
        by_scope: dict[str, set[int]] = defaultdict(set)
        for _day, scope, scope_id in self.shared:
            by_scope[scope].add(scope_id)
        days = [day for day, _s, _i in self.shared]
        updates: list[list[int]] = []
        for scope, ids in by_scope.items():
            for chunk in _chunks(sorted(ids), 500):
                for pk, day, scope_id in CaseStat.objects.filter(
                    scope=scope,
                    scope_id__in=chunk,
                    day__gte=min(days),
                    day__lte=max(days),
                ).values_list("pk", "day", "scope_id"):
                    delta = self.shared.pop((day, scope, scope_id), None)
                    if delta is not None:
                        updates.append([*delta, pk])
        _increment(updates)
        _create(self.shared)
        self.counts["stat_rows"] += len(self.shared) + len(updates)
        self.shared.clear()


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _increment(updates: list[list[int]]) -> None:
    """Add each row's counters (the list's last item is the row's key)."""
    if not updates:
        return
    quote = connection.ops.quote_name
    table = quote(CaseStat._meta.db_table)
    columns = ", ".join(f"{quote(n)} = {quote(n)} + %s" for n in CaseStat.COUNTERS)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {columns} WHERE {quote('id')} = %s",  # noqa: S608
            updates,
        )


def _create(rows: dict[Key, list[int]]) -> None:
    fast_insert(
        CaseStat,
        (
            {
                "day": day,
                "scope": scope,
                "scope_id": scope_id,
                **dict(zip(CaseStat.COUNTERS, values, strict=True)),
            }
            for (day, scope, scope_id), values in rows.items()
        ),
    )


def _teller(end: dt.datetime) -> Teller:
    categories = categories_load()
    limits: dict[tuple[int, str], Limits] = {
        (c.pk, u): limits_for(c, u) for c in categories.values() for u in Urgency
    }
    first = timezone.localdate(end) - dt.timedelta(days=400)
    calendar = WorkingDayTable(first, timezone.localdate(end) + dt.timedelta(days=120))
    infos = [
        CategoryInfo(c.pk, code, c.default_urgency, _CATEGORY_WEIGHTS.get(code, 5))
        for code, c in categories.items()
    ]
    return Teller(calendar=calendar, limits=limits, categories=infos, end=end)


def _reported_times(rng: random.Random, n: int, end: dt.datetime) -> list[dt.datetime]:
    start = (end - dt.timedelta(days=365)).astimezone(TZ)
    first_day = start.date()
    times = []
    for _ in range(n):
        day = first_day + dt.timedelta(days=rng.randrange(366))
        hour = rng.choices(range(24), _HOURS)[0]
        moment = dt.datetime.combine(
            day, dt.time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=TZ
        )
        times.append(min(max(moment, start), end))
    return sorted(times)


def cases_load(
    counts: dict[int, int], *, seed: int = 1, end: dt.datetime | None = None
) -> dict[str, int]:
    """Give synthetic community ``i`` its ``counts[i]`` cases; return what was added.

    Communities that do not exist, or already have cases, are skipped. Run it
    inside a transaction (``loaddemo`` does).
    """
    end = end or timezone.now()
    teller = _teller(end)
    codes = {community_code(i): i for i in counts}
    communities = {
        codes[c.code]: c
        for c in CommunityModel.objects.filter(code__in=codes)
        .annotate(has_cases=Exists(Case.objects.filter(community=OuterRef("pk"))))
        .filter(has_cases=False)
    }
    writer = _Writer()
    for i in sorted(communities):
        if not counts[i]:
            continue
        context = _community(i, communities[i])
        if context is None:
            continue
        rng = random.Random(f"gongzhi-cases:{seed}:{i}")  # noqa: S311  (test data)
        for k, reported in enumerate(_reported_times(rng, counts[i], end), start=1):
            story = teller.tell(rng, context, f"SYN{i:05d}-{k:06d}", reported)
            token = rng.getrandbits(128).to_bytes(16, "big").hex()
            story.fields["token_hash"] = hashlib.sha256(token.encode()).hexdigest()
            writer.add(story.fields, story)
        writer.flush_local()
        writer.counts["communities"] += 1
    writer.flush_shared()
    result = {
        name: writer.counts[name]
        for name in ("communities", "cases", "open", "events", "stat_rows")
    }
    if result["cases"]:
        audit_record(
            actor=None,
            action="demo.load_cases",
            kind="system",
            changes={name: [0, value] for name, value in result.items()},
            note=f"seed={seed} end={end.isoformat()}",
        )
    return result
