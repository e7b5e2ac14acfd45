"""Reads of cases, with visibility applied for the acting user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Case, CaseEvent
from .permissions import can_view_case
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
