"""Bring a case into any state the way people do: through the services.

Shared by the workflow and service tests. Two states never persist on their own
through the public services (a reply and a fix on the spot go straight on to
verification), so :func:`reach` takes those last steps with
:func:`gongzhi.cases.services.base.apply`, the primitive the services use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

from gongzhi.accounts.choices import Role
from gongzhi.accounts.tests.factories import user_with_role
from gongzhi.cases import services
from gongzhi.cases.choices import Action, Status
from gongzhi.cases.models import Case
from gongzhi.cases.services.base import apply, lock

from .factories import World

Step = Callable[[World, Case], Any]


def report(world: World, **kwargs: Any) -> Case:
    """Report a case on the world's street by its resident (overridable)."""
    kwargs.setdefault("category", world.category)
    kwargs.setdefault("description", "巷口垃圾堆放三天没人清")
    if "lat" not in kwargs and "community" not in kwargs:
        kwargs.setdefault("street", world.street)
    kwargs.setdefault("reporter", world.resident)
    return services.case_report(**kwargs).case


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _apply_only(action: str, actor: str, note: str) -> Step:
    def step(world: World, case: Case) -> None:
        with transaction.atomic():
            apply(lock(case, None), action, actor=getattr(world, actor), note=note)

    return step


def accept(world: World, case: Case) -> Any:
    return services.case_accept(case=case, actor=world.staff)


def reject(world: World, case: Case) -> Any:
    return services.case_reject(case=case, actor=world.staff, reason="不属于社区事务")


def merge(world: World, case: Case) -> Any:
    target = report(world, reporter=None, description="同一处垃圾")
    return services.case_merge(case=case, into=target, actor=world.staff)


def self_resolve(world: World, case: Case) -> Any:
    return services.case_self_resolve(case=case, actor=world.chief, note="当场清理")


def dispatch(world: World, case: Case) -> Any:
    return services.case_dispatch(case=case, actor=world.staff, lead=world.unit)


def acknowledge(world: World, case: Case) -> Any:
    return services.case_acknowledge(case=case, actor=world.handler)


def request_return(world: World, case: Case) -> Any:
    return services.case_request_return(
        case=case, actor=world.handler, reason="不属于本单位职责"
    )


def approve_return(world: World, case: Case) -> Any:
    return services.case_decide_return(case=case, actor=world.staff, approve=True)


def refuse_return(world: World, case: Case) -> Any:
    return services.case_decide_return(
        case=case, actor=world.staff, approve=False, note="属于你单位"
    )


def start(world: World, case: Case) -> Any:
    return services.case_start(case=case, actor=world.handler)


def reply(world: World, case: Case) -> Any:
    return services.case_reply(case=case, actor=world.handler, note="已清理完毕")


def escalate(world: World, case: Case) -> Any:
    return services.case_escalate(case=case, actor=world.staff, note="需要区城管局")


def submit_for_verification(world: World, case: Case) -> None:
    # The system takes this step right after a reply or a fix on the spot.
    with transaction.atomic():
        apply(
            lock(case, None),
            Action.SUBMIT_FOR_VERIFICATION,
            actor=None,
            check_permission=False,
        )


def rework(world: World, case: Case) -> Any:
    return services.case_verify(
        case=case, actor=world.staff, ok=False, note="还有垃圾没清"
    )


def confirm(world: World, case: Case) -> Any:
    return services.case_verify(case=case, actor=world.staff, ok=True)


def close(world: World, case: Case) -> Any:
    return services.case_auto_close(case=case)


def rate(world: World, case: Case) -> Any:
    return services.case_rate(
        case=case, actor=world.resident, solved="yes", satisfaction="satisfied"
    )


def rate_poorly(world: World, case: Case) -> Any:
    return services.case_rate(
        case=case, actor=world.resident, solved="no", satisfaction="unsatisfied"
    )


def reopen(world: World, case: Case) -> Any:
    return services.case_reopen(case=case, actor=world.staff, note="居民不满意")


def cancel(world: World, case: Case) -> Any:
    return services.case_cancel(case=case, actor=world.admin, reason="重复录入")


