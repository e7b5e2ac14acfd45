"""The transition table (DESIGN §3), exhaustively: every state × every action."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from gongzhi.cases.choices import FINAL_STATES, OPEN_STATES, Action, Status
from gongzhi.cases.models import HandlingAssignment
from gongzhi.cases.permissions import can_act
from gongzhi.cases.workflow import (
    TRANSITIONS,
    TransitionError,
    allowed_actions,
    next_status,
)
from gongzhi.core.models import AuditEvent

from .factories import make_world
from .journeys import ACTOR_FOR, SERVICE_FOR, fresh, reach

S, A = Status, Action

# DESIGN §3, written out by hand: a change to the table must change this too.
DESIGNED = {
    (S.REPORTED, A.ACCEPT): S.ACCEPTED,
    (S.REPORTED, A.REJECT): S.REJECTED,
    (S.REPORTED, A.MERGE): S.MERGED,
    (S.REPORTED, A.SELF_RESOLVE): S.SELF_RESOLVED,
    (S.REPORTED, A.WITHDRAW): S.CANCELLED,
    (S.ACCEPTED, A.DISPATCH): S.DISPATCHED,
    (S.ACCEPTED, A.MERGE): S.MERGED,
    (S.DISPATCHED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.DISPATCHED, A.REQUEST_RETURN): S.RETURN_REQUESTED,
    (S.RETURN_REQUESTED, A.APPROVE_RETURN): S.ACCEPTED,
    (S.RETURN_REQUESTED, A.REFUSE_RETURN): S.DISPATCHED,
    (S.ACKNOWLEDGED, A.START): S.IN_PROGRESS,
    (S.ACKNOWLEDGED, A.REPLY): S.REPLIED,
    (S.ACKNOWLEDGED, A.ESCALATE): S.ESCALATED,
    (S.IN_PROGRESS, A.REPLY): S.REPLIED,
    (S.IN_PROGRESS, A.ESCALATE): S.ESCALATED,
    (S.ESCALATED, A.DISPATCH): S.DISPATCHED,
    (S.REPLIED, A.SUBMIT_FOR_VERIFICATION): S.VERIFYING,
    (S.SELF_RESOLVED, A.SUBMIT_FOR_VERIFICATION): S.VERIFYING,
    (S.VERIFYING, A.REWORK): S.IN_PROGRESS,
    (S.VERIFYING, A.CONFIRM): S.FEEDBACK,
    (S.FEEDBACK, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.REOPEN): S.REOPENED,
    (S.REOPENED, A.DISPATCH): S.DISPATCHED,
    **{(state, A.CANCEL): S.CANCELLED for state in OPEN_STATES},
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return make_world()


def test_table_is_the_designed_one():
    assert dict(TRANSITIONS) == DESIGNED


def test_final_states_lead_nowhere_but_closed_to_reopened():
    for state in FINAL_STATES:
        expected = [A.REOPEN] if state == S.CLOSED else []
        assert allowed_actions(state) == expected, state


def test_every_open_state_can_be_cancelled_and_left():
    for state in OPEN_STATES:
        assert A.CANCEL in allowed_actions(state), state
        assert next_status(state, A.CANCEL) == S.CANCELLED


def test_allowed_actions_lists_the_table_in_order():
    for state in S.values:
        expected = [a for (s, a) in TRANSITIONS if s == state]
        assert allowed_actions(state) == expected
        for action in expected:
            assert next_status(state, action) == TRANSITIONS[(state, action)]


def test_refusal_message_names_the_state_and_the_action():
    with pytest.raises(TransitionError) as exc:
        next_status(S.CLOSED, A.DISPATCH)
    assert str(exc.value) == (
        "A case that is “closed” cannot be given the action “dispatch”."
    )
    assert exc.value.message == str(exc.value)
    assert (exc.value.status, exc.value.action) == (S.CLOSED, A.DISPATCH)


def test_refusal_message_is_translated():
    with translation.override("zh-hans"), pytest.raises(TransitionError) as exc:
        next_status(S.CLOSED, A.DISPATCH)
    assert "已办结" in str(exc.value)
    assert "派单" in str(exc.value)


def test_redispatch_is_taken_from_no_state():
    # Dispatching again after a reopen is the ordinary DISPATCH action.
    assert allowed_actions(S.REOPENED) == [A.DISPATCH, A.CANCEL]
    assert not [k for k in TRANSITIONS if k[1] == A.REDISPATCH]


def _footprint(case):
    return (
        case.status,
        case.version,
        case.events.count(),
        HandlingAssignment.objects.filter(case=case, ended_at__isnull=True).count(),
        AuditEvent.objects.filter(object_id=str(case.pk)).count(),
    )


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(S.values, A.values))
)
def test_every_action_in_every_state(world, status, action):
    case = reach(world, status)
    service = SERVICE_FOR[action]
    target = TRANSITIONS.get((status, action))

    if target is not None:
        assert service is not None
        service(world, case)
        event = case.events.filter(action=action).order_by("-id").first()
        assert event is not None
        assert (event.from_status, event.to_status) == (status, target)
        # A reply and a fix on the spot go straight on to verification.
        goes_on = action in (A.REPLY, A.SELF_RESOLVE)
        assert fresh(case).status == (S.VERIFYING if goes_on else target)
        return

    with pytest.raises(TransitionError) as exc:
        next_status(status, action)
    message = str(exc.value)
    assert f"“{S(status).label}”" in message
    assert f"“{A(action).label}”" in message
    if service is None:
        return
    before = _footprint(case)
    actor_name = ACTOR_FOR[action]
    actor = getattr(world, actor_name) if actor_name else None
    # Permission is checked first: a handler cannot act on a case that has no
    # lead unit of theirs, whatever its state.
    permitted = actor is None or can_act(actor, case, action)
    with pytest.raises(TransitionError if permitted else PermissionDenied) as exc:
        service(world, case)
    if permitted:
        assert str(exc.value) == message
    assert _footprint(fresh(case)) == before


def test_handler_actions_on_a_state_with_their_unit_are_refused_by_the_table(world):
    case = reach(world, S.CLOSED)
    assert can_act(world.handler, case, A.ACKNOWLEDGE)
    with pytest.raises(TransitionError):
        SERVICE_FOR[A.ACKNOWLEDGE](world, case)


# --- No status is written anywhere but services/base.apply -------------------------

SRC = Path(__file__).resolve().parents[2]
WRITE_METHODS = {"update", "create", "get_or_create", "update_or_create", "filter"}


def _mentions_case_status(node: ast.AST, literals: bool) -> bool:
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Name)
            and sub.value.id in ("Status", "S")
            and sub.attr in Status.names
        ):
            return True
        if literals and isinstance(sub, ast.Constant) and sub.value in S.values:
            return True
    return False


def _names_in_chain(node: ast.AST) -> set[str]:
    names = set()
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.value if isinstance(node, ast.Attribute) else node.func
        if isinstance(node, ast.Name):
            names.add(node.id)
    return names


def status_writes(source: str, *, literals: bool = True) -> list[int]:
    """Return the lines of ``source`` that write a case's status."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not (isinstance(target, ast.Attribute) and target.attr == "status"):
                    continue
                owner = ast.unparse(target.value).lower()
                if "case" in owner or (
                    node.value is not None
                    and _mentions_case_status(node.value, literals)
                ):
                    found.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
            if name == "setattr" and len(node.args) >= 2:
                if getattr(node.args[1], "value", None) == "status":
                    found.append(node.lineno)
                continue
            writes = name in WRITE_METHODS - {"filter"} or name == "Case"
            for keyword in node.keywords if writes else []:
                if keyword.arg == "status" and (
                    "Case" in _names_in_chain(func)
                    or name == "Case"
                    or _mentions_case_status(keyword.value, literals)
                ):
                    found.append(node.lineno)
                if keyword.arg == "defaults" and isinstance(keyword.value, ast.Dict):
                    for key, value in zip(
                        keyword.value.keys, keyword.value.values, strict=True
                    ):
                        if getattr(key, "value", None) == "status" and (
                            _mentions_case_status(value, literals)
                        ):
                            found.append(node.lineno)
    return sorted(set(found))


