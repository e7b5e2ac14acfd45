"""Reads of cases, with visibility applied for the acting user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from gongzhi.accounts.choices import Role
from gongzhi.accounts.permissions import active_assignments

from .models import Case, CaseEvent, HandlingAssignment
from .permissions import can_view_case, unit_ids
from .services.intake import case_check_token


def case_get(*, number: str, user: Any, token: str = "") -> Case:
    """Return the case numbered ``number`` if ``user`` (or ``token``) may see it."""
    if "\x00" in number:
        # No number holds a NUL, and PostgreSQL refuses one in a query (500).
        raise Http404
    case = get_object_or_404(
        Case.objects.select_related(
            "category",
            "community",
            "street",
            "cooperative",
            "estate",
            "lead_unit",
            "merged_into",
        ),
        number=number,
    )
    if not (can_view_case(user, case) or case_check_token(case, token)):
        raise PermissionDenied
    return case


def case_timeline(*, case: Case, public_only: bool) -> QuerySet[CaseEvent]:
    """Return the case's events, oldest first; only public ones if asked."""
    events = case.events.select_related("actor").prefetch_related("photos")
    return events.filter(is_public=True) if public_only else events


def case_list_visible(*, user: Any) -> QuerySet[Case]:
    """Return the cases ``user`` may see, as :func:`can_view_case` decides for one.

    Staff and leaders over the place, the units on the case (lead or assisting),
    the street's chief and the reporter.
    """
    from .selectors_work import console_scope

    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    seen = Q(reporter_id=user.pk)
    scope = console_scope(user)
    if scope is not None and not scope:
        return Case.objects.all()  # an empty Q is the admin's "everything"
    if scope is not None:
        seen |= scope
    units = unit_ids(user)
    if units:
        seen |= Q(lead_unit_id__in=units) | Q(
            Exists(
                HandlingAssignment.objects.filter(
                    case=OuterRef("pk"),
                    organisation_id__in=units,
                    ended_at__isnull=True,
                )
            )
        )
    streets = [
        a.street_id
        for a in active_assignments(user)
        if a.role == Role.STREET_CHIEF and a.street_id
    ]
    if streets:
        seen |= Q(street_id__in=streets)
    return Case.objects.filter(seen)
