"""Incremental case statistics: the services bump daily counters as events happen."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Case, CaseStat, StatScope


def _scopes(case: Case) -> list[tuple[str, int]]:
    scopes: list[tuple[str, int]] = [
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


def stats_bump(case: Case, *, at: dt.datetime | None = None, **counters: int) -> None:
    """Add ``counters`` to the day's rows of every scope ``case`` belongs to."""
    if not counters:
        return
    unknown = set(counters) - set(CaseStat.COUNTERS)
    if unknown:
        raise ValueError(f"Unknown case counters: {sorted(unknown)}")
    day = timezone.localdate(at or timezone.now())
    increments = {name: F(name) + value for name, value in counters.items()}
    for scope, scope_id in _scopes(case):
        updated = CaseStat.objects.filter(
            day=day, scope=scope, scope_id=scope_id
        ).update(**increments)
        if updated:
            continue
        try:
            with transaction.atomic():
                CaseStat.objects.create(
                    day=day, scope=scope, scope_id=scope_id, **counters
                )
        except IntegrityError:  # another transaction created the row first
            CaseStat.objects.filter(day=day, scope=scope, scope_id=scope_id).update(
                **increments
            )