@pytest.mark.parametrize(
    "line",
    [
        "case.status = Status.CLOSED",
        "obj.status = S.CLOSED",
        "obj.status = 'closed'",
        "Case.objects.filter(pk=1).update(status=new)",
        "Case(status=Status.CLOSED)",
        "Case.objects.create(status='closed')",
        "setattr(case, 'status', value)",
        "x.objects.update_or_create(pk=1, defaults={'status': Status.CLOSED})",
        "x.objects.filter(pk=1).update(status=Status.REPORTED)",
    ],
)
def test_status_scanner_finds_a_write(line):
    assert status_writes(line) == [1]


@pytest.mark.parametrize(
    "line",
    [
        "Case.objects.filter(status=Status.CLOSED)",
        "request.status = ExtensionStatus.APPROVED",
        "if case.status == Status.CLOSED:\n    pass",
        "Case.objects.exclude(status__in=FINAL_STATES).count()",
        "changes = {'status': [before, after]}",
    ],
)
def test_status_scanner_ignores_reads(line):
    assert status_writes(line) == []


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def test_no_code_writes_a_case_status_outside_apply():
    base = SRC / "cases" / "services" / "base.py"
    offenders = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        # String literals count only where the cases app is in view: other apps
        # have states of their own with the same words.
        literals = "cases" in str(path.relative_to(SRC)) or "gongzhi.cases" in source
        lines = status_writes(source, literals=literals)
        if path == base:
            tree = ast.parse(source)
            apply_fn = next(
                n
                for n in tree.body
                if isinstance(n, ast.FunctionDef) and n.name == "apply"
            )
            inside = [n for n in lines if apply_fn.lineno <= n <= apply_fn.end_lineno]
            assert len(inside) == 1, "apply() is where the status is written"
            lines = [n for n in lines if n not in inside]
        offenders += [f"{path.relative_to(SRC)}:{n}" for n in lines]
    assert offenders == []
