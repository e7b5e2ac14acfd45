"""Who may do what to a case (shared by services, views, templates and the API)."""

from __future__ import annotations

from typing import Any

from gongzhi.accounts.choices import Role
from gongzhi.accounts.permissions import active_assignments, has_role_in

from .choices import Action
from .models import Case

STAFF_ROLES = (Role.STAFF, Role.ADMIN)


def is_case_staff(user: Any, case: Case) -> bool:
    """Community staff over the case's place (or a platform admin)."""
    return has_role_in(user, case.street or case.community, *STAFF_ROLES)


def unit_ids(user: Any) -> set[int]:
    """Return the ids of the organisations the user handles cases for."""
    return {
        a.organisation_id
        for a in active_assignments(user)
        if a.role in (Role.HANDLER, Role.LIAISON) and a.organisation_id
    }


def is_lead_handler(user: Any, case: Case) -> bool:
    return case.lead_unit_id is not None and case.lead_unit_id in unit_ids(user)


def is_assisting_handler(user: Any, case: Case) -> bool:
    ids = unit_ids(user)
    return (
        bool(ids)
        and case.assignments.filter(
            organisation_id__in=ids, ended_at__isnull=True
        ).exists()
    )


def is_reporter(user: Any, case: Case) -> bool:
    return bool(user and user.is_authenticated and case.reporter_id == user.pk)


def is_street_chief_of(user: Any, case: Case) -> bool:
    return case.street is not None and has_role_in(user, case.street, Role.STREET_CHIEF)


_STAFF_ACTIONS = {
    Action.ACCEPT,
    Action.REJECT,
    Action.MERGE,
    Action.DISPATCH,
    Action.APPROVE_RETURN,
    Action.REFUSE_RETURN,
    Action.ESCALATE,
    Action.SUBMIT_FOR_VERIFICATION,
    Action.REWORK,
    Action.CONFIRM,
    Action.CLOSE,
    Action.REOPEN,
}
_HANDLER_ACTIONS = {
    Action.ACKNOWLEDGE,
    Action.REQUEST_RETURN,
    Action.START,
    Action.REPLY,
}


def can_act(user: Any, case: Case, action: str) -> bool:
    """Return whether ``user`` may take ``action`` on ``case`` (state aside)."""
    if action in _HANDLER_ACTIONS:
        return is_lead_handler(user, case)
    if action == Action.CONFIRM:
        # Verification is never done by a handling unit, lead or assisting
        # (DESIGN §3).
        return (
            is_case_staff(user, case)
            and not is_lead_handler(user, case)
            and not is_assisting_handler(user, case)
        )
    if action in _STAFF_ACTIONS:
        return is_case_staff(user, case)
    if action == Action.SELF_RESOLVE:
        return is_case_staff(user, case) or is_street_chief_of(user, case)
    if action == Action.CANCEL:
        return has_role_in(user, case.community, Role.ADMIN)
    if action == Action.WITHDRAW:
        return is_reporter(user, case)
    return False


def can_view_case(user: Any, case: Case) -> bool:
    """Staff, leaders, the units on it, the street's chief and the reporter."""
    return (
        has_role_in(user, case.street or case.community, *STAFF_ROLES, Role.LEADER)
        or is_lead_handler(user, case)
        or is_assisting_handler(user, case)
        or is_street_chief_of(user, case)
        or is_reporter(user, case)
    )


def can_view_reporter_contact(user: Any, case: Case) -> bool:
    """Unmasked contact details: staff over the case, its lead unit and the chief
    of its street (DESIGN §1); never when the reporter chose anonymity."""
    if case.is_anonymous:
        return False
    return (
        is_case_staff(user, case)
        or is_lead_handler(user, case)
        or is_street_chief_of(user, case)
    )


def can_request_extension(user: Any, case: Case) -> bool:
    return is_lead_handler(user, case)


def can_decide_extension(user: Any, case: Case) -> bool:
    return is_case_staff(user, case)


def can_supervise(user: Any, case: Case) -> bool:
    return has_role_in(user, case.community, Role.STAFF, Role.LEADER, Role.ADMIN)
