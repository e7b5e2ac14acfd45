"""The lifecycle services: permission, messages and every side effect."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation

from gongzhi.accounts.choices import Role
from gongzhi.accounts.services import role_assign
from gongzhi.accounts.tests.factories import UserFactory, user_with_role
from gongzhi.cases import services
from gongzhi.cases.choices import (
    ExtensionStatus,
    HandlingRole,
    Status,
    SupervisionReason,
)
from gongzhi.cases.models import (
    Case,
    CaseEvent,
    CaseStat,
    DeadlinePolicy,
    ExtensionRequest,
    HandlingAssignment,
    Rating,
    Supporter,
)
from gongzhi.cases.services import StaleCaseError
from gongzhi.core.calendar import add_working_days
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.orgs.choices import OrganisationKind
from gongzhi.orgs.tests.factories import OrganisationFactory
from gongzhi.places.tests.factories import CommunityFactory, StreetFactory

from . import journeys as j
from .factories import CategoryFactory, make_world
from .journeys import at, fresh, reach, report

S = Status
STALE = (
    "Someone else changed this case while you were looking at it. "
    "Reload the page to see the change, then try again."
)
NOT_ALLOWED = "You are not allowed to do this to the case."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return make_world()


def footprint(case):
    """What a refused call must leave unchanged."""
    case = fresh(case)
    return (
        case.status,
        case.version,
        case.lead_unit_id,
        case.events.count(),
        HandlingAssignment.objects.filter(case=case, ended_at__isnull=True).count(),
        HandlingAssignment.objects.filter(case=case).count(),
        AuditEvent.objects.filter(object_id=str(case.pk)).count(),
        Notification.objects.count(),
        Supporter.objects.count(),
        ExtensionRequest.objects.count(),
        Rating.objects.count(),
        case.under_supervision,
    )


def totals(scope="all", scope_id=0):
    sums = CaseStat.objects.filter(scope=scope, scope_id=scope_id).aggregate(
        **{name: Sum(name) for name in CaseStat.COUNTERS}
    )
    return {name: value or 0 for name, value in sums.items()}


def actor(world, name):
    if name == "other_chief":
        return j.other_street_chief(world)
    if name == "other_staff":
        return j.other_community_staff()
    if name == "leader":
        return user_with_role(Role.LEADER, world.community)
    return getattr(world, name)


# --- Permission: the right role and scope, and nobody else -------------------------


def _merge(world, case, who):
    target = report(world, reporter=None)
    return services.case_merge(case=case, into=target, actor=who)


def _extension_decide(world, case, who):
    request = services.case_extension_request(
        case=case, actor=world.handler, days=2, reason="材料未到"
    )
    return services.case_extension_decide(request=request, actor=who, approve=True)


CALLS = {
    "accept": (S.REPORTED, lambda w, c, a: services.case_accept(case=c, actor=a)),
    "reject": (
        S.REPORTED,
        lambda w, c, a: services.case_reject(case=c, actor=a, reason="非本社区"),
    ),
    "merge": (S.REPORTED, _merge),
    "self_resolve": (
        S.REPORTED,
        lambda w, c, a: services.case_self_resolve(case=c, actor=a, note="已清"),
    ),
    "dispatch": (
        S.ACCEPTED,
        lambda w, c, a: services.case_dispatch(case=c, actor=a, lead=w.unit),
    ),
    "acknowledge": (
        S.DISPATCHED,
        lambda w, c, a: services.case_acknowledge(case=c, actor=a),
    ),
    "record_contact": (
        S.DISPATCHED,
        lambda w, c, a: services.case_record_contact(case=c, actor=a, note="电话"),
    ),
    "request_return": (
        S.DISPATCHED,
        lambda w, c, a: services.case_request_return(case=c, actor=a, reason="非我"),
    ),
    "approve_return": (
        S.RETURN_REQUESTED,
        lambda w, c, a: services.case_decide_return(case=c, actor=a, approve=True),
    ),
    "refuse_return": (
        S.RETURN_REQUESTED,
        lambda w, c, a: services.case_decide_return(
            case=c, actor=a, approve=False, note="是你单位的"
        ),
    ),
    "start": (S.ACKNOWLEDGED, lambda w, c, a: services.case_start(case=c, actor=a)),
    "reply": (
        S.IN_PROGRESS,
        lambda w, c, a: services.case_reply(case=c, actor=a, note="已处理"),
    ),
    "escalate": (
        S.IN_PROGRESS,
        lambda w, c, a: services.case_escalate(case=c, actor=a, note="需上级"),
    ),
    "confirm": (
        S.VERIFYING,
        lambda w, c, a: services.case_verify(case=c, actor=a, ok=True),
    ),
    "rework": (
        S.VERIFYING,
        lambda w, c, a: services.case_verify(case=c, actor=a, ok=False, note="没清完"),
    ),
    "reopen": (
        S.CLOSED,
        lambda w, c, a: services.case_reopen(case=c, actor=a, note="居民不满意"),
    ),
    "cancel": (
        S.DISPATCHED,
        lambda w, c, a: services.case_cancel(case=c, actor=a, reason="重复"),
    ),
    "supervise": (
        S.DISPATCHED,
        lambda w, c, a: services.case_supervise(case=c, actor=a, note="领导关注"),
    ),
    "extension_request": (
        S.DISPATCHED,
        lambda w, c, a: services.case_extension_request(
            case=c, actor=a, days=2, reason="材料未到"
        ),
    ),
    "extension_decide": (S.DISPATCHED, _extension_decide),
}

ALLOWED = {
    "accept": ["staff", "admin"],
    "reject": ["staff"],
    "merge": ["staff"],
    "self_resolve": ["chief", "staff"],
    "dispatch": ["staff"],
    "acknowledge": ["handler"],
    "record_contact": ["handler"],
    "request_return": ["handler"],
    "approve_return": ["staff"],
    "refuse_return": ["staff"],
    "start": ["handler"],
    "reply": ["handler"],
    "escalate": ["staff"],
    "confirm": ["staff", "admin"],
    "rework": ["staff"],
    "reopen": ["staff"],
    "cancel": ["admin"],
    "supervise": ["staff", "leader"],
    "extension_request": ["handler"],
    "extension_decide": ["staff"],
}
HANDLER_SERVICES = {
    "acknowledge",
    "record_contact",
    "request_return",
    "start",
    "reply",
    "extension_request",
}
REFUSED = {
    name: ["other_handler", "resident", "other_chief", "other_staff"]
    + (["staff", "chief"] if name in HANDLER_SERVICES else ["handler"])
    + (["staff"] if name == "cancel" else [])
    + (["chief"] if name not in HANDLER_SERVICES | {"self_resolve"} else [])
    for name in CALLS
}


@pytest.mark.parametrize(
    ("name", "who"),
    [(name, who) for name in CALLS for who in ALLOWED[name]],
)
def test_service_allows_its_role_in_scope(world, name, who):
    state, call = CALLS[name]
    case = reach(world, state)
    call(world, case, actor(world, who))
    assert fresh(case).version >= case.version


@pytest.mark.parametrize(
    ("name", "who"),
    [(name, who) for name in CALLS for who in sorted(set(REFUSED[name]))],
)
def test_service_refuses_other_roles_and_scopes(world, name, who):
    state, call = CALLS[name]
    case = reach(world, state)
    person = actor(world, who)
    before = footprint(case)
    if name == "extension_decide":
        request = services.case_extension_request(
            case=case, actor=world.handler, days=2, reason="材料未到"
        )
        before = footprint(case)
        with pytest.raises(PermissionDenied, match=NOT_ALLOWED):
            services.case_extension_decide(request=request, actor=person, approve=True)
        assert (
            ExtensionRequest.objects.get(pk=request.pk).status
            == ExtensionStatus.PENDING
        )
    else:
        with pytest.raises(PermissionDenied, match=NOT_ALLOWED):
            call(world, case, person)
    assert footprint(case) == before


def test_permission_is_checked_before_the_input(world):
    # Someone without the right learns nothing about the case from messages.
    case = report(world)
    with pytest.raises(PermissionDenied):
        services.case_reject(case=case, actor=world.resident, reason="")
    with pytest.raises(PermissionDenied):
        services.case_merge(case=case, into=case, actor=world.resident)
    with pytest.raises(PermissionDenied):
        services.case_accept(case=case, actor=world.handler, urgency="never")
    accepted = reach(world, S.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.case_dispatch(
            case=accepted, actor=world.handler, lead=world.unit, assisting=[world.unit]
        )
    dispatched = reach(world, S.DISPATCHED)
    with pytest.raises(PermissionDenied):
        services.case_request_return(
            case=dispatched, actor=world.other_handler, reason=""
        )
    with pytest.raises(PermissionDenied):
        services.case_cancel(case=dispatched, actor=world.staff, reason="")


def test_assisting_unit_cannot_act_as_lead(world):
    case = reach(world, S.ACCEPTED)
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, assisting=[world.other_unit]
    )
    with pytest.raises(PermissionDenied):
        services.case_acknowledge(case=case, actor=world.other_handler)
    with pytest.raises(PermissionDenied):
        services.case_extension_request(
            case=case, actor=world.other_handler, days=1, reason="x"
        )


def test_role_that_has_expired_no_longer_acts(world):
    old = UserFactory()
    role_assign(
        actor=None,
        user=old,
        role=Role.STAFF,
        scope=world.community,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2020, 12, 31),
    )
    case = report(world)
    with pytest.raises(PermissionDenied):
        services.case_accept(case=case, actor=old)


def test_staff_of_a_cooperative_acts_on_its_streets_only(world):
    from gongzhi.places.tests.factories import EconomicCooperativeFactory

    coop = EconomicCooperativeFactory(community=world.community)
    coop_street = StreetFactory(community=world.community, cooperative=coop)
    coop_staff = user_with_role(Role.STAFF, coop)
    inside = report(world, street=coop_street)
    services.case_accept(case=inside, actor=coop_staff)
    outside = report(world)
    with pytest.raises(PermissionDenied):
        services.case_accept(case=outside, actor=coop_staff)


# --- Verification is never by the handling unit (DESIGN §3) -------------------------


def test_staff_who_handles_for_the_lead_unit_cannot_confirm(world):
    role_assign(actor=None, user=world.staff, role=Role.HANDLER, scope=world.unit)
    case = reach(world, S.VERIFYING)
    before = footprint(case)
    with pytest.raises(PermissionDenied, match=NOT_ALLOWED):
        services.case_verify(case=case, actor=world.staff, ok=True)
    assert footprint(case) == before
    colleague = user_with_role(Role.STAFF, world.community)
    services.case_verify(case=case, actor=colleague, ok=True)
    assert fresh(case).status == S.FEEDBACK


def test_staff_who_handles_for_an_assisting_unit_cannot_confirm(world):
    role_assign(actor=None, user=world.staff, role=Role.LIAISON, scope=world.other_unit)
    case = reach(world, S.ACCEPTED)
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, assisting=[world.other_unit]
    )
    for step in (j.acknowledge, j.start, j.reply):
        step(world, fresh(case))
    with pytest.raises(PermissionDenied):
        services.case_verify(case=case, actor=world.staff, ok=True)


def test_admin_who_is_a_handler_of_the_lead_unit_cannot_confirm(world):
    role_assign(actor=None, user=world.admin, role=Role.HANDLER, scope=world.unit)
    case = reach(world, S.VERIFYING)
    with pytest.raises(PermissionDenied):
        services.case_verify(case=case, actor=world.admin, ok=True)


# --- Reasons and required fields ---------------------------------------------------

REASONS = [
    (
        S.REPORTED,
        lambda w, c, t: services.case_reject(case=c, actor=w.staff, reason=t),
        "Give the reason for rejecting the case.",
    ),
    (
        S.REPORTED,
        lambda w, c, t: services.case_self_resolve(case=c, actor=w.chief, note=t),
        "Say what was done on the spot.",
    ),
    (
        S.DISPATCHED,
        lambda w, c, t: services.case_request_return(case=c, actor=w.handler, reason=t),
        "Explain why the case is not for your unit.",
    ),
    (
        S.RETURN_REQUESTED,
        lambda w, c, t: services.case_decide_return(
            case=c, actor=w.staff, approve=False, note=t
        ),
        "Tell the unit why the return is refused.",
    ),
    (
        S.IN_PROGRESS,
        lambda w, c, t: services.case_reply(case=c, actor=w.handler, note=t),
        "Describe what was done.",
    ),
    (
        S.IN_PROGRESS,
        lambda w, c, t: services.case_escalate(case=c, actor=w.staff, note=t),
        "Say why the case needs a higher unit.",
    ),
    (
        S.VERIFYING,
        lambda w, c, t: services.case_verify(case=c, actor=w.staff, ok=False, note=t),
        "Say what still needs doing.",
    ),
    (
        S.CLOSED,
        lambda w, c, t: services.case_reopen(case=c, actor=w.staff, note=t),
        "Say why the case is reopened.",
    ),
    (
        S.ACCEPTED,
        lambda w, c, t: services.case_cancel(case=c, actor=w.admin, reason=t),
        "Give the reason for cancelling the case.",
    ),
    (
        S.DISPATCHED,
        lambda w, c, t: services.case_record_contact(case=c, actor=w.handler, note=t),
        "Say how and when the reporter was contacted.",
    ),
    (
        S.DISPATCHED,
        lambda w, c, t: services.case_supervise(case=c, actor=w.staff, note=t),
        "Say why the case is supervised.",
    ),
    (
        S.DISPATCHED,
        lambda w, c, t: services.case_extension_request(
            case=c, actor=w.handler, days=2, reason=t
        ),
        "Say why more time is needed.",
    ),
]


@pytest.mark.parametrize("blank", ["", "   \n"])
@pytest.mark.parametrize(("state", "call", "message"), REASONS)
def test_reason_is_required(world, state, call, message, blank):
    case = reach(world, state)
    before = footprint(case)
    with pytest.raises(ValidationError) as exc:
        call(world, case, blank)
    assert exc.value.messages == [message]
    assert footprint(case) == before


@pytest.mark.parametrize(("state", "call", "message"), REASONS)
def test_reason_with_a_null_character_is_refused(world, state, call, message):
    case = reach(world, state)
    before = footprint(case)
    with pytest.raises(ValidationError) as exc:
        call(world, case, "理由\x00")
    assert exc.value.messages == ["Null characters are not allowed."]
    assert footprint(case) == before


OPTIONAL_NOTES = [
    (S.REPORTED, lambda w, c, t: services.case_accept(case=c, actor=w.staff, note=t)),
    (
        S.ACCEPTED,
        lambda w, c, t: services.case_dispatch(
            case=c, actor=w.staff, lead=w.unit, note=t
        ),
    ),
    (
        S.ACKNOWLEDGED,
        lambda w, c, t: services.case_start(case=c, actor=w.handler, note=t),
    ),
    (
        S.VERIFYING,
        lambda w, c, t: services.case_verify(case=c, actor=w.staff, ok=True, note=t),
    ),
    (
        S.REPORTED,
        lambda w, c, t: services.case_withdraw(case=c, actor=w.resident, reason=t),
    ),
]


@pytest.mark.parametrize(("state", "call"), OPTIONAL_NOTES)
def test_optional_note_with_a_null_character_is_refused(world, state, call):
    case = reach(world, state)
    before = footprint(case)
    with pytest.raises(ValidationError) as exc:
        call(world, case, "备注\x00")
    assert exc.value.message_dict == {"note": ["Null characters are not allowed."]}
    assert footprint(case) == before


def test_rating_comment_with_a_null_character_is_refused(world):
    case = reach(world, S.FEEDBACK)
    with pytest.raises(ValidationError) as exc:
        services.case_rate(
            case=case,
            actor=world.resident,
            solved="yes",
            satisfaction="satisfied",
            comment="好\x00",
        )
    assert exc.value.message_dict == {"comment": ["Null characters are not allowed."]}
    assert Rating.objects.count() == 0


def test_reason_is_stored_stripped_on_the_event(world):
    case = reach(world, S.REPORTED)
    services.case_reject(case=case, actor=world.staff, reason="  不属于社区事务 \n")
    event = fresh(case).events.get(action="reject")
    assert event.note == "不属于社区事务"


def test_accept_refuses_unknown_urgency(world):
    case = report(world)
    with pytest.raises(ValidationError) as exc:
        services.case_accept(case=case, actor=world.staff, urgency="whenever")
    assert exc.value.message_dict == {"urgency": ["Unknown urgency."]}
    assert fresh(case).status == S.REPORTED


def test_accept_corrects_category_and_urgency(world):
    other = CategoryFactory(code="parking")
    case = report(world)
    services.case_accept(case=case, actor=world.staff, urgency="urgent", category=other)
    case = fresh(case)
    assert (case.category, case.urgency, case.status) == (other, "urgent", S.ACCEPTED)
    assert case.accepted_at is not None


def test_dispatch_refuses_an_inactive_unit(world):
    world.unit.is_active = False
    world.unit.save()
    case = reach(world, S.ACCEPTED)
    before = footprint(case)
    with pytest.raises(ValidationError) as exc:
        j.dispatch(world, case)
    assert exc.value.message_dict == {"lead": ["This unit is no longer active."]}
    assert footprint(case) == before


def test_dispatch_refuses_lead_unit_also_assisting(world):
    case = reach(world, S.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        services.case_dispatch(
            case=case, actor=world.staff, lead=world.unit, assisting=[world.unit]
        )
    assert exc.value.message_dict == {
        "assisting": ["The lead unit cannot also assist."]
    }


def test_dispatch_rejects_unit_outside_community(world):
    elsewhere = OrganisationFactory(name="别处物业", community=CommunityFactory())
    case = reach(world, S.ACCEPTED)
    before = footprint(case)
    with pytest.raises(ValidationError) as exc:
        services.case_dispatch(case=case, actor=world.staff, lead=elsewhere)
    assert exc.value.message_dict == {"lead": ["别处物业 works in another community."]}
    with pytest.raises(ValidationError) as exc:
        services.case_dispatch(
            case=case, actor=world.staff, lead=world.unit, assisting=[elsewhere]
        )
    assert exc.value.message_dict == {
        "assisting": ["别处物业 works in another community."]
    }
    assert footprint(case) == before


def test_dispatch_accepts_a_department_serving_the_subdistrict(world):
    department = OrganisationFactory(
        name="区水务局",
        kind=OrganisationKind.GOVERNMENT,
        community=None,
        subdistrict=world.community.subdistrict,
    )
    case = reach(world, S.ACCEPTED)
    services.case_dispatch(case=case, actor=world.staff, lead=department)
    assert fresh(case).lead_unit == department


# --- Case events: one per transition, immutable -------------------------------------


def test_every_step_writes_an_event_with_actor_states_and_note(world):
    case = reach(world, S.DISPATCHED)
    services.case_request_return(case=case, actor=world.handler, reason="不归我们")
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert event.action == "request_return"
    assert (event.from_status, event.to_status) == (S.DISPATCHED, S.RETURN_REQUESTED)
    assert event.actor == world.handler
    assert event.actor_label == str(world.handler)
    assert event.note == "不归我们"
    assert event.at is not None


def test_case_event_cannot_be_changed(world):
    case = report(world)
    event = case.events.get()
    event.note = "改写历史"
    with pytest.raises(ValueError, match="Case events are immutable."):
        event.save()
    assert case.events.get().note == ""


def test_system_steps_have_no_actor(world):
    case = reach(world, S.VERIFYING)
    event = case.events.get(action="submit_for_verification")
    assert event.actor is None
    assert event.actor_label == ""


# --- Handling assignments ---------------------------------------------------------


def _active(case):
    return sorted(
        (a.organisation.name, a.role)
        for a in HandlingAssignment.objects.filter(case=case, ended_at__isnull=True)
    )


def test_dispatch_records_lead_and_assisting_units(world):
    case = reach(world, S.ACCEPTED)
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, assisting=[world.other_unit]
    )
    assert _active(case) == [
        (world.unit.name, HandlingRole.LEAD),
        (world.other_unit.name, HandlingRole.ASSISTING),
    ]
    assert fresh(case).lead_unit == world.unit
    assert fresh(case).unit_count == 1


def test_acknowledge_marks_the_lead_assignment(world):
    case = reach(world, S.ACKNOWLEDGED)
    lead = HandlingAssignment.objects.get(case=case, role=HandlingRole.LEAD)
    assert lead.acknowledged_at == fresh(case).acknowledged_at is not None


def test_approved_return_ends_assignments_and_frees_the_case(world):
    case = reach(world, S.RETURN_REQUESTED)
    services.case_decide_return(case=case, actor=world.staff, approve=True)
    case = fresh(case)
    assert case.status == S.ACCEPTED
    assert case.lead_unit is None
    assert _active(case) == []
    services.case_dispatch(case=case, actor=world.staff, lead=world.other_unit)
    assert _active(case) == [(world.other_unit.name, HandlingRole.LEAD)]
    assert HandlingAssignment.objects.filter(case=case).count() == 2
    assert fresh(case).unit_count == 2


def test_refused_return_keeps_the_unit(world):
    case = reach(world, S.RETURN_REQUESTED)
    services.case_decide_return(
        case=case, actor=world.staff, approve=False, note="属于你单位"
    )
    assert fresh(case).status == S.DISPATCHED
    assert _active(case) == [(world.unit.name, HandlingRole.LEAD)]


def test_escalation_ends_assignments_and_redispatch_starts_new_ones(world):
    case = reach(world, S.ACCEPTED)
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, assisting=[world.other_unit]
    )
    j.acknowledge(world, case)
    j.escalate(world, case)
    assert _active(case) == []
    department = OrganisationFactory(
        name="区城管局", community=None, subdistrict=world.community.subdistrict
    )
    services.case_dispatch(case=case, actor=world.staff, lead=department)
    assert _active(case) == [("区城管局", HandlingRole.LEAD)]
    assert fresh(case).status == S.DISPATCHED


def test_only_one_lead_unit_is_active(world):
    case = reach(world, S.DISPATCHED)
    with pytest.raises(IntegrityError), transaction.atomic():
        HandlingAssignment.objects.create(
            case=case,
            organisation=world.other_unit,
            role=HandlingRole.LEAD,
            dispatched_at=case.dispatched_at,
        )


def test_cancel_ends_the_assignments(world):
    case = reach(world, S.DISPATCHED)
    j.cancel(world, case)
    assert _active(case) == []
    assert fresh(case).closed_at is not None


# --- Deadlines on the working-day calendar ----------------------------------------

# Dispatched on the eve of the 2026 National Day holiday (1–7 October), before
# the make-up working Saturday of 10 October.
EVE = at(2026, 9, 30, 10, 0)


def _dispatch_on_eve(world, urgency="general", **kwargs):
    case = reach(world, S.ACCEPTED, urgency=urgency, **kwargs)
    return services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, now=EVE
    )


def test_dispatch_sets_deadlines_across_national_day(world):
    case = fresh(_dispatch_on_eve(world))
    assert case.clock_started_at == EVE
    assert case.signoff_due_at == at(2026, 10, 8, 10, 0) == add_working_days(EVE, 1)
    assert case.contact_due_at == at(2026, 10, 1, 10, 0)
    # 8, 9 and the make-up Saturday 10 October.
    assert case.resolve_due_at == at(2026, 10, 10, 10, 0) == add_working_days(EVE, 3)
    assert case.is_overdue is False


@pytest.mark.parametrize(
    ("urgency", "due"),
    [("urgent", at(2026, 10, 8, 10, 0)), ("complex", at(2026, 10, 15, 10, 0))],
)
def test_resolution_limit_follows_urgency(world, urgency, due):
    assert fresh(_dispatch_on_eve(world, urgency)).resolve_due_at == due


def test_category_policy_overrides_the_defaults(world):
    DeadlinePolicy.objects.create(
        category=world.category,
        urgency="general",
        signoff_days=2,
        contact_hours=12,
        resolve_days=5,
        extension_cap_days=10,
    )
    case = fresh(_dispatch_on_eve(world))
    assert case.signoff_due_at == at(2026, 10, 9, 10, 0)
    assert case.contact_due_at == at(2026, 9, 30, 22, 0)
    assert case.resolve_due_at == at(2026, 10, 13, 10, 0)


def test_redispatch_restarts_the_clock(world):
    case = _dispatch_on_eve(world)
    j.request_return(world, case)
    j.approve_return(world, case)
    later = at(2026, 10, 12, 9, 0)
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.other_unit, now=later
    )
    case = fresh(case)
    assert case.clock_started_at == later
    assert case.dispatched_at == EVE  # the first dispatch is kept
    assert case.signoff_due_at == at(2026, 10, 13, 9, 0)
    assert case.acknowledged_at is None


# --- Audit log --------------------------------------------------------------------


def test_each_transition_is_audited_with_actor_and_states(world):
    case = reach(world, S.CLOSED)
    entries = AuditEvent.objects.filter(object_id=str(case.pk), kind="change")
    actions = set(entries.values_list("action", flat=True))
    assert {
        "case.report",
        "case.accept",
        "case.dispatch",
        "case.acknowledge",
        "case.start",
        "case.reply",
        "case.submit_for_verification",
        "case.confirm",
        "case.close",
    } <= actions
    accept = entries.get(action="case.accept")
    assert accept.actor_id == world.staff.pk
    assert accept.changes == {"status": [S.REPORTED, S.ACCEPTED]}
    assert accept.object_type == "cases.case"


def test_reason_goes_to_the_audit_note(world):
    case = reach(world, S.DISPATCHED)
    j.cancel(world, case)
    entry = AuditEvent.objects.get(object_id=str(case.pk), action="case.cancel")
    assert entry.note == "重复录入"
    assert entry.actor_id == world.admin.pk


# --- Counters ----------------------------------------------------------------------


def _handle(world, case, *, ack=None, contact=None, reply=None):
    services.case_acknowledge(case=case, actor=world.handler, now=ack)
    if contact is not None:
        services.case_record_contact(
            case=case, actor=world.handler, note="电话联系", now=contact
        )
    services.case_reply(case=case, actor=world.handler, note="已处理", now=reply)
    services.case_verify(case=case, actor=world.staff, ok=True)
    return fresh(case)


def test_accepted_is_counted(world):
    reach(world, S.ACCEPTED)
    assert totals()["accepted"] == 1


def test_dispatched_counts_once_per_case_even_after_redispatch(world):
    case = _dispatch_on_eve(world)
    j.request_return(world, case)
    j.approve_return(world, case)
    services.case_dispatch(case=case, actor=world.staff, lead=world.other_unit)
    assert totals()["dispatched"] == 1
    assert totals("community", world.community.pk)["dispatched"] == 1
    assert totals("organisation", world.unit.pk)["dispatched"] == 1


def test_signed_on_time_needs_acknowledgement_before_due(world):
    on_time = _dispatch_on_eve(world)
    services.case_acknowledge(
        case=on_time, actor=world.handler, now=at(2026, 10, 8, 9, 59)
    )
    late = _dispatch_on_eve(world)
    services.case_acknowledge(
        case=late, actor=world.handler, now=at(2026, 10, 8, 10, 1)
    )
    assert totals()["dispatched"] == 2
    assert totals()["signed_on_time"] == 1


def test_signed_on_time_counts_once_after_a_return(world):
    case = _dispatch_on_eve(world)
    services.case_acknowledge(case=case, actor=world.handler, now=at(2026, 10, 8, 9))
    assert totals()["signed_on_time"] == 1
    case = fresh(case)
    services.case_start(case=case, actor=world.handler)
    services.case_escalate(case=case, actor=world.staff, note="需要上级")
    services.case_dispatch(case=case, actor=world.staff, lead=world.unit)
    services.case_acknowledge(case=case, actor=world.handler)
    assert totals()["signed_on_time"] == 1
    assert totals()["dispatched"] == 1


def test_responded_on_time_needs_contact_in_time(world):
    timely = _dispatch_on_eve(world)
    services.case_acknowledge(case=timely, actor=world.handler, now=at(2026, 9, 30, 11))
    assert totals()["responded_on_time"] == 0  # the reporter is not contacted yet
    services.case_record_contact(
        case=timely, actor=world.handler, note="电话联系", now=at(2026, 10, 1, 9)
    )
    late = _dispatch_on_eve(world)
    services.case_acknowledge(case=late, actor=world.handler, now=at(2026, 9, 30, 11))
    services.case_record_contact(
        case=late, actor=world.handler, note="电话联系", now=at(2026, 10, 1, 11)
    )
    assert totals()["responded_on_time"] == 1
    # Recording a second contact does not count again.
    services.case_record_contact(case=timely, actor=world.handler, note="再次联系")
    assert totals()["responded_on_time"] == 1
    assert fresh(timely).events.filter(action="responded").count() == 1


def test_contact_before_acknowledgement_counts_at_acknowledgement(world):
    case = _dispatch_on_eve(world)
    services.case_record_contact(
        case=case, actor=world.handler, note="电话联系", now=at(2026, 9, 30, 12)
    )
    assert totals()["responded_on_time"] == 0
    services.case_acknowledge(case=case, actor=world.handler, now=at(2026, 9, 30, 13))
    assert totals()["responded_on_time"] == 1


def test_responded_without_contact_details_needs_only_sign_off(world):
    case = _dispatch_on_eve(world, reporter=None)
    services.case_acknowledge(case=case, actor=world.handler, now=at(2026, 9, 30, 11))
    assert totals()["responded_on_time"] == 1
    late = _dispatch_on_eve(world, reporter=None)
    services.case_acknowledge(case=late, actor=world.handler, now=at(2026, 10, 9, 11))
    assert totals()["responded_on_time"] == 1


def test_anonymous_reporter_with_a_phone_must_be_contacted(world):
    case = _dispatch_on_eve(world, reporter=None, reporter_phone="13812345678")
    services.case_acknowledge(case=case, actor=world.handler, now=at(2026, 9, 30, 11))
    assert totals()["responded_on_time"] == 0


@pytest.mark.parametrize(
    ("solved", "satisfaction", "expected"),
    [
        ("yes", "satisfied", {"solved": 1, "satisfied": 1}),
        ("partly", "basically", {"partly_solved": 1, "basically_satisfied": 1}),
        ("no", "unsatisfied", {}),
        ("yes", "basically", {"solved": 1, "basically_satisfied": 1}),
    ],
)
def test_rating_counters(world, solved, satisfaction, expected):
    case = reach(world, S.FEEDBACK)
    services.case_rate(
        case=case, actor=world.resident, solved=solved, satisfaction=satisfaction
    )
    counted = totals()
    assert counted["rated"] == 1
    assert counted["closed"] == 1
    for name in ("solved", "partly_solved", "satisfied", "basically_satisfied"):
        assert counted[name] == expected.get(name, 0), name


def test_closed_on_time_needs_reply_by_the_deadline(world):
    on_time = _handle(
        world, _dispatch_on_eve(world), ack=EVE, reply=at(2026, 10, 10, 9, 0)
    )
    services.case_rate(
        case=on_time, actor=world.resident, solved="yes", satisfaction="satisfied"
    )
    late = _handle(world, _dispatch_on_eve(world), ack=EVE, reply=at(2026, 10, 12, 9))
    services.case_auto_close(case=late)
    counted = totals()
    assert (counted["closed"], counted["closed_on_time"], counted["rated"]) == (2, 1, 1)


def test_approved_extension_keeps_a_late_reply_on_time(world):
    case = _dispatch_on_eve(world)
    request = services.case_extension_request(
        case=case, actor=world.handler, days=2, reason="等材料"
    )
    services.case_extension_decide(request=request, actor=world.staff, approve=True)
    case = _handle(world, case, ack=EVE, reply=at(2026, 10, 12, 9))
    services.case_auto_close(case=case)
    assert totals()["closed_on_time"] == 1


def test_reopen_escalate_and_self_resolve_counters(world):
    reach(world, S.REOPENED)
    reach(world, S.ESCALATED)
    j.self_resolve(world, report(world))
    counted = totals()
    assert (counted["reopened"], counted["escalated"], counted["self_resolved"]) == (
        1,
        1,
        1,
    )


def test_counters_land_in_every_scope_of_the_case(world):
    case = reach(world, S.ACKNOWLEDGED)
    for scope, scope_id in [
        ("community", world.community.pk),
        ("street", world.street.pk),
        ("category", world.category.pk),
        ("organisation", world.unit.pk),
    ]:
        assert totals(scope, scope_id)["dispatched"] == 1, scope
    assert fresh(case).events.filter(action="acknowledge").exists()


# --- Rating and reopening ---------------------------------------------------------


def test_good_rating_closes_the_case(world):
    case = reach(world, S.FEEDBACK)
    rating = services.case_rate(
        case=case,
        actor=world.resident,
        solved="yes",
        satisfaction="satisfied",
        comment=" 很快 ",
    )
    case = fresh(case)
    assert case.status == S.CLOSED
    assert case.reopen_requested is False
    assert case.closed_at is not None
    assert (rating.rated_by, rating.comment) == (world.resident, "很快")


@pytest.mark.parametrize(
    ("solved", "satisfaction"),
    [("no", "satisfied"), ("yes", "unsatisfied"), ("no", "unsatisfied")],
)
def test_poor_rating_closes_and_asks_to_reopen(world, solved, satisfaction):
    case = reach(world, S.FEEDBACK)
    services.case_rate(
        case=case, actor=world.resident, solved=solved, satisfaction=satisfaction
    )
    case = fresh(case)
    assert (case.status, case.reopen_requested) == (S.CLOSED, True)


def test_partly_solved_basically_satisfied_does_not_ask_to_reopen(world):
    case = reach(world, S.FEEDBACK)
    services.case_rate(
        case=case, actor=world.resident, solved="partly", satisfaction="basically"
    )
    assert fresh(case).reopen_requested is False


def test_rating_with_the_tracking_token(world):
    reported = services.case_report(
        category=world.category, description="路灯坏了", street=world.street
    )
    case = reported.case
    for step in j.PATHS[S.FEEDBACK]:
        step(world, fresh(case))
    with pytest.raises(PermissionDenied) as exc:
        services.case_rate(
            case=case, actor=None, token="guess", solved="yes", satisfaction="satisfied"
        )
    assert exc.value.args[0] == "Only the person who reported the case can rate it."
    rating = services.case_rate(
        case=case,
        actor=None,
        token=reported.token,
        solved="yes",
        satisfaction="satisfied",
    )
    assert rating.rated_by is None
    assert fresh(case).status == S.CLOSED


def test_only_the_reporter_rates(world):
    case = reach(world, S.FEEDBACK)
    for person in (world.staff, UserFactory(), world.handler):
        with pytest.raises(PermissionDenied, match="Only the person who reported"):
            services.case_rate(
                case=case, actor=person, solved="yes", satisfaction="satisfied"
            )
    assert Rating.objects.count() == 0


def test_rating_a_case_not_waiting_for_one(world):
    case = reach(world, S.VERIFYING)
    with pytest.raises(ValidationError) as exc:
        j.rate(world, case)
    assert exc.value.messages == ["This case is not waiting for a rating."]
    assert Rating.objects.count() == 0


def test_rating_needs_both_answers(world):
    case = reach(world, S.FEEDBACK)
    with pytest.raises(ValidationError) as exc:
        services.case_rate(
            case=case, actor=world.resident, solved="maybe", satisfaction=""
        )
    assert exc.value.message_dict == {
        "solved": ["Say whether the problem was solved."],
        "satisfaction": ["Say how satisfied you are."],
    }
    assert fresh(case).status == S.FEEDBACK
    assert Rating.objects.count() == 0


def test_reopen_and_dispatch_again(world):
    case = reach(world, S.FEEDBACK)
    j.rate_poorly(world, case)
    services.case_reopen(case=case, actor=world.staff, note="居民说没修好")
    case = fresh(case)
    assert case.status == S.REOPENED
    assert (case.reopen_count, case.reopen_requested) == (1, False)
    assert case.closed_at is None
    assert case.replied_at is None
    services.case_dispatch(case=case, actor=world.staff, lead=world.unit)
    assert fresh(case).status == S.DISPATCHED
    assert totals()["dispatched"] == 1


def _close_again(world, case):
    for step in (j.dispatch, j.acknowledge, j.start, j.reply, j.confirm, j.rate_poorly):
        step(world, fresh(case))


def test_third_reopen_puts_the_case_under_supervision(world):
    case = reach(world, S.REOPENED)
    for _ in range(2):
        assert fresh(case).under_supervision is False
        _close_again(world, case)
        j.reopen(world, fresh(case))
    case = fresh(case)
    assert case.reopen_count == 3
    assert case.under_supervision is True
    assert case.supervision_reason == SupervisionReason.REOPENED
    event = case.events.get(action="supervise")
    assert event.actor is None
    assert event.is_public is False
    assert event.data["reason"] == SupervisionReason.REOPENED
    assert totals()["reopened"] == 3


def test_third_lead_unit_puts_the_case_under_supervision(world):
    third = OrganisationFactory(name="市政所", community=world.community)
    case = reach(world, S.ACCEPTED)
    for unit in (world.unit, world.other_unit, third):
        services.case_dispatch(case=fresh(case), actor=world.staff, lead=unit)
        if unit is not third:
            assert fresh(case).under_supervision is False
            handler = world.handler if unit == world.unit else world.other_handler
            services.case_request_return(case=case, actor=handler, reason="不归我们")
            j.approve_return(world, case)
    case = fresh(case)
    assert case.unit_count == 3
    assert (case.under_supervision, case.supervision_reason) == (
        True,
        SupervisionReason.MANY_UNITS,
    )


def test_dispatching_again_to_the_same_unit_does_not_count_a_new_unit(world):
    case = reach(world, S.RETURN_REQUESTED)
    j.approve_return(world, case)
    j.dispatch(world, case)
    assert fresh(case).unit_count == 1


def test_manual_supervision(world):
    case = reach(world, S.DISPATCHED)
    services.case_supervise(case=case, actor=world.staff, note="领导关注")
    case = fresh(case)
    assert (case.under_supervision, case.supervision_reason) == (
        True,
        SupervisionReason.MANUAL,
    )
    assert case.events.get(action="supervise").note == "领导关注"
    with pytest.raises(ValidationError) as exc:
        services.case_supervise(case=case, actor=world.staff, note="再督")
    assert exc.value.messages == ["The case is already under supervision."]
    closed = reach(world, S.CLOSED)
    with pytest.raises(ValidationError) as exc:
        services.case_supervise(case=closed, actor=world.staff, note="督办")
    assert exc.value.messages == ["Only open cases can be supervised."]


def test_contact_is_recorded_only_while_handling(world):
    case = reach(world, S.VERIFYING)
    with pytest.raises(ValidationError) as exc:
        services.case_record_contact(case=case, actor=world.handler, note="电话")
    assert exc.value.messages == [
        "Contact is recorded while the unit handles the case."
    ]


def test_rework_sends_the_case_back_to_the_unit(world):
    case = reach(world, S.VERIFYING)
    j.rework(world, case)
    case = fresh(case)
    assert case.status == S.IN_PROGRESS
    j.reply(world, case)
    assert fresh(case).status == S.VERIFYING


def test_self_resolved_case_goes_to_verification(world):
    case = report(world)
    services.case_self_resolve(case=case, actor=world.chief, note="当场劝离")
    case = fresh(case)
    assert case.status == S.VERIFYING
    assert case.replied_at is not None
    assert list(case.events.values_list("action", flat=True)) == [
        "report",
        "self_resolve",
        "submit_for_verification",
    ]
    services.case_verify(case=case, actor=world.staff, ok=True)
    assert fresh(case).status == S.FEEDBACK


# --- Merge ------------------------------------------------------------------------


def test_merge_carries_supporters_and_reporter_over_once(world):
    neighbour, both, other = UserFactory(), UserFactory(), UserFactory()
    target = report(world, reporter=neighbour)
    duplicate = report(world)  # by world.resident
    services.case_support(case=target, user=both)
    services.case_support(case=duplicate, user=both)
    services.case_support(case=duplicate, user=other)
    services.case_support(case=duplicate, fingerprint="browser-1")
    services.case_support(case=target, fingerprint="browser-1")
    services.case_support(case=duplicate, user=neighbour)  # the target's reporter
    services.case_merge(case=duplicate, into=target, actor=world.staff)

    target, duplicate = fresh(target), fresh(duplicate)
    users = sorted(target.supporters.exclude(user=None).values_list("user", flat=True))
    assert users == sorted([both.pk, other.pk, world.resident.pk])
    assert list(
        target.supporters.exclude(fingerprint="").values_list("fingerprint", flat=True)
    ) == ["browser-1"]
    assert target.supporter_count == 4 == target.supporters.count()
    assert duplicate.status == S.MERGED
    assert duplicate.merged_into == target
    assert duplicate.closed_at is not None
    assert target.events.filter(action="merged_in").count() == 1
    assert duplicate.events.get(action="merge").note == f"Merged into {target.number}."


def test_merge_of_anonymous_report_counts_its_reporter(world):
    target = report(world)
    duplicate = report(world, reporter=None)
    services.case_merge(case=duplicate, into=target, actor=world.staff)
    assert fresh(target).supporter_count == 1
    assert target.supporters.get().fingerprint == f"case:{duplicate.number}"


def test_merge_of_the_target_reporters_own_duplicate_adds_nobody(world):
    target = report(world)
    duplicate = report(world)
    services.case_merge(case=duplicate, into=target, actor=world.staff)
    assert fresh(target).supporter_count == 0


@pytest.mark.parametrize(
    ("make_target", "message"),
    [
        ("self", "A case cannot be merged into itself."),
        ("closed", "Cases can only be merged into an open case."),
        ("merged", "Cases can only be merged into an open case."),
        ("elsewhere", "Both cases must be in the same community."),
    ],
)
def test_merge_refuses_a_wrong_target(world, make_target, message):
    duplicate = report(world)
    if make_target == "self":
        target = duplicate
    elif make_target == "closed":
        target = reach(world, S.CLOSED)
    elif make_target == "merged":
        target = reach(world, S.MERGED)
    else:
        target = report(world, street=StreetFactory(community=CommunityFactory()))
    before = footprint(duplicate)
    with pytest.raises(ValidationError) as exc:
        services.case_merge(case=duplicate, into=target, actor=world.staff)
    assert exc.value.messages == [message]
    assert footprint(duplicate) == before


def test_merge_locks_both_cases_in_one_order(world, monkeypatch):
    from gongzhi.cases.services import triage

    locked = []
    real_lock = triage.lock

    def spy(case, expected_version):
        locked.append(case.pk)
        return real_lock(case, expected_version)

    monkeypatch.setattr(triage, "lock", spy)
    first, second, third = report(world), report(world), report(world)
    services.case_merge(case=second, into=first, actor=world.staff)
    services.case_merge(case=first, into=third, actor=world.staff)
    # Whichever way a pair is merged, the lower id is locked first: two people
    # merging the same pair in opposite directions cannot deadlock.
    assert locked == [first.pk, second.pk, first.pk, third.pk]


def test_merged_case_cannot_be_merged_again(world):
    case = reach(world, S.MERGED)
    with pytest.raises(Exception, match="cannot be given the action"):
        services.case_merge(case=case, into=report(world), actor=world.staff)


# --- Extensions -------------------------------------------------------------------


def test_extension_within_the_cap_moves_the_deadline(world):
    case = _dispatch_on_eve(world)
    request = services.case_extension_request(
        case=case, actor=world.handler, days=2, reason="等待配件"
    )
    assert request.status == ExtensionStatus.PENDING
    assert fresh(case).resolve_due_at == at(2026, 10, 10, 10, 0)
    services.case_extension_decide(request=request, actor=world.staff, approve=True)
    case = fresh(case)
    assert case.extension_days == 2
    # Three working days and two more from the eve: 8, 9, 10 (make-up), 12, 13.
    assert case.resolve_due_at == at(2026, 10, 13, 10, 0) == add_working_days(EVE, 5)
    request = ExtensionRequest.objects.get(pk=request.pk)
    assert (request.status, request.decided_by) == (
        ExtensionStatus.APPROVED,
        world.staff,
    )
    assert case.events.filter(action="extension_approved").count() == 1
    assert AuditEvent.objects.filter(
        object_id=str(case.pk), action="case.extension_decide"
    ).exists()


def test_extension_over_the_cap_is_refused(world):
    case = _dispatch_on_eve(world)  # general: 3 days, cap 15
    with pytest.raises(ValidationError) as exc:
        services.case_extension_request(
            case=case, actor=world.handler, days=13, reason="工程量大"
        )
    assert exc.value.message_dict == {
        "days": ["Between 1 and 12 working days can still be requested."]
    }
    with pytest.raises(ValidationError):
        services.case_extension_request(
            case=case, actor=world.handler, days=0, reason="工程量大"
        )
    request = services.case_extension_request(
        case=case, actor=world.handler, days=12, reason="工程量大"
    )
    services.case_extension_decide(request=request, actor=world.staff, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.case_extension_request(
            case=case, actor=world.handler, days=1, reason="还要"
        )
    assert exc.value.messages == [
        "This case has already been given its extension (one per dispatch)."
    ]
    assert ExtensionRequest.objects.count() == 1


def test_only_one_extension_request_waits_at_a_time(world):
    case = _dispatch_on_eve(world)
    services.case_extension_request(
        case=case, actor=world.handler, days=2, reason="等待配件"
    )
    with pytest.raises(ValidationError) as exc:
        services.case_extension_request(
            case=case, actor=world.handler, days=1, reason="再等"
        )
    assert exc.value.messages == [
        "An extension request for this case is already waiting."
    ]


def test_refusing_an_extension_needs_a_note_and_keeps_the_deadline(world):
    case = _dispatch_on_eve(world)
    request = services.case_extension_request(
        case=case, actor=world.handler, days=2, reason="等待配件"
    )
    with pytest.raises(ValidationError) as exc:
        services.case_extension_decide(
            request=request, actor=world.staff, approve=False, note=" "
        )
    assert exc.value.messages == ["Tell the unit why the extension is refused."]
    assert ExtensionRequest.objects.get(pk=request.pk).status == ExtensionStatus.PENDING
    services.case_extension_decide(
        request=request, actor=world.staff, approve=False, note="配件本地可买"
    )
    case = fresh(case)
    assert (case.extension_days, case.resolve_due_at) == (0, at(2026, 10, 10, 10, 0))
    assert ExtensionRequest.objects.get(pk=request.pk).status == ExtensionStatus.REFUSED
    with pytest.raises(ValidationError) as exc:
        services.case_extension_decide(request=request, actor=world.staff, approve=True)
    assert exc.value.messages == ["This request has already been decided."]


def test_extension_only_while_handling(world):
    case = reach(world, S.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.case_extension_request(
            case=case, actor=world.handler, days=1, reason="x"
        )
    case = reach(world, S.CLOSED)
    with pytest.raises(ValidationError) as exc:
        services.case_extension_request(
            case=case, actor=world.handler, days=1, reason="x"
        )
    assert exc.value.messages == ["Only a case being handled can be extended."]


def test_extension_approval_clears_the_overdue_flag(world):
    case = reach(world, S.ACCEPTED)
    a_week_ago = timezone.now() - dt.timedelta(days=7)
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, now=a_week_ago
    )
    Case.objects.filter(pk=case.pk).update(is_overdue=True)
    request = services.case_extension_request(
        case=case, actor=world.handler, days=12, reason="大修"
    )
    services.case_extension_decide(request=request, actor=world.staff, approve=True)
    case = fresh(case)
    assert case.resolve_due_at == add_working_days(a_week_ago, 15)
    assert case.resolve_due_at > timezone.now()
    assert case.is_overdue is False


# --- Stale forms and double submits ---------------------------------------------

STALE_CALLS = [
    (S.REPORTED, lambda w, c, v: services.case_accept(case=c, actor=w.staff,
                                                      expected_version=v)),
    (S.REPORTED, lambda w, c, v: services.case_reject(
        case=c, actor=w.staff, reason="非本社区", expected_version=v)),
    (S.ACCEPTED, lambda w, c, v: services.case_dispatch(
        case=c, actor=w.staff, lead=w.unit, expected_version=v)),
    (S.DISPATCHED, lambda w, c, v: services.case_acknowledge(
        case=c, actor=w.handler, expected_version=v)),
    (S.IN_PROGRESS, lambda w, c, v: services.case_reply(
        case=c, actor=w.handler, note="好了", expected_version=v)),
    (S.VERIFYING, lambda w, c, v: services.case_verify(
        case=c, actor=w.staff, ok=True, expected_version=v)),
    (S.CLOSED, lambda w, c, v: services.case_reopen(
        case=c, actor=w.staff, note="不满意", expected_version=v)),
    (S.DISPATCHED, lambda w, c, v: services.case_cancel(
        case=c, actor=w.admin, reason="重复", expected_version=v)),
    (S.REPORTED, lambda w, c, v: services.case_withdraw(
        case=c, actor=w.resident, expected_version=v)),
    (S.REPORTED, lambda w, c, v: services.case_edit_by_reporter(
        case=c, actor=w.resident, description="新描述", expected_version=v)),
]  # fmt: skip


@pytest.mark.parametrize(("state", "call"), STALE_CALLS)
def test_stale_form_is_refused_and_writes_nothing(world, state, call):
    case = reach(world, state)
    before = footprint(case)
    with pytest.raises(StaleCaseError) as exc:
        call(world, case, case.version - 1)
    assert exc.value.messages == [STALE]
    assert exc.value.code == "stale"
    assert footprint(case) == before
    call(world, case, case.version)  # the current version goes through
    assert fresh(case).version > case.version


def test_double_submitted_form_acts_once(world):
    case = report(world)
    version = case.version
    services.case_accept(case=case, actor=world.staff, expected_version=version)
    with pytest.raises(StaleCaseError):
        services.case_accept(case=case, actor=world.staff, expected_version=version)
    assert fresh(case).events.filter(action="accept").count() == 1
    assert totals()["accepted"] == 1


def test_every_transition_bumps_the_version(world):
    case = report(world)
    versions = [case.version]
    for step in (j.accept, j.dispatch, j.acknowledge, j.start):
        step(world, fresh(case))
        versions.append(fresh(case).version)
    assert versions == sorted(set(versions))
