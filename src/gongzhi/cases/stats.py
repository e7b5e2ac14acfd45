"""Incremental case statistics: the services bump daily counters as events happen.

Every bump returns an entry (day, scopes, counters) that the service keeps in the
data of the case event it belongs to (``data["stats"]``). When a case is later
cancelled or merged, :func:`stats_revert` subtracts those entries again, so the
rates exclude such cases as DESIGN §3 asks, however far the case had come.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Case, CaseStat, StatScope

Scope = tuple[str, int]


def case_scopes(case: Case) -> list[Scope]:
    """Return the statistics scopes ``case`` counts in, as it stands now."""
    scopes: list[Scope] = [
        (StatScope.ALL, 0),
        (StatScope.COMMUNITY, case.community_id),
        (StatScope.CATEGORY, case.category_id),
    ]
    if case.cooperative_id:
        scopes.append((StatScope.COOPERATIVE, case.cooperative_id))
    if case.street_id:
        scopes.append((StatScope.STREET, case.street_id))
    if case.lead_unit_id:
        scopes.append((StatScope.ORGANISATION, case.lead_unit_id))
    return scopes


def _add(day: dt.date, scopes: Iterable[Scope], counters: dict[str, int]) -> None:
    increments = {name: F(name) + value for name, value in counters.items()}
    for scope, scope_id in scopes:
        rows = CaseStat.objects.filter(day=day, scope=scope, scope_id=scope_id)
        if rows.update(**increments):
            continue
        try:
            with transaction.atomic():
                CaseStat.objects.create(
                    day=day, scope=scope, scope_id=scope_id, **counters
                )
        except IntegrityError:  # another transaction created the row first
            rows.update(**increments)


def stats_bump(
    case: Case, *, at: dt.datetime | None = None, **counters: int
) -> dict[str, Any]:
    """Add ``counters`` to the day's rows of every scope ``case`` belongs to.

    Return the entry to keep in the case event's ``data["stats"]``.
    """
    unknown = set(counters) - set(CaseStat.COUNTERS)
    if unknown:
        raise ValueError(f"Unknown case counters: {sorted(unknown)}")
    counters = {name: value for name, value in counters.items() if value}
    day = timezone.localdate(at or timezone.now())
    scopes = case_scopes(case)
    if counters:
        _add(day, scopes, counters)
    return {
        "day": day.isoformat(),
        "scopes": [[scope, scope_id] for scope, scope_id in scopes],
        "counters": counters,
    }


def stats_revert(case: Case) -> dict[str, int]:
    """Subtract every counter the case's events added; return the totals removed.

    Called when a case is cancelled or merged: such cases are excluded from
    every rate.
    """
    grouped: dict[tuple[str, str, int], dict[str, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    totals: dict[str, int] = defaultdict(int)
    for data in case.events.values_list("data", flat=True):
        for entry in (data or {}).get("stats", ()):
            for name, value in entry["counters"].items():
                totals[name] += value
                for scope, scope_id in entry["scopes"]:
                    grouped[(entry["day"], scope, scope_id)][name] += value
    for (day, scope, scope_id), counters in grouped.items():
        CaseStat.objects.filter(
            day=dt.date.fromisoformat(day), scope=scope, scope_id=scope_id
        ).update(**{name: F(name) - value for name, value in counters.items()})
    return dict(totals)
