"""Case metrics (DESIGN §3) for any period and scope, read from the daily roll-ups.

Every rate but one sums :class:`~gongzhi.cases.models.CaseStat` rows: at most one
row per day for the scope, found through the ``(scope, scope_id, day)`` unique
index, so a year's figures cost the same at a million cases as at a thousand.
The overdue rate is a point-in-time count of open cases, answered from the
indexes that lead with the scope's column and the status. The definitions, and
on which day each event counts, are in docs/cases.md.

Rejected, merged and cancelled cases are excluded: nothing is counted for a case
before it is accepted, and cancelling or merging a case subtracts what it had
added (:func:`gongzhi.cases.stats.stats_revert`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from .choices import HANDLING_STATES, OPEN_STATES
from .models import Case, CaseStat, StatScope

# The column of Case that each scope is, for the point-in-time counts.
SCOPE_FIELDS: dict[str, str | None] = {
    StatScope.ALL: None,
    StatScope.COMMUNITY: "community_id",
    StatScope.COOPERATIVE: "cooperative_id",
    StatScope.STREET: "street_id",
    StatScope.CATEGORY: "category_id",
    StatScope.ORGANISATION: "lead_unit_id",
}


@dataclass(frozen=True)
class Rate:
    """A rate with its parts: ``rate`` is None when nothing was counted."""

    numerator: float
    denominator: int

    @property
    def rate(self) -> float | None:
        if not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def percent(self) -> float | None:
        rate = self.rate
        return None if rate is None else round(100 * rate, 1)


@dataclass(frozen=True)
class CaseMetrics:
    """The case metrics of one scope and period (``start`` to ``end``, inclusive)."""

    scope: str
    scope_id: int
    start: dt.date
    end: dt.date
    counts: dict[str, int]
    response: Rate
    signoff: Rate
    resolution: Rate
    satisfaction: Rate
    on_time_closure: Rate
    reopen: Rate
    self_resolution: Rate
    escalation: Rate
    escalation_band: tuple[float, float]
    # Point in time (at ``as_of``), not the period: open cases past their limit.
    overdue: Rate | None
    as_of: dt.datetime | None
    composite: float | None
    weights: tuple[float, float, float] = field(default=(0.30, 0.35, 0.35))

    @property
    def escalation_in_band(self) -> bool | None:
        """Whether the escalation rate lies in its healthy band (None: no data)."""
        rate = self.escalation.rate
        if rate is None:
            return None
        low, high = self.escalation_band
        return low <= rate <= high


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _scope_key(scope: str, scope_id: int | None) -> tuple[str, int]:
    if scope not in SCOPE_FIELDS:
        raise ValueError(f"Unknown metrics scope {scope!r}.")
    if scope == StatScope.ALL:
        return scope, 0
    if not scope_id:
        raise ValueError(f"The {scope} scope needs the id of the {scope}.")
    return scope, int(scope_id)


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValueError("The period ends before it starts.")


def case_stat_totals(
    *, scope: str = StatScope.ALL, scope_id: int = 0, start: dt.date, end: dt.date
) -> dict[str, int]:
    """Return every counter summed over the period for the scope (one query)."""
    scope, scope_id = _scope_key(scope, scope_id)
    _check_period(start, end)
    sums = CaseStat.objects.filter(
        scope=scope, scope_id=scope_id, day__gte=start, day__lte=end
    ).aggregate(**{name: Sum(name) for name in CaseStat.COUNTERS})
    return {name: sums[name] or 0 for name in CaseStat.COUNTERS}


def _open_cases(scope: str, scope_id: int) -> Any:
    column = SCOPE_FIELDS[scope]
    cases = Case.objects.filter(status__in=OPEN_STATES)
    return cases.filter(**{column: scope_id}) if column else cases


def _open_counts(now: dt.datetime) -> dict[str, Count]:
    # Counted from the columns of case_status_due_idx only, so that PostgreSQL
    # can answer "everywhere" from the index alone.
    return {
        "open": Count("*"),
        "overdue": Count(
            "resolve_due_at",
            filter=Q(status__in=HANDLING_STATES, resolve_due_at__lt=now),
        ),
    }


def case_overdue_rate(
    *, scope: str = StatScope.ALL, scope_id: int = 0, now: dt.datetime | None = None
) -> Rate:
    """Return open cases past their resolution limit ÷ open cases, at ``now``.

    Past the limit means in a handling state with ``resolve_due_at`` passed, the
    same test the overdue timer applies (so it does not wait for the timer).
    """
    scope, scope_id = _scope_key(scope, scope_id)
    now = now or timezone.now()
    counts = _open_cases(scope, scope_id).aggregate(**_open_counts(now))
    return Rate(counts["overdue"], counts["open"])


def _rates(
    counts: dict[str, int],
    *,
    k: float,
    w: float,
) -> dict[str, Rate]:
    c = counts
    return {
        "response": Rate(c["responded_on_time"], c["dispatched"]),
        "signoff": Rate(c["signed_on_time"], c["dispatched"]),
        "resolution": Rate(c["solved"] + k * c["partly_solved"], c["rated"]),
        "satisfaction": Rate(c["satisfied"] + w * c["basically_satisfied"], c["rated"]),
        "on_time_closure": Rate(c["closed_on_time"], c["closed"]),
        "reopen": Rate(c["reopened"], c["closed"]),
        "self_resolution": Rate(c["self_resolved"], c["accepted"] + c["self_resolved"]),
        "escalation": Rate(c["escalated"], c["dispatched"]),
    }


def composite_score(
    response: Rate,
    resolution: Rate,
    satisfaction: Rate,
    weights: Sequence[float],
) -> float | None:
    """Return the weighted sum of the three rates (None unless all three exist)."""
    parts = [response.rate, resolution.rate, satisfaction.rate]
    total = 0.0
    for weight, part in zip(weights, parts, strict=True):
        if part is None:
            return None
        total += weight * part
    return total


def _options(
    k: float | None, w: float | None, weights: Sequence[float] | None
) -> tuple[float, float, tuple[float, float, float]]:
    k = _setting("CASE_PARTLY_SOLVED_WEIGHT", 0.0) if k is None else k
    w = _setting("CASE_BASICALLY_SATISFIED_WEIGHT", 1.0) if w is None else w
    chosen = tuple(
        _setting("CASE_SCORE_WEIGHTS", (0.30, 0.35, 0.35))
        if weights is None
        else weights
    )
    if len(chosen) != 3:
        raise ValueError("The composite score takes three weights.")
    return float(k), float(w), (float(chosen[0]), float(chosen[1]), float(chosen[2]))


def case_metrics(
    *,
    scope: str = StatScope.ALL,
    scope_id: int = 0,
    start: dt.date,
    end: dt.date,
    k: float | None = None,
    w: float | None = None,
    weights: Sequence[float] | None = None,
    with_overdue: bool = True,
    now: dt.datetime | None = None,
) -> CaseMetrics:
    """Return every case metric of the scope for the days ``start``..``end``.

    ``k`` (partly solved) and ``w`` (basically satisfied) and the composite
    ``weights`` default to the settings. ``with_overdue`` adds the point-in-time
    overdue rate at ``now``. Two queries in all.
    """
    k, w, chosen = _options(k, w, weights)
    scope, scope_id = _scope_key(scope, scope_id)
    counts = case_stat_totals(scope=scope, scope_id=scope_id, start=start, end=end)
    rates = _rates(counts, k=k, w=w)
    now = now or timezone.now()
    band = tuple(_setting("CASE_ESCALATION_BAND", (0.01, 0.10)))
    return CaseMetrics(
        scope=scope,
        scope_id=scope_id,
        start=start,
        end=end,
        counts=counts,
        escalation_band=(float(band[0]), float(band[1])),
        overdue=case_overdue_rate(scope=scope, scope_id=scope_id, now=now)
        if with_overdue
        else None,
        as_of=now if with_overdue else None,
        composite=composite_score(
            rates["response"], rates["resolution"], rates["satisfaction"], chosen
        ),
        weights=chosen,
        **rates,
    )


def case_metrics_by(
    *,
    scope: str,
    start: dt.date,
    end: dt.date,
    k: float | None = None,
    w: float | None = None,
    weights: Sequence[float] | None = None,
    with_overdue: bool = True,
    now: dt.datetime | None = None,
) -> dict[int, CaseMetrics]:
    """Return the metrics of every scope of a kind (every community, …) by id.

    For rankings and breakdowns: two grouped queries, whatever the number of
    scopes. Scopes with no counted event in the period and no open case are
    left out.
    """
    if scope not in SCOPE_FIELDS or scope == StatScope.ALL:
        raise ValueError(f"Cannot break metrics down by {scope!r}.")
    _check_period(start, end)
    k, w, chosen = _options(k, w, weights)
    now = now or timezone.now()
    rows = (
        CaseStat.objects.filter(scope=scope, day__gte=start, day__lte=end)
        .values("scope_id")
        .annotate(**{name: Sum(name) for name in CaseStat.COUNTERS})
    )
    totals = {
        row["scope_id"]: {name: row[name] or 0 for name in CaseStat.COUNTERS}
        for row in rows
    }
    overdue: dict[int, Rate] = {}
    if with_overdue:
        column = str(SCOPE_FIELDS[scope])
        for row in (
            Case.objects.filter(status__in=OPEN_STATES)
            .exclude(**{f"{column}__isnull": True})
            .values(column)
            .annotate(**_open_counts(now))
        ):
            overdue[row[column]] = Rate(row["overdue"], row["open"])
    band = tuple(_setting("CASE_ESCALATION_BAND", (0.01, 0.10)))
    result = {}
    for scope_id in sorted(set(totals) | set(overdue)):
        counts = totals.get(scope_id) or dict.fromkeys(CaseStat.COUNTERS, 0)
        rates = _rates(counts, k=k, w=w)
        result[scope_id] = CaseMetrics(
            scope=scope,
            scope_id=scope_id,
            start=start,
            end=end,
            counts=counts,
            escalation_band=(float(band[0]), float(band[1])),
            overdue=overdue.get(scope_id, Rate(0, 0)) if with_overdue else None,
            as_of=now if with_overdue else None,
            composite=composite_score(
                rates["response"], rates["resolution"], rates["satisfaction"], chosen
            ),
            weights=chosen,
            **rates,
        )
    return result
