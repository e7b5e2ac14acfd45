"""Reads for accounts: what each user's home page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.permissions import active_assignments, roles
from gongzhi.core.models import Notification
from gongzhi.orgs.selectors import Coverage, coverage_list
from gongzhi.places.models import Community, Street


@dataclass
class HomeSection:
    """One block of a user's home page, for one role they hold."""

    role: str
    label: str
    scopes: list[Any] = field(default_factory=list)
    streets: list[Street] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)


def _communities_of(assignments: list[RoleAssignment]) -> QuerySet[Community]:
    ids_c = {a.community_id for a in assignments if a.community_id} | {
        a.cooperative.community_id for a in assignments if a.cooperative is not None
    }
    ids_s = {a.subdistrict_id for a in assignments if a.subdistrict_id}
    return Community.objects.filter(pk__in=ids_c) | Community.objects.filter(
        subdistrict_id__in=ids_s
    )


def home_sections(user: Any) -> list[HomeSection]:
    """Return the home-page sections for every role the user holds, in role order."""
    held = roles(user)
    assignments = active_assignments(user)
    sections = []
    for role in Role:
        if role not in held:
            continue
        mine = [a for a in assignments if a.role == role]
        section = HomeSection(
            role=role.value,
            label=str(role.label),
            scopes=[a.scope for a in mine if a.scope is not None],
        )
        if role == Role.STREET_CHIEF:
            section.streets = list(
                Street.objects.filter(
                    pk__in=[a.street_id for a in mine]
                ).select_related("community", "cooperative")
            )
        elif role in (Role.STAFF, Role.LEADER):
            section.coverage = coverage_list(communities=_communities_of(mine))
        elif role == Role.ADMIN:
            section.coverage = coverage_list()
        sections.append(section)
    return sections


def notification_list(*, user: Any) -> QuerySet[Notification]:
    """Return the user's in-app notifications, newest first."""
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP
    ).order_by("-created_at", "-id")


def notification_unread_count(*, user: Any) -> int:
    """Return how many of the user's in-app notifications are unread."""
    return notification_list(user=user).filter(read_at__isnull=True).count()
