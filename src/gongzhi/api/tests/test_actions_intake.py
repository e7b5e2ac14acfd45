"""Actions on a new report: accept, reject, merge, withdraw, self-resolve.

Every error is the service's own message, the one the web pages show.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.cases import services
from gongzhi.cases.choices import Status
from gongzhi.cases.models import CasePhoto

from .conftest import (
    NOT_ALLOWED,
    assert_error,
    png,
    report,
    service_error,
    status_of,
)

pytestmark = pytest.mark.django_db


# --- accept ---------------------------------------------------------------------------


def test_accept(world, as_user):
    case = report(world)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/accept",
        {"urgency": "urgent", "note": "受理", "expected_version": 1},
    )

    assert status_of(response) == Status.ACCEPTED
    assert response.json()["urgency"]["value"] == "urgent"
    assert response.json()["version"] == 2


def test_accept_forbidden_for_a_handler_who_cannot_see_it(world, as_user):
    case = report(world)

    response = as_user(world.handler).post(f"/cases/{case.number}/actions/accept")

    assert_error(
        response,
        403,
        {"detail": "Your account does not have permission to see this page."},
    )


def test_accept_forbidden_for_the_reporter(world, as_user):
    # The reporter sees the case but may not accept it: the service says so
    case = report(world)

    response = as_user(world.resident).post(f"/cases/{case.number}/actions/accept")

    expected = service_error(
        lambda: services.case_accept(case=case, actor=world.resident)
    )
    assert expected == {"detail": NOT_ALLOWED}
    assert_error(response, 403, expected)


def test_accept_unknown_urgency_is_400(world, as_user):
    case = report(world)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/accept", {"urgency": "whenever"}
    )

    expected = service_error(
        lambda: services.case_accept(case=case, actor=world.staff, urgency="whenever")
    )
    assert expected["errors"] == {"urgency": ["Unknown urgency."]}
    assert_error(response, 400, expected)


def test_accept_unknown_category_is_400(world, as_user):
    case = report(world)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/accept", {"category": 987654}
    )

    message = "Select a valid choice. That choice is not one of the available choices."
    assert_error(response, 400, {"detail": message, "errors": {"category": [message]}})


def test_accept_twice_is_409_with_the_transition_message(world, as_user):
    case = report(world)
    services.case_accept(case=case, actor=world.staff)

    response = as_user(world.staff).post(f"/cases/{case.number}/actions/accept")

    expected = service_error(lambda: services.case_accept(case=case, actor=world.staff))
    assert "cannot be given the action" in expected["detail"]
    assert_error(response, 409, expected)


def test_stale_version_is_409(world, as_user):
    case = report(world)
    services.case_accept(case=case, actor=world.staff)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/reject",
        {"reason": "重复", "expected_version": 1},
    )

    expected = service_error(
        lambda: services.case_reject(
            case=case, actor=world.staff, reason="重复", expected_version=1
        )
    )
    assert expected["detail"].startswith("Someone else changed this case")
    assert_error(response, 409, expected)


def test_body_of_the_wrong_type_is_400(world, as_user):
    case = report(world)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/accept", {"expected_version": "two"}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["expected_version"]


def test_body_that_is_not_json_is_400(world, as_user):
    case = report(world)
    client = as_user(world.staff)

    response = client.client.post(
        f"/api/cases/{case.number}/actions/accept",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}"},
    )

    assert_error(response, 400, {"detail": "The request body is not valid JSON."})


def test_nul_characters_are_refused_like_a_form_does(world, as_user):
    case = report(world)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/reject", {"reason": "a\x00b"}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Null characters are not allowed."]}


# --- reject, merge, withdraw, self-resolve --------------------------------------------


def test_reject_needs_a_reason(world, as_user):
    case = report(world)

    response = as_user(world.staff).post(f"/cases/{case.number}/actions/reject", {})

    expected = service_error(
        lambda: services.case_reject(case=case, actor=world.staff, reason="")
    )
    assert expected["detail"] == "Give the reason for rejecting the case."
    assert_error(response, 400, expected)


def test_reject(world, as_user):
    case = report(world)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/reject", {"reason": "不属于本社区"}
    )

    assert status_of(response) == Status.REJECTED


def test_merge(world, as_user):
    target = report(world)
    duplicate = report(world)

    response = as_user(world.staff).post(
        f"/cases/{duplicate.number}/actions/merge", {"into": target.number}
    )

    assert status_of(response) == Status.MERGED
    assert response.json()["merged_into"] == target.number


@pytest.mark.parametrize(
    ("into", "message"),
    [
        ("", "Give the number of the case this one duplicates."),
        ("999999-999999", "There is no case numbered 999999-999999."),
    ],
)
def test_merge_target_must_be_a_case(world, as_user, into, message):
    case = report(world)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/merge", {"into": into}
    )

    assert_error(response, 400, {"detail": message, "errors": {"into": [message]}})


def test_merge_into_itself_is_400(world, as_user):
    case = report(world)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/actions/merge", {"into": case.number}
    )

    expected = service_error(
        lambda: services.case_merge(case=case, into=case, actor=world.staff)
    )
    assert expected["detail"] == "A case cannot be merged into itself."
    assert_error(response, 400, expected)


def test_withdraw_by_the_reporter(world, as_user):
    case = report(world)

    response = as_user(world.resident).post(
        f"/cases/{case.number}/actions/withdraw", {"reason": "已自行解决"}
    )

    assert status_of(response) == Status.CANCELLED


def test_withdraw_by_staff_is_403(world, as_user):
    case = report(world)

    response = as_user(world.staff).post(f"/cases/{case.number}/actions/withdraw")

    expected = service_error(
        lambda: services.case_withdraw(case=case, actor=world.staff)
    )
    assert expected == {"detail": "Only the reporter can withdraw a case."}
    assert_error(response, 403, expected)


def test_self_resolve_with_photos_by_the_street_chief(world, as_user):
    case = report(world)

    response = as_user(world.chief).post_form(
        f"/cases/{case.number}/actions/self_resolve",
        {"note": "已清理", "expected_version": 1, "photos": [png(), png("b.png")]},
    )

    assert status_of(response) == Status.VERIFYING
    assert (
        CasePhoto.objects.filter(case=case, event__action="self_resolve").count() == 2
    )


def test_self_resolve_refuses_what_is_not_a_photo(world, as_user):
    case = report(world)
    junk = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")

    response = as_user(world.chief).post_form(
        f"/cases/{case.number}/actions/self_resolve", {"note": "已清理", "photos": junk}
    )

    message = "Photo 1 is not a photo that can be read."
    assert_error(response, 400, {"detail": message, "errors": {"photos": [message]}})


def test_self_resolve_refuses_too_many_photos(world, as_user):
    case = report(world)

    response = as_user(world.chief).post_form(
        f"/cases/{case.number}/actions/self_resolve",
        {"note": "已清理", "photos": [png(f"{n}.png") for n in range(4)]},
    )

    message = "At most 3 photos."
    assert_error(response, 400, {"detail": message, "errors": {"photos": [message]}})


def test_self_resolve_needs_a_note(world, as_user):
    case = report(world)

    response = as_user(world.chief).post_form(
        f"/cases/{case.number}/actions/self_resolve", {}
    )

    expected = service_error(
        lambda: services.case_self_resolve(case=case, actor=world.chief, note="")
    )
    assert expected["detail"] == "Say what was done on the spot."
    assert_error(response, 400, expected)
