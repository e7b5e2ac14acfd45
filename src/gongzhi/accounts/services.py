"""Services that create users and give or take away their roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record

from .choices import ROLE_SCOPES, Role, ScopeKind
from .models import RoleAssignment, User
from .permissions import active_assignments, forget_assignments


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    display_name: str = "",
    phone: str = "",
    email: str = "",
    is_party_member: bool = False,
    is_newcomer: bool = False,
    validate: bool = True,
) -> User:
    """Create a user; ``password`` None makes an account that cannot sign in yet."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The username %(name)s is taken.") % {"name": username})
    user = User(
        username=username,
        display_name=display_name,
        phone=phone,
        email=email,
        is_party_member=is_party_member,
        is_newcomer=is_newcomer,
    )
    if password is None:
        user.set_unusable_password()
    else:
        if validate:
            validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="user.create", obj=user)
    return user


def _scope_kind(scope: Any) -> str:
    if scope is None:
        return ScopeKind.PLATFORM
    name = type(scope).__name__
    return {
        "Subdistrict": ScopeKind.SUBDISTRICT,
        "Community": ScopeKind.COMMUNITY,
        "EconomicCooperative": ScopeKind.COOPERATIVE,
        "Street": ScopeKind.STREET,
        "Organisation": ScopeKind.ORGANISATION,
    }.get(name, "")


@transaction.atomic
def role_assign(
    *,
    actor: Any,
    user: User,
    role: str,
    scope: Any = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> RoleAssignment:
    """Give ``user`` ``role`` within ``scope``; refuse a scope the role cannot have."""
    kind = _scope_kind(scope)
    allowed = ROLE_SCOPES[Role(role)]
    if kind not in allowed:
        raise ValidationError(
            _("The role %(role)s is given for a %(allowed)s, not a %(kind)s.")
            % {
                "role": Role(role).label,
                "allowed": " / ".join(str(ScopeKind(k).label) for k in allowed),
                "kind": ScopeKind(kind).label if kind else type(scope).__name__,
            },
            code="scope",
        )
    valid_from = valid_from or timezone.localdate()
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(_("A role cannot end before it starts."), code="period")
    field = str(kind)
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
        **({field: scope} if scope is not None else {}),
    )
    if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    forget_assignments(user)
    audit_record(
        actor=actor,
        action="role.assign",
        obj=assignment,
        changes={
            "role": [None, role],
            "scope": [None, str(scope) if scope else "platform"],
        },
    )
    return assignment


@transaction.atomic
def role_revoke(
    *, actor: Any, assignment: RoleAssignment, on: dt.date | None = None
) -> RoleAssignment:
    """End ``assignment`` from ``on`` (default today); history is kept.

    The role no longer applies on ``on``: its last day is the day before. An
    assignment that had not started by then is left with an empty period.
    """
    end = on or timezone.localdate()
    before = assignment.valid_to
    assignment.valid_to = max(end, assignment.valid_from) - dt.timedelta(days=1)
    assignment.save(update_fields=["valid_to", "updated_at"])
    user = assignment.user
    forget_assignments(user)
    if assignment.role == Role.ADMIN and Role.ADMIN not in {
        a.role for a in active_assignments(user)
    }:
        # role_assign made the user a superuser; without a current admin role
        # the flag would keep every permission alive.
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=assignment,
        changes={
            "valid_to": [str(before) if before else None, str(assignment.valid_to)]
        },
    )
    return assignment
