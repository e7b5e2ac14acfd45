"""Reads behind the API, with the same visibility as the web pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gongzhi.accounts.choices import Role
from gongzhi.accounts.permissions import has_role_in
from gongzhi.cases.choices import OPEN_STATES, UNIT_HOLDS_STATES, Action, Status
from gongzhi.cases.filters import CaseFilter
from gongzhi.cases.models import Case, ExtensionRequest
from gongzhi.cases.permissions import (
    STAFF_ROLES,
    can_act,
    can_decide_extension,
    can_request_extension,
    can_supervise,
    is_assisting_handler,
    is_lead_handler,
    is_reporter,
    is_street_chief_of,
)
from gongzhi.cases.selectors import case_get, case_list_visible
from gongzhi.cases.workflow import allowed_actions
from gongzhi.places.models import Street

from .errors import NotFound

LIST_RELATED = ("category", "community", "street", "lead_unit")

# Workflow actions as the API names its endpoints. Sending for verification
# happens by itself after a reply; closing is the reporter's rating.
ACTION_ENDPOINTS: dict[str, str] = {
    Action.ACCEPT: "accept",
    Action.REJECT: "reject",
    Action.MERGE: "merge",
    Action.SELF_RESOLVE: "self_resolve",
    Action.DISPATCH: "dispatch",
    Action.ACKNOWLEDGE: "acknowledge",
    Action.REQUEST_RETURN: "request_return",
    Action.APPROVE_RETURN: "decide_return",
    Action.REFUSE_RETURN: "decide_return",
    Action.START: "start",
    Action.REPLY: "reply",
    Action.ESCALATE: "escalate",
    Action.REWORK: "verify",
    Action.CONFIRM: "verify",
    Action.REOPEN: "reopen",
    Action.CANCEL: "cancel",
    Action.WITHDRAW: "withdraw",
}


def case_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[Case]:
    """Return the visible cases narrowed by ``filters`` (the HTML lists' filters).

    Raise ValidationError with the filter form's messages for a bad value: a
    program should hear about it, where a page just ignores it.
    """
    given = {k: v for k, v in filters.items() if v is not None and v != ""}
    form = CaseFilter(
        {k: v for k, v in given.items() if k in CaseFilter.base_fields},
        streets=Street.objects.all(),
    )
    if not form.is_valid():
        raise ValidationError(
            {field: list(errors) for field, errors in form.errors.items()}
        )
    qs = form.apply(case_list_visible(user=user).select_related(*LIST_RELATED))
    # A unique last key keeps pages stable when the sort key ties.
    return qs.order_by(*qs.query.order_by, "-pk")


def case_for(*, number: str, user: Any) -> Case:
    """Return case ``number`` if ``user`` may see it; 404 or 403 otherwise."""
    try:
        return case_get(number=number, user=user)
    except Http404:
        raise NotFound(
            _("There is no case numbered %(number)s.") % {"number": number}
        ) from None


def invalid_choice() -> str:
    # Django's own message for a choice that is not on the form's list.
    return _("Select a valid choice. That choice is not one of the available choices.")


def works_on(user: Any, case: Case) -> bool:
    """Whether ``user`` sees the case as a worker (more than its reporter does)."""
    return (
        has_role_in(user, case.street or case.community, *STAFF_ROLES, Role.LEADER)
        or is_lead_handler(user, case)
        or is_assisting_handler(user, case)
        or is_street_chief_of(user, case)
    )


def pending_extension(case: Case) -> ExtensionRequest | None:
    return (
        case.extension_requests.filter(status="pending")
        .select_related("requested_by")
        .first()
    )


def api_actions(
    user: Any, case: Case, *, pending: ExtensionRequest | None
) -> list[str]:
    """Return the endpoints ``user`` may call on ``case`` in its current state."""
    names: list[str] = []
    for action in allowed_actions(case.status):
        endpoint = ACTION_ENDPOINTS.get(action)
        if endpoint and endpoint not in names and can_act(user, case, action):
            # As on the case page: reopening answers a reporter's poor rating.
            if action == Action.REOPEN and not case.reopen_requested:
                continue
            names.append(endpoint)
    if case.status == Status.FEEDBACK and is_reporter(user, case):
        names.append("rate")
    if case.status in UNIT_HOLDS_STATES and is_lead_handler(user, case):
        names.append("contact")
        if pending is None and can_request_extension(user, case):
            names.append("extension_request")
    if pending is not None and can_decide_extension(user, case):
        names.append("extension_decision")
    if (
        case.status in OPEN_STATES
        and not case.under_supervision
        and can_supervise(user, case)
    ):
        names.append("supervise")
    return names
