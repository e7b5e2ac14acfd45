"""Who may do what to a case: role and scope, every action."""

from __future__ import annotations

import pytest

from gongzhi.accounts.choices import Role
from gongzhi.accounts.services import role_assign
from gongzhi.accounts.tests.factories import UserFactory, user_with_role
from gongzhi.cases import services
from gongzhi.cases.choices import Action, Status
from gongzhi.cases.permissions import (
    can_act,
    can_decide_extension,
    can_request_extension,
    can_supervise,
    can_view_case,
    can_view_reporter_contact,
    is_assisting_handler,
    is_case_staff,
    is_lead_handler,
    unit_ids,
)
from gongzhi.orgs.tests.factories import OrganisationFactory
from gongzhi.places.tests.factories import CommunityFactory

from . import journeys as j
from .factories import make_world
from .journeys import fresh, reach

A = Action
STAFF_ACTIONS = {
    A.ACCEPT,
    A.REJECT,
    A.MERGE,
    A.DISPATCH,
    A.APPROVE_RETURN,
    A.REFUSE_RETURN,
    A.ESCALATE,
    A.SUBMIT_FOR_VERIFICATION,
    A.REWORK,
    A.CONFIRM,
    A.CLOSE,
    A.REOPEN,
}
HANDLER_ACTIONS = {A.ACKNOWLEDGE, A.REQUEST_RETURN, A.START, A.REPLY}

# Who may take each action on a case dispatched to world.unit on world.street.
EXPECTED = {
    "staff": STAFF_ACTIONS | {A.SELF_RESOLVE},
    "subdistrict_staff": STAFF_ACTIONS | {A.SELF_RESOLVE},
    "admin": STAFF_ACTIONS | {A.SELF_RESOLVE, A.CANCEL},
    "handler": HANDLER_ACTIONS,
    "liaison": HANDLER_ACTIONS,
    "assisting_handler": set(),
    "outside_handler": set(),
    "chief": {A.SELF_RESOLVE},
    "other_chief": set(),
    "reporter": {A.WITHDRAW},
    "stranger": set(),
    "leader": set(),
    "other_staff": set(),
    "anonymous": set(),
}


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def people(world):
    from django.contrib.auth.models import AnonymousUser

    outside_unit = OrganisationFactory(name="别的物业", community=world.community)
    return {
        "staff": world.staff,
        "subdistrict_staff": user_with_role(Role.STAFF, world.community.subdistrict),
        "admin": world.admin,
        "handler": world.handler,
        "liaison": user_with_role(Role.LIAISON, world.unit),
        "assisting_handler": world.other_handler,
        "outside_handler": user_with_role(Role.HANDLER, outside_unit),
        "chief": world.chief,
        "other_chief": j.other_street_chief(world),
        "reporter": world.resident,
        "stranger": UserFactory(),
        "leader": user_with_role(Role.LEADER, world.community),
        "other_staff": j.other_community_staff(),
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def case(world):
    case = reach(world, Status.ACCEPTED)
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, assisting=[world.other_unit]
    )
    return fresh(case)


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_who_may_take_each_action(people, case, who):
    allowed = {a for a in A if can_act(people[who], case, a)}
    assert allowed == EXPECTED[who]


def test_nobody_takes_redispatch(people, case):
    assert not any(can_act(p, case, A.REDISPATCH) for p in people.values())


def test_unknown_action_is_nobodys(people, case):
    assert not any(can_act(p, case, "explode") for p in people.values())


def test_handler_who_is_also_staff_may_do_staff_work_but_not_confirm(world, case):
    role_assign(actor=None, user=world.staff, role=Role.HANDLER, scope=world.unit)
    assert can_act(world.staff, case, A.DISPATCH)
    assert can_act(world.staff, case, A.REWORK)
    assert can_act(world.staff, case, A.ACKNOWLEDGE)
    assert not can_act(world.staff, case, A.CONFIRM)


def test_unit_membership_by_handler_and_liaison(world, people):
    assert unit_ids(world.handler) == {world.unit.pk}
    assert unit_ids(people["liaison"]) == {world.unit.pk}
    assert unit_ids(world.staff) == set()
    assert unit_ids(people["anonymous"]) == set()


def test_staff_scope_reaches_the_cases_street_through_its_community(world, case):
    assert is_case_staff(world.staff, case)
    assert not is_case_staff(j.other_community_staff(), case)
    case_without_street = j.report(world, community=world.community)
    assert is_case_staff(world.staff, case_without_street)


def test_handler_loses_the_case_when_it_is_returned(world, case):
    assert is_lead_handler(world.handler, case)
    assert is_assisting_handler(world.other_handler, case)
    j.request_return(world, case)
    j.approve_return(world, fresh(case))
    case = fresh(case)
    assert not is_lead_handler(world.handler, case)
    assert not is_assisting_handler(world.other_handler, case)
    assert not can_view_case(world.handler, case)
    assert not can_view_case(world.other_handler, case)


VIEWERS = {
    "staff": True,
    "subdistrict_staff": True,
    "admin": True,
    "leader": True,
    "handler": True,
    "liaison": True,
    "assisting_handler": True,
    "chief": True,
    "reporter": True,
    "outside_handler": False,
    "other_chief": False,
    "stranger": False,
    "other_staff": False,
    "anonymous": False,
}


@pytest.mark.parametrize(("who", "sees"), sorted(VIEWERS.items()))
def test_who_sees_the_case(people, case, who, sees):
    assert can_view_case(people[who], case) is sees


CONTACT = {
    "staff": True,
    "admin": True,
    "handler": True,
    "liaison": True,
    "assisting_handler": False,
    "chief": True,  # their own street (DESIGN §1)
    "other_chief": False,
    "leader": False,
    "stranger": False,
    "other_staff": False,
}


@pytest.mark.parametrize(("who", "sees"), sorted(CONTACT.items()))
def test_who_sees_the_reporters_contact(people, case, who, sees):
    assert can_view_reporter_contact(people[who], case) is sees


def test_nobody_sees_an_anonymous_reporters_contact(world, people):
    case = reach(world, Status.ACCEPTED, is_anonymous=True)
    j.dispatch(world, case)
    case = fresh(case)
    assert not any(can_view_reporter_contact(p, case) for p in people.values())


def test_extension_and_supervision_rights(people, case):
    requesters = {w for w, p in people.items() if can_request_extension(p, case)}
    assert requesters == {"handler", "liaison"}
    deciders = {w for w, p in people.items() if can_decide_extension(p, case)}
    assert deciders == {"staff", "subdistrict_staff", "admin"}
    supervisors = {w for w, p in people.items() if can_supervise(p, case)}
    assert supervisors == {"staff", "subdistrict_staff", "admin", "leader"}


def test_superuser_counts_as_staff_everywhere(world, case):
    root = UserFactory(is_superuser=True, is_staff=True)
    assert can_act(root, case, A.DISPATCH)
    assert can_act(root, case, A.CANCEL)
    assert not can_act(root, case, A.ACKNOWLEDGE)  # not a member of the unit


def test_inactive_user_has_no_rights(world, case):
    world.staff.is_active = False
    world.staff.save()
    staff = type(world.staff).objects.get(pk=world.staff.pk)
    assert not can_act(staff, case, A.DISPATCH)
    assert not can_view_case(staff, case)


def test_staff_of_another_community_of_the_same_subdistrict_is_refused(world, case):
    neighbour = CommunityFactory(subdistrict=world.community.subdistrict)
    assert not can_act(user_with_role(Role.STAFF, neighbour), case, A.ACCEPT)
