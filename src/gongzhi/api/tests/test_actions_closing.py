"""The end of a case: verification, rating, reopening, cancelling."""

from __future__ import annotations

import pytest

from gongzhi.cases import services
from gongzhi.cases.choices import Status

from .conftest import (
    NOT_ALLOWED,
    assert_error,
    feedback,
    png,
    report,
    service_error,
    status_of,
    verifying,
)

pytestmark = pytest.mark.django_db


# --- verification, rating, reopening, cancelling --------------------------------------


def test_verify_confirm_and_rework(world, as_user):
    first, second = verifying(world), verifying(world)
    staff = as_user(world.staff)

    confirmed = staff.post_form(f"/cases/{first.number}/actions/verify", {"ok": "true"})
    unexplained = staff.post_form(
        f"/cases/{second.number}/actions/verify", {"ok": "false"}
    )
    reworked = staff.post_form(
        f"/cases/{second.number}/actions/verify",
        {"ok": "false", "note": "还有垃圾", "photos": png()},
    )

    assert status_of(confirmed) == Status.FEEDBACK
    assert unexplained.status_code == 400
    assert unexplained.json()["detail"] == "Say what still needs doing."
    assert status_of(reworked) == Status.IN_PROGRESS


def test_verify_by_the_handling_unit_is_403(world, as_user):
    case = verifying(world)

    response = as_user(world.handler).post_form(
        f"/cases/{case.number}/actions/verify", {"ok": "true"}
    )

    assert_error(response, 403, {"detail": NOT_ALLOWED})


def test_verify_needs_ok(world, as_user):
    case = verifying(world)

    response = as_user(world.staff).post_form(
        f"/cases/{case.number}/actions/verify", {}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ok"]


def test_rate_by_the_reporter_closes_the_case(world, as_user):
    case = feedback(world)

    response = as_user(world.resident).post(
        f"/cases/{case.number}/actions/rate",
        {"solved": "yes", "satisfaction": "satisfied", "comment": "谢谢"},
    )

    assert status_of(response) == Status.CLOSED


def test_rate_by_staff_is_403(world, as_user):
    case = feedback(world)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/rate",
        {"solved": "yes", "satisfaction": "satisfied"},
    )

    assert_error(
        response, 403, {"detail": "Only the person who reported the case can rate it."}
    )


def test_rate_with_unknown_answers_is_400(world, as_user):
    case = feedback(world)

    response = as_user(world.resident).post(f"/cases/{case.number}/actions/rate", {})

    expected = service_error(
        lambda: services.case_rate(
            case=case, actor=world.resident, solved="", satisfaction=""
        )
    )
    assert expected["errors"] == {
        "solved": ["Say whether the problem was solved."],
        "satisfaction": ["Say how satisfied you are."],
    }
    assert_error(response, 400, expected)


def test_reopen_after_a_poor_rating(world, as_user):
    case = feedback(world)
    services.case_rate(
        case=case, actor=world.resident, solved="no", satisfaction="unsatisfied"
    )
    staff = as_user(world.staff)

    offered = staff.get(f"/cases/{case.number}").json()["allowed_actions"]
    unexplained = staff.post(f"/cases/{case.number}/actions/reopen", {})
    reopened = staff.post(
        f"/cases/{case.number}/actions/reopen", {"note": "居民不满意"}
    )

    assert "reopen" in offered
    assert unexplained.json()["detail"] == "Say why the case is reopened."
    assert status_of(reopened) == Status.REOPENED


def test_cancel_by_an_admin_only(world, as_user):
    case = report(world)

    by_staff = as_user(world.staff).post(
        f"/cases/{case.number}/actions/cancel", {"reason": "测试"}
    )
    without_reason = as_user(world.admin).post(
        f"/cases/{case.number}/actions/cancel", {}
    )
    by_admin = as_user(world.admin).post(
        f"/cases/{case.number}/actions/cancel", {"reason": "测试数据"}
    )

    assert_error(by_staff, 403, {"detail": NOT_ALLOWED})
    assert without_reason.json()["detail"] == "Give the reason for cancelling the case."
    assert status_of(by_admin) == Status.CANCELLED