def withdraw(world: World, case: Case) -> Any:
    return services.case_withdraw(case=case, actor=world.resident)


# The service a person uses for each action (None: no service takes it).
SERVICE_FOR: dict[str, Step | None] = {
    Action.ACCEPT: accept,
    Action.REJECT: reject,
    Action.MERGE: merge,
    Action.SELF_RESOLVE: self_resolve,
    Action.DISPATCH: dispatch,
    Action.ACKNOWLEDGE: acknowledge,
    Action.REQUEST_RETURN: request_return,
    Action.APPROVE_RETURN: approve_return,
    Action.REFUSE_RETURN: refuse_return,
    Action.START: start,
    Action.REPLY: reply,
    Action.ESCALATE: escalate,
    Action.SUBMIT_FOR_VERIFICATION: submit_for_verification,
    Action.REWORK: rework,
    Action.CONFIRM: confirm,
    Action.CLOSE: close,
    Action.REOPEN: reopen,
    Action.REDISPATCH: None,
    Action.CANCEL: cancel,
    Action.WITHDRAW: withdraw,
}

# Who takes each action in the tests (None: the system).
ACTOR_FOR: dict[str, str | None] = {
    Action.ACCEPT: "staff",
    Action.REJECT: "staff",
    Action.MERGE: "staff",
    Action.SELF_RESOLVE: "chief",
    Action.DISPATCH: "staff",
    Action.ACKNOWLEDGE: "handler",
    Action.REQUEST_RETURN: "handler",
    Action.APPROVE_RETURN: "staff",
    Action.REFUSE_RETURN: "staff",
    Action.START: "handler",
    Action.REPLY: "handler",
    Action.ESCALATE: "staff",
    Action.SUBMIT_FOR_VERIFICATION: None,
    Action.REWORK: "staff",
    Action.CONFIRM: "staff",
    Action.CLOSE: None,
    Action.REOPEN: "staff",
    Action.REDISPATCH: None,
    Action.CANCEL: "admin",
    Action.WITHDRAW: "resident",
}

_HANDLED = [accept, dispatch, acknowledge, start]
PATHS: dict[str, list[Step]] = {
    Status.REPORTED: [],
    Status.ACCEPTED: [accept],
    Status.REJECTED: [reject],
    Status.MERGED: [merge],
    Status.SELF_RESOLVED: [_apply_only(Action.SELF_RESOLVE, "chief", "当场清理")],
    Status.DISPATCHED: [accept, dispatch],
    Status.RETURN_REQUESTED: [accept, dispatch, request_return],
    Status.ACKNOWLEDGED: [accept, dispatch, acknowledge],
    Status.IN_PROGRESS: _HANDLED,
    Status.ESCALATED: [*_HANDLED, escalate],
    Status.REPLIED: [*_HANDLED, _apply_only(Action.REPLY, "handler", "已清理")],
    Status.VERIFYING: [*_HANDLED, reply],
    Status.FEEDBACK: [*_HANDLED, reply, confirm],
    Status.CLOSED: [*_HANDLED, reply, confirm, rate],
    Status.REOPENED: [*_HANDLED, reply, confirm, rate_poorly, reopen],
    Status.CANCELLED: [cancel],
}


def reach(world: World, status: str, **report_kwargs: Any) -> Case:
    """Return a new case brought to ``status`` through the services."""
    case = report(world, **report_kwargs)
    for step in PATHS[status]:
        step(world, fresh(case))
    case = fresh(case)
    assert case.status == status, (case.status, status)
    return case


def other_street_chief(world: World) -> Any:
    """A street chief of another street of the same community."""
    from gongzhi.places.tests.factories import StreetFactory

    street = StreetFactory(community=world.community)
    return user_with_role(Role.STREET_CHIEF, street)


def other_community_staff() -> Any:
    from gongzhi.places.tests.factories import CommunityFactory

    return user_with_role(Role.STAFF, CommunityFactory())


def at(*args: int) -> dt.datetime:
    """An aware datetime in Asia/Shanghai."""
    from zoneinfo import ZoneInfo

    return dt.datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))
