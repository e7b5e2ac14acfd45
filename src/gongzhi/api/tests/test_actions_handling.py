"""Dispatch and handling: dispatch, acknowledge, returns, start, reply, escalate."""

from __future__ import annotations

import pytest

from gongzhi.cases import services
from gongzhi.cases.choices import Status
from gongzhi.cases.models import CasePhoto
from gongzhi.orgs.tests.factories import OrganisationFactory
from gongzhi.places.tests.factories import CommunityFactory

from .conftest import (
    NOT_ALLOWED,
    assert_error,
    dispatched,
    in_progress,
    png,
    report,
    service_error,
    status_of,
)

pytestmark = pytest.mark.django_db


# --- dispatch and handling ------------------------------------------------------------


def test_dispatch_with_assisting_units(world, as_user):
    case = report(world)
    services.case_accept(case=case, actor=world.staff)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/dispatch",
        {"lead": world.unit.pk, "assisting": [world.other_unit.pk], "note": "请尽快"},
    )

    assert status_of(response) == Status.DISPATCHED
    roles = {
        a["unit"]["id"]: a["role"]["value"] for a in response.json()["assignments"]
    }
    assert roles == {world.unit.pk: "lead", world.other_unit.pk: "assisting"}


def test_dispatch_to_an_unknown_unit_is_400(world, as_user):
    case = report(world)
    services.case_accept(case=case, actor=world.staff)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/dispatch", {"lead": 424242}
    )

    message = "Select a valid choice. That choice is not one of the available choices."
    assert_error(response, 400, {"detail": message, "errors": {"lead": [message]}})


def test_dispatch_messages_come_from_the_service(world, as_user):
    case = report(world)
    services.case_accept(case=case, actor=world.staff)
    client = as_user(world.staff)
    inactive = OrganisationFactory(community=world.community, is_active=False)
    elsewhere = OrganisationFactory(community=CommunityFactory())

    for lead, assisting in (
        (inactive, []),
        (world.unit, [world.unit]),
        (elsewhere, []),
    ):
        response = client.post(
            f"/cases/{case.number}/actions/dispatch",
            {"lead": lead.pk, "assisting": [u.pk for u in assisting]},
        )
        expected = service_error(
            lambda lead=lead, assisting=assisting: services.case_dispatch(
                case=case, actor=world.staff, lead=lead, assisting=assisting
            )
        )
        assert_error(response, 400, expected)


def test_acknowledge_by_the_lead_unit(world, as_user):
    case = dispatched(world)

    response = as_user(world.handler).post(
        f"/cases/{case.number}/actions/acknowledge", {"expected_version": case.version}
    )

    assert status_of(response) == Status.ACKNOWLEDGED


def test_acknowledge_by_staff_is_403(world, as_user):
    case = dispatched(world)

    response = as_user(world.staff).post(f"/cases/{case.number}/actions/acknowledge")

    assert_error(response, 403, {"detail": NOT_ALLOWED})


def test_request_and_refuse_a_return(world, as_user):
    case = dispatched(world)
    handler, staff = as_user(world.handler), as_user(world.staff)

    missing = handler.post(f"/cases/{case.number}/actions/request_return", {})
    asked = handler.post(
        f"/cases/{case.number}/actions/request_return", {"reason": "不属于我单位"}
    )
    unexplained = staff.post(
        f"/cases/{case.number}/actions/decide_return", {"approve": False}
    )
    refused = staff.post(
        f"/cases/{case.number}/actions/decide_return",
        {"approve": False, "note": "属于你单位"},
    )

    assert_error(
        missing,
        400,
        {
            "detail": "Explain why the case is not for your unit.",
            "errors": {"__all__": ["Explain why the case is not for your unit."]},
        },
    )
    assert status_of(asked) == Status.RETURN_REQUESTED
    assert unexplained.status_code == 400
    assert unexplained.json()["detail"] == "Tell the unit why the return is refused."
    assert status_of(refused) == Status.DISPATCHED


def test_approve_a_return(world, as_user):
    case = dispatched(world)
    services.case_request_return(case=case, actor=world.handler, reason="不属于")

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/decide_return", {"approve": True}
    )

    assert status_of(response) == Status.ACCEPTED
    assert response.json()["lead_unit"] is None


def test_start_reply_with_photo_and_escalate(world, as_user):
    case = dispatched(world)
    services.case_acknowledge(case=case, actor=world.handler)
    handler = as_user(world.handler)

    started = handler.post(f"/cases/{case.number}/actions/start", {})
    replied = handler.post_form(
        f"/cases/{case.number}/actions/reply", {"note": "已清理", "photos": png()}
    )

    assert status_of(started) == Status.IN_PROGRESS
    assert status_of(replied) == Status.VERIFYING
    assert CasePhoto.objects.filter(case=case, event__action="reply").count() == 1


def test_reply_needs_a_note(world, as_user):
    case = in_progress(world)

    response = as_user(world.handler).post_form(
        f"/cases/{case.number}/actions/reply", {"note": "  "}
    )

    expected = service_error(
        lambda: services.case_reply(case=case, actor=world.handler, note="  ")
    )
    assert expected["detail"] == "Describe what was done."
    assert_error(response, 400, expected)


def test_escalate_needs_a_note_and_staff(world, as_user):
    case = in_progress(world)

    by_handler = as_user(world.handler).post(
        f"/cases/{case.number}/actions/escalate", {"note": "需要上级"}
    )
    without_note = as_user(world.staff).post(
        f"/cases/{case.number}/actions/escalate", {}
    )
    done = as_user(world.staff).post(
        f"/cases/{case.number}/actions/escalate", {"note": "需要上级"}
    )

    assert_error(
        by_handler,
        by_handler.status_code,
        service_error(
            lambda: services.case_escalate(case=case, actor=world.handler, note="x")
        ),
    )
    assert by_handler.status_code == 403
    assert without_note.status_code == 400
    assert without_note.json()["detail"] == "Say why the case needs a higher unit."
    assert status_of(done) == Status.ESCALATED
