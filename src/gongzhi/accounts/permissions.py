"""Permission predicates by role and scope, shared by views, services and the API.

A role assignment covers its own scope and everything inside it: a subdistrict
covers its communities, a community its cooperatives, estates and streets, a
cooperative its streets. ``admin`` covers the whole platform.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from gongzhi.places.models import (
    Community,
    EconomicCooperative,
    Estate,
    Grid,
    Street,
    Subdistrict,
)

from .choices import Role
from .models import RoleAssignment

_CACHE_ATTR = "_gongzhi_role_assignments"


def active_assignments(user: Any) -> list[RoleAssignment]:
    """Return the user's current role assignments (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        today = timezone.localdate()
        cached = [
            a
            for a in RoleAssignment.objects.filter(
                user=user, valid_from__lte=today
            ).select_related(
                "community", "street", "cooperative", "subdistrict", "organisation"
            )
            if a.valid_to is None or today <= a.valid_to
        ]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_assignments(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user: Any) -> set[str]:
    """Return the names of the roles the user currently holds."""
    held = {a.role for a in active_assignments(user)}
    if getattr(user, "is_superuser", False) and user.is_active:
        held.add(Role.ADMIN)
    return held


def has_role(user: Any, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def _chain(target: Any) -> set[tuple[str, int]]:
    """Return the (kind, id) pairs of ``target`` and every place that contains it."""
    chain: set[tuple[str, int]] = set()
    # Organisations live in a higher layer (orgs); recognised by label, not import.
    if (
        getattr(getattr(target, "_meta", None), "label_lower", "")
        == "orgs.organisation"
    ):
        chain.add(("organisation", target.pk))
        if target.community_id:
            chain |= _chain(target.community)
        else:
            chain.add(("subdistrict", target.subdistrict_id))
        return chain
    if isinstance(target, Street | Estate):
        chain.add(("street" if isinstance(target, Street) else "estate", target.pk))
        if target.cooperative_id:
            chain.add(("cooperative", target.cooperative_id))
        return chain | _chain(target.community)
    if isinstance(target, EconomicCooperative):
        return {("cooperative", target.pk)} | _chain(target.community)
    if isinstance(target, Grid):
        return {("grid", target.pk)} | _chain(target.community)
    if isinstance(target, Community):
        return {("community", target.pk), ("subdistrict", target.subdistrict_id)}
    if isinstance(target, Subdistrict):
        return {("subdistrict", target.pk)}
    raise TypeError(f"No scope chain for {type(target).__name__}")


def covers(assignment: RoleAssignment, target: Any) -> bool:
    """Return whether ``assignment``'s scope contains ``target``."""
    if assignment.role == Role.ADMIN:
        return True
    scope = assignment.scope
    if scope is None:
        return False
    return (assignment.scope_kind, scope.pk) in _chain(target)  # type: ignore[attr-defined]


def has_role_in(user: Any, target: Any, *wanted: str) -> bool:
    """Return whether the user holds one of ``wanted`` roles over ``target``."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(a.role in wanted and covers(a, target) for a in active_assignments(user))


def scopes_of(user: Any, *wanted: str) -> list[Any]:
    """Return the scope objects of the user's ``wanted`` roles."""
    return [a.scope for a in active_assignments(user) if a.role in wanted and a.scope]


def can_manage_community(user: Any, community: Community) -> bool:
    return has_role_in(user, community, Role.STAFF, Role.ADMIN)


def can_view_reports(user: Any, place: Any) -> bool:
    """Leaders and staff see reports (coverage, metrics) for places in their scope."""
    return has_role_in(user, place, Role.STAFF, Role.LEADER, Role.ADMIN)


def can_view_personal_data(user: Any, place: Any) -> bool:
    """Unmasked personal data: staff over the place, or the street's own chief."""
    if has_role_in(user, place, Role.STAFF, Role.ADMIN):
        return True
    return isinstance(place, Street) and has_role_in(user, place, Role.STREET_CHIEF)


def can_use_admin(user: Any) -> bool:
    return bool(user.is_active and user.is_staff)
