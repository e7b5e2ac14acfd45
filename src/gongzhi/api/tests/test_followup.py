"""Beside the lifecycle: contact, supervision, extensions, photos."""

from __future__ import annotations

import pytest

from gongzhi.cases import services
from gongzhi.cases.models import CasePhoto

from .conftest import (
    NOT_ALLOWED,
    assert_error,
    dispatched,
    in_progress,
    png,
    report,
    service_error,
    verifying,
)

pytestmark = pytest.mark.django_db


# --- contact, supervision, extensions -------------------------------------------------


def test_record_contact(world, as_user):
    case = dispatched(world)
    handler = as_user(world.handler)

    done = handler.post(f"/cases/{case.number}/contact", {"note": "电话联系"})
    missing = handler.post(f"/cases/{case.number}/contact", {})
    by_staff = as_user(world.staff).post(
        f"/cases/{case.number}/contact", {"note": "电话"}
    )

    assert done.status_code == 200
    assert done.json()["contacted_at"] is not None
    assert missing.json()["detail"] == "Say how and when the reporter was contacted."
    assert_error(by_staff, 403, {"detail": NOT_ALLOWED})


def test_record_contact_outside_handling_is_400(world, as_user):
    case = verifying(world)

    response = as_user(world.handler).post(
        f"/cases/{case.number}/contact", {"note": "电话"}
    )

    expected = service_error(
        lambda: services.case_record_contact(
            case=case, actor=world.handler, note="电话"
        )
    )
    assert expected["detail"] == "Contact is recorded while the unit handles the case."
    assert_error(response, 400, expected)


def test_supervise(world, as_user):
    case = dispatched(world)
    staff = as_user(world.staff)

    done = staff.post(f"/cases/{case.number}/supervise", {"note": "多次反映"})
    again = staff.post(f"/cases/{case.number}/supervise", {"note": "多次反映"})
    by_handler = as_user(world.handler).post(
        f"/cases/{case.number}/supervise", {"note": "x"}
    )

    assert done.json()["under_supervision"] is True
    assert again.json()["detail"] == "The case is already under supervision."
    assert_error(by_handler, 403, {"detail": NOT_ALLOWED})


def test_extension_request_and_approval(world, as_user):
    case = in_progress(world)
    handler, staff = as_user(world.handler), as_user(world.staff)

    asked = handler.post(
        f"/cases/{case.number}/extension-requests", {"days": 2, "reason": "需要采购"}
    )
    again = handler.post(
        f"/cases/{case.number}/extension-requests", {"days": 2, "reason": "再延"}
    )
    request_id = asked.json()["id"]
    offered = staff.get(f"/cases/{case.number}").json()
    approved = staff.post(
        f"/cases/{case.number}/extension-requests/{request_id}/decision",
        {"approve": True},
    )
    twice = staff.post(
        f"/cases/{case.number}/extension-requests/{request_id}/decision",
        {"approve": True},
    )

    assert asked.status_code == 201
    assert asked.json()["status"]["value"] == "pending"
    assert again.json()["detail"] == (
        "An extension request for this case is already waiting."
    )
    assert "extension_decision" in offered["allowed_actions"]
    assert offered["pending_extension"]["id"] == request_id
    assert approved.status_code == 200
    assert approved.json()["status"]["value"] == "approved"
    assert twice.json()["detail"] == "This request has already been decided."
    case.refresh_from_db()
    assert case.extension_days == 2


def test_extension_days_out_of_range_uses_the_service_message(world, as_user):
    case = in_progress(world)

    response = as_user(world.handler).post(
        f"/cases/{case.number}/extension-requests", {"days": 0, "reason": "x"}
    )

    expected = service_error(
        lambda: services.case_extension_request(
            case=case, actor=world.handler, days=0, reason="x"
        )
    )
    assert expected["errors"]["days"][0].startswith("Between 1 and")
    assert_error(response, 400, expected)


def test_extension_request_by_staff_is_403(world, as_user):
    case = in_progress(world)

    response = as_user(world.staff).post(
        f"/cases/{case.number}/extension-requests", {"days": 1, "reason": "x"}
    )

    assert_error(response, 403, {"detail": NOT_ALLOWED})


def test_extension_refusal_needs_a_note_and_staff(world, as_user):
    case = in_progress(world)
    pending = services.case_extension_request(
        case=case, actor=world.handler, days=1, reason="x"
    )
    url = f"/cases/{case.number}/extension-requests/{pending.pk}/decision"

    by_handler = as_user(world.handler).post(url, {"approve": True})
    unexplained = as_user(world.staff).post(url, {"approve": False})
    refused = as_user(world.staff).post(url, {"approve": False, "note": "不批准"})

    assert_error(by_handler, 403, {"detail": NOT_ALLOWED})
    assert unexplained.json()["detail"] == "Tell the unit why the extension is refused."
    assert refused.json()["status"]["value"] == "refused"


def test_extension_decision_on_another_cases_request_is_404(world, as_user):
    case = in_progress(world)
    other = in_progress(world)
    pending = services.case_extension_request(
        case=other, actor=world.handler, days=1, reason="x"
    )

    response = as_user(world.staff).post(
        f"/cases/{case.number}/extension-requests/{pending.pk}/decision",
        {"approve": True},
    )

    assert_error(
        response, 404, {"detail": f"This case has no extension request {pending.pk}."}
    )


def test_action_on_unknown_case_is_404(world, as_user):
    response = as_user(world.staff).post("/cases/123/actions/accept", {})

    assert_error(response, 404, {"detail": "There is no case numbered 123."})


def test_unknown_action_is_404_json(world, as_user):
    case = report(world)

    response = as_user(world.staff).post(f"/cases/{case.number}/actions/fly", {})

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


# --- photos ---------------------------------------------------------------------------


def test_photos_of_a_reply_are_listed_and_served(world, as_user):
    case = in_progress(world)
    handler = as_user(world.handler)
    handler.post_form(
        f"/cases/{case.number}/actions/reply", {"note": "已清理", "photos": png()}
    )

    events = handler.get(f"/cases/{case.number}/events").json()
    shown = next(e for e in events if e["action"] == "reply")["photos"][0]
    full = handler.get(shown["url"].removeprefix("/api"))
    thumb = handler.get(shown["thumbnail_url"].removeprefix("/api"))

    assert full.status_code == 200
    assert full["Content-Type"] == "image/png"
    assert (shown["width"], shown["height"]) == (40, 30)
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"
    assert b"".join(full.streaming_content).startswith(b"\x89PNG")


def test_photo_refusals(world, as_user):
    case = in_progress(world)
    services.case_reply(case=case, actor=world.handler, note="已清理", photos=[])
    record = CasePhoto.objects.create(case=case, is_public=False, width=1, height=1)
    record.image.save("p.png", png(), save=False)
    record.thumbnail.save("p_t.jpg", png(), save=True)
    url = f"/cases/{case.number}/photos/{record.pk}"

    assert as_user(world.staff).get(url).status_code == 200
    # The reporter sees the public photos only
    assert as_user(world.resident).get(url).status_code == 404
    assert as_user(world.other_handler).get(url).status_code == 403
    missing = as_user(world.staff).get(f"/cases/{case.number}/photos/99999")
    assert_error(missing, 404, {"detail": "This case has no photo 99999."})
    assert as_user(world.staff).get(url, {"size": "huge"}).status_code == 400
