"""Role-aware navigation: which links each user sees in the top bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.choices import Role
from gongzhi.accounts.permissions import roles


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    active: bool


# (url name, label, roles that see it; empty means everyone)
NAV: list[tuple[str, Any, tuple[str, ...]]] = [
    ("home", _("Home"), ()),
    ("cases:report", _("Report a problem"), ()),
    ("orgs:coverage", _("Two coverages"), (Role.STAFF, Role.LEADER, Role.ADMIN)),
    ("admin:index", _("Registers"), (Role.ADMIN,)),
    ("cases:inbox", _("Case inbox"), (Role.HANDLER, Role.LIAISON)),
    ("cases:console", _("Case console"), (Role.STAFF, Role.LEADER, Role.ADMIN)),
]


def nav_items(request: HttpRequest) -> dict[str, list[NavItem]]:
    """Context processor: the navigation links for the current user."""
    held = roles(request.user)
    items = []
    for name, label, allowed in NAV:
        if allowed and not held & set(allowed):
            continue
        url = reverse(name)
        active = request.path == url if name == "home" else request.path.startswith(url)
        items.append(NavItem(url=url, label=str(label), active=active))
    return {"nav_items": items}
