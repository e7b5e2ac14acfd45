"""The work pages: case page and its actions, handler inbox, staff console, hotline
entry, photos and in-app notifications. Anonymous, forbidden, success and invalid
input for each; list query counts pinned."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gongzhi.accounts.choices import Role
from gongzhi.accounts.tests.factories import UserFactory, user_with_role
from gongzhi.cases import services
from gongzhi.cases.choices import Channel, ExtensionStatus, HandlingRole, Status
from gongzhi.cases.models import Case, CaseEvent, RoutingRule
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.core.notify import notify_user
from gongzhi.orgs.tests.factories import OrganisationFactory
from gongzhi.places.tests.factories import CommunityFactory, StreetFactory

from .factories import CategoryAttributeFactory, CategoryFactory, make_world

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def en(client):
    """The test client, speaking English so messages can be asserted."""
    client.cookies["django_language"] = "en"
    return client


def report(world, **kwargs) -> Case:
    kwargs.setdefault("category", world.category)
    kwargs.setdefault("description", "巷口垃圾堆放三天没人清")
    kwargs.setdefault("street", world.street)
    kwargs.setdefault("reporter_name", "黄伟明")
    kwargs.setdefault("reporter_phone", PHONE)
    return services.case_report(**kwargs).case


def accepted(world, **kwargs) -> Case:
    case = report(world, **kwargs)
    services.case_accept(case=case, actor=world.staff)
    return fresh(case)


def dispatched(world, *, assisting=(), **kwargs) -> Case:
    case = accepted(world, **kwargs)
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, assisting=list(assisting)
    )
    return fresh(case)


def acknowledged(world, **kwargs) -> Case:
    case = dispatched(world, **kwargs)
    services.case_acknowledge(case=case, actor=world.handler)
    return fresh(case)


def verifying(world) -> Case:
    case = acknowledged(world)
    services.case_reply(case=case, actor=world.handler, note="已清理")
    return fresh(case)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def detail_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.number])


def act(client, case: Case, slug: str, **data):
    data.setdefault("version", fresh(case).version)
    return client.post(reverse("cases:act", args=[case.number, slug]), data)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def png(name: str = "fix.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


# --- Case page -------------------------------------------------------------------


def test_case_page_anonymous_is_sent_to_sign_in(client, world):
    case = report(world)
    url = detail_url(case)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_case_page_refused_to_another_units_handler(en, world):
    case = dispatched(world)
    en.force_login(world.other_handler)

    response = en.get(detail_url(case))

    assert response.status_code == 403
    assert "Your account does not have permission to see this page." in response.text


def test_case_page_refused_to_a_resident_who_did_not_report_it(en, world):
    case = report(world)
    en.force_login(user_with_role(Role.RESIDENT, world.community))

    assert en.get(detail_url(case)).status_code == 403


def test_case_page_shows_staff_everything_and_audits_the_contact_read(en, world):
    # Given a reported case with the reporter's phone
    case = report(world)
    en.force_login(world.staff)

    # When staff open it
    response = en.get(detail_url(case))

    # Then the details, the unmasked phone and the staff actions are shown
    assert response.status_code == 200
    text = response.text
    assert case.number in text
    assert "巷口垃圾堆放三天没人清" in text
    assert PHONE in text
    assert "黄伟明" in text
    slugs = [a["spec"].slug for a in response.context["actions"]]
    assert slugs == ["accept", "self_resolve", "supervise", "merge", "reject"]
    # And the read of the contact details is audited
    read = AuditEvent.objects.get(kind=AuditEvent.Kind.READ, object_id=str(case.pk))
    assert read.actor == world.staff
    assert "reporter_phone" in read.note


def test_case_page_shows_contact_to_the_chief_of_its_street_and_audits(en, world):
    case = report(world)
    en.force_login(world.chief)

    response = en.get(detail_url(case))

    assert response.status_code == 200
    assert PHONE in response.text
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.READ, actor=world.chief
    ).exists()
    slugs = [a["spec"].slug for a in response.context["actions"]]
    assert slugs == ["self_resolve"]


def test_case_page_hides_an_anonymous_reporters_name_even_from_staff(en, world):
    case = report(world, is_anonymous=True)
    en.force_login(world.staff)

    response = en.get(detail_url(case))

    assert "黄伟明" not in response.text
    assert PHONE not in response.text
    assert "anonymous" in response.text


def test_case_page_shows_units_deadlines_and_flags(en, world):
    # Given a case led by one unit and assisted by another, overdue and supervised
    case = dispatched(world, assisting=[world.other_unit])
    services.case_supervise(case=case, actor=world.staff, note="群众反映强烈")
    Case.objects.filter(pk=case.pk).update(
        resolve_due_at=timezone.now() - dt.timedelta(hours=2)
    )
    en.force_login(world.staff)

    # When staff open it
    response = en.get(detail_url(case))

    # Then both units, the red deadline and the supervision flag show
    text = response.text
    assert "城管办" in text
    assert "翠宝园物业" in text
    assert "assisting unit" in text
    assert 'data-state="overdue"' in text
    assert "due-overdue" in text
    assert 'data-testid="flag-supervision"' in text
    # And the internal supervision event is on the timeline
    assert "placed under supervision" in text
    assert "群众反映强烈" in text


def test_case_page_shows_amber_in_the_last_third(en, world):
    case = dispatched(world)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        clock_started_at=now - dt.timedelta(days=2),
        resolve_due_at=now + dt.timedelta(hours=12),
    )
    en.force_login(world.handler)

    response = en.get(detail_url(case))

    assert 'data-state="soon"' in response.text


def test_dispatch_form_is_prefilled_from_the_routing_rule(en, world):
    rule = RoutingRule.objects.create(category=world.category, lead=world.other_unit)
    rule.assisting.add(world.unit)
    case = accepted(world)
    en.force_login(world.staff)

    response = en.get(detail_url(case))

    form = next(
        a["form"] for a in response.context["actions"] if a["spec"].slug == "dispatch"
    )
    assert form["lead"].value() == world.other_unit.pk
    assert form["assisting"].value() == [world.unit.pk]


def test_reopen_form_shows_only_when_the_reporter_asked(en, world):
    case = verifying(world)
    services.case_verify(case=case, actor=world.staff, ok=True)
    Case.objects.filter(pk=case.pk).update(reporter=world.resident)
    services.case_rate(
        case=fresh(case), actor=world.resident, solved="no", satisfaction="unsatisfied"
    )
    en.force_login(world.staff)

    response = en.get(detail_url(case))

    slugs = [a["spec"].slug for a in response.context["actions"]]
    assert "reopen" in slugs
    assert 'data-testid="flag-reopen"' in response.text


# --- Actions ---------------------------------------------------------------------


def test_action_anonymous_is_sent_to_sign_in(client, world):
    case = report(world)

    response = act(client, case, "accept")

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
    assert fresh(case).status == Status.REPORTED


def test_action_refused_to_another_units_handler(en, world):
    case = dispatched(world)
    en.force_login(world.other_handler)

    response = act(en, case, "acknowledge")

    assert response.status_code == 403
    assert fresh(case).status == Status.DISPATCHED


def test_action_get_is_not_allowed(en, world):
    case = report(world)
    en.force_login(world.staff)

    response = en.get(reverse("cases:act", args=[case.number, "accept"]))

    assert response.status_code == 405


def test_unknown_action_is_not_found(en, world):
    case = report(world)
    en.force_login(world.staff)

    assert act(en, case, "teleport").status_code == 404


def test_accept_corrects_urgency_and_category(en, world):
    # Given a reported case and another category
    case = report(world)
    other = CategoryFactory(code="parking")
    en.force_login(world.staff)

    # When staff accept it as urgent in the other category
    response = act(en, case, "accept", urgency="urgent", category=other.pk)

    # Then it is accepted with the corrections, and they are told so
    assert response.status_code == 302
    assert response.url == detail_url(case)
    case = fresh(case)
    assert (case.status, case.urgency, case.category) == (
        Status.ACCEPTED,
        "urgent",
        other,
    )
    assert messages_of(response) == [f"Case {case.number} accepted."]


def test_accept_refused_to_the_street_chief_with_a_message(en, world):
    case = report(world)
    en.force_login(world.chief)

    response = act(en, case, "accept")

    assert response.status_code == 403
    assert "You are not allowed to do this to the case." in response.text
    assert fresh(case).status == Status.REPORTED


def test_stale_form_gets_the_stale_message_and_changes_nothing(en, world):
    # Given staff rendered the case, then someone else accepted it
    case = report(world)
    rendered_version = case.version
    services.case_accept(case=case, actor=world.staff, urgency="complex")
    en.force_login(world.staff)

    # When the stale form is sent
    response = act(en, case, "reject", version=rendered_version, reason="重复")

    # Then the stale message shows and the case keeps the other change
    assert response.status_code == 400
    assert "Someone else changed this case while you were looking at it." in (
        response.text
    )
    assert fresh(case).status == Status.ACCEPTED


def test_forbidden_transition_gets_the_workflow_message(en, world):
    case = accepted(world)
    en.force_login(world.staff)

    response = act(en, case, "accept")

    assert response.status_code == 400
    assert "cannot be given the action" in response.text
    assert fresh(case).status == Status.ACCEPTED


def test_missing_version_asks_to_reload(en, world):
    case = report(world)
    en.force_login(world.staff)

    response = en.post(reverse("cases:act", args=[case.number, "accept"]), {})

    assert response.status_code == 400
    assert "The form is incomplete. Reload the page and try again." in response.text


def test_reject_needs_a_reason(en, world):
    case = report(world)
    en.force_login(world.staff)

    response = act(en, case, "reject", reason="  ")

    assert response.status_code == 400
    assert "Give the reason for rejecting the case." in response.text
    assert fresh(case).status == Status.REPORTED


def test_reject_with_reason(en, world):
    case = report(world)
    en.force_login(world.staff)

    response = act(en, case, "reject", reason="不属于社区事务")

    assert response.status_code == 302
    case = fresh(case)
    assert case.status == Status.REJECTED
    assert case.events.last().note == "不属于社区事务"


def test_merge_into_unknown_case_is_refused(en, world):
    case = report(world)
    en.force_login(world.staff)

    response = act(en, case, "merge", into="999999-000000")

    assert response.status_code == 400
    assert "There is no case numbered 999999-000000." in response.text
    assert fresh(case).status == Status.REPORTED


def test_merge_needs_a_case_number(en, world):
    case = report(world)
    en.force_login(world.staff)

    response = act(en, case, "merge", into="")

    assert "Give the number of the case this one duplicates." in response.text


def test_merge_into_an_open_case(en, world):
    target = report(world, description="同一处垃圾")
    case = report(world)
    en.force_login(world.staff)

    response = act(en, case, "merge", into=target.number)

    assert response.status_code == 302
    assert fresh(case).merged_into == target
    assert fresh(target).supporter_count == 1
    assert messages_of(response) == [f"Case merged into {target.number}."]


def test_dispatch_to_lead_and_assisting_units(en, world):
    case = accepted(world)
    en.force_login(world.staff)

    response = act(
        en, case, "dispatch", lead=world.unit.pk, assisting=[world.other_unit.pk]
    )

    assert response.status_code == 302
    case = fresh(case)
    assert case.status == Status.DISPATCHED
    assert case.lead_unit == world.unit
    roles = dict(
        case.assignments.values_list("organisation__name", "role").order_by("role")
    )
    assert roles == {"城管办": HandlingRole.LEAD, "翠宝园物业": HandlingRole.ASSISTING}


def test_dispatch_needs_a_lead_unit(en, world):
    case = accepted(world)
    en.force_login(world.staff)

    response = act(en, case, "dispatch")

    assert response.status_code == 400
    assert "Choose the lead unit." in response.text
    assert fresh(case).status == Status.ACCEPTED


def test_dispatch_refuses_the_lead_unit_as_assisting(en, world):
    case = accepted(world)
    en.force_login(world.staff)

    response = act(en, case, "dispatch", lead=world.unit.pk, assisting=[world.unit.pk])

    assert "The lead unit cannot also assist." in response.text


def test_handler_acknowledges_contacts_starts_and_replies_with_photos(en, world):
    # Given a case dispatched to the handler's unit
    case = dispatched(world)
    en.force_login(world.handler)

    # When the handler acknowledges, records contact, starts and replies
    assert act(en, case, "acknowledge").status_code == 302
    assert act(en, case, "contact", note="电话联系了居民").status_code == 302
    assert act(en, case, "start").status_code == 302
    response = en.post(
        reverse("cases:act", args=[case.number, "reply"]),
        {"version": fresh(case).version, "note": "已清理干净", "photos": [png()]},
    )

    # Then the case goes to verification with the reply photo on the timeline
    assert response.status_code == 302
    case = fresh(case)
    assert case.status == Status.VERIFYING
    assert case.contacted_at is not None
    reply = case.events.get(action="reply")
    assert reply.note == "已清理干净"
    assert reply.photos.count() == 1
    assert messages_of(response)[-1] == "Reply sent; the case goes to verification."


def test_contact_needs_a_note(en, world):
    case = dispatched(world)
    en.force_login(world.handler)

    response = act(en, case, "contact", note="")

    assert "Say how and when the reporter was contacted." in response.text


def test_reply_refuses_a_file_that_is_not_a_photo(en, world):
    case = acknowledged(world)
    en.force_login(world.handler)

    response = en.post(
        reverse("cases:act", args=[case.number, "reply"]),
        {
            "version": case.version,
            "note": "已处理",
            "photos": [SimpleUploadedFile("x.jpg", b"not an image at all")],
        },
    )

    assert response.status_code == 400
    assert "Photo 1 is not a photo that can be read." in response.text
    assert fresh(case).status == Status.ACKNOWLEDGED
    # The note typed is kept in the form shown again
    assert "已处理" in response.text


def test_reply_refuses_more_than_three_photos(en, world):
    case = acknowledged(world)
    en.force_login(world.handler)

    response = en.post(
        reverse("cases:act", args=[case.number, "reply"]),
        {
            "version": case.version,
            "note": "已处理",
            "photos": [png() for _ in range(4)],
        },
    )

    assert "At most 3 photos." in response.text
    assert fresh(case).status == Status.ACKNOWLEDGED


def test_reply_needs_a_note(en, world):
    case = acknowledged(world)
    en.force_login(world.handler)

    response = act(en, case, "reply", note="")

    assert "Describe what was done." in response.text


def test_assisting_unit_cannot_reply(en, world):
    case = dispatched(world, assisting=[world.other_unit])
    services.case_acknowledge(case=case, actor=world.handler)
    en.force_login(world.other_handler)

    page = en.get(detail_url(case))
    response = act(en, case, "reply", note="我们也处理了")

    assert page.status_code == 200
    assert page.context["actions"] == []
    assert response.status_code == 403
    assert "You are not allowed to do this to the case." in response.text


def test_return_requested_then_approved_takes_the_case_from_the_unit(en, world):
    # Given a dispatched case
    case = dispatched(world)
    en.force_login(world.handler)

    # When the handler asks to return it without a reason, then with one
    missing = act(en, case, "request_return", reason="")
    asked = act(en, case, "request_return", reason="不属于我单位职责")

    # Then a reason is required, and then the return is requested
    assert "Explain why the case is not for your unit." in missing.text
    assert asked.status_code == 302
    assert fresh(case).status == Status.RETURN_REQUESTED

    # When staff approve
    en.force_login(world.staff)
    response = act(en, case, "decide_return", decision="approve")

    # Then the case is back for dispatch and the unit no longer sees it
    assert response.status_code == 302
    assert fresh(case).status == Status.ACCEPTED
    assert messages_of(response)[-1] == "Return approved; dispatch the case again."
    en.force_login(world.handler)
    assert en.get(detail_url(case)).status_code == 403


def test_refusing_a_return_needs_a_note(en, world):
    case = dispatched(world)
    services.case_request_return(case=case, actor=world.handler, reason="不是我们的")
    en.force_login(world.staff)

    missing = act(en, case, "decide_return", decision="refuse")
    refused = act(en, case, "decide_return", decision="refuse", note="属于你单位")

    assert "Tell the unit why the return is refused." in missing.text
    assert refused.status_code == 302
    assert fresh(case).status == Status.DISPATCHED


def test_escalate_needs_a_note_and_then_goes_up(en, world):
    # Community staff blow the whistle when the unit cannot solve it alone
    case = acknowledged(world)
    en.force_login(world.staff)

    missing = act(en, case, "escalate", note="")
    response = act(en, case, "escalate", note="需要区水务局")

    assert "Say why the case needs a higher unit." in missing.text
    assert response.status_code == 302
    assert fresh(case).status == Status.ESCALATED


def test_verify_confirm_and_rework(en, world):
    case = verifying(world)
    en.force_login(world.staff)

    missing = act(en, case, "verify", decision="rework", note="")
    rework = act(en, case, "verify", decision="rework", note="还有垃圾")

    assert "Say what still needs doing." in missing.text
    assert rework.status_code == 302
    assert fresh(case).status == Status.IN_PROGRESS

    services.case_reply(case=fresh(case), actor=world.handler, note="再次清理")
    confirm = act(en, case, "verify", decision="confirm")
    assert confirm.status_code == 302
    assert fresh(case).status == Status.FEEDBACK


def test_handler_cannot_verify_their_own_reply(en, world):
    case = verifying(world)
    en.force_login(world.handler)

    response = act(en, case, "verify", decision="confirm")

    assert response.status_code == 403
    assert fresh(case).status == Status.VERIFYING


def test_reopen_needs_a_note(en, world):
    case = verifying(world)
    services.case_verify(case=case, actor=world.staff, ok=True)
    services.case_auto_close(case=fresh(case))
    en.force_login(world.staff)

    missing = act(en, case, "reopen", note="")
    response = act(en, case, "reopen", note="居民反映问题仍在")

    assert "Say why the case is reopened." in missing.text
    assert response.status_code == 302
    assert fresh(case).status == Status.REOPENED


def test_cancel_is_for_admins_only(en, world):
    case = report(world)
    en.force_login(world.staff)
    refused = act(en, case, "cancel", reason="测试数据")
    en.force_login(world.admin)
    missing = act(en, case, "cancel", reason="")
    done = act(en, case, "cancel", reason="测试数据")

    assert refused.status_code == 403
    assert "Give the reason for cancelling the case." in missing.text
    assert done.status_code == 302
    assert fresh(case).status == Status.CANCELLED


def test_supervise_needs_a_note_and_flags_the_case(en, world):
    case = dispatched(world)
    en.force_login(world.staff)

    missing = act(en, case, "supervise", note="")
    done = act(en, case, "supervise", note="多次投诉")
    again = act(en, case, "supervise", note="再次")

    assert "Say why the case is supervised." in missing.text
    assert done.status_code == 302
    assert fresh(case).under_supervision
    assert "The case is already under supervision." in again.text


def test_supervise_refused_to_the_handler(en, world):
    case = dispatched(world)
    en.force_login(world.handler)

    response = act(en, case, "supervise", note="我想督办")

    assert response.status_code == 403
    assert not fresh(case).under_supervision


def test_street_chief_resolves_on_the_spot_with_a_photo(en, world):
    case = report(world)
    en.force_login(world.chief)

    response = en.post(
        reverse("cases:act", args=[case.number, "self_resolve"]),
        {"version": case.version, "note": "已现场劝导清理", "photos": [png()]},
    )

    assert response.status_code == 302
    case = fresh(case)
    assert case.status == Status.VERIFYING
    assert case.photos.count() == 1


def test_extension_requested_and_approved(en, world):
    # Given a case the handler holds
    case = acknowledged(world)
    due = case.resolve_due_at
    en.force_login(world.handler)

    # When they ask for too many days, then for two
    too_many = act(en, case, "extend", days=40, reason="工程量大")
    asked = act(en, case, "extend", days=2, reason="需要采购材料")

    # Then the first is refused with the room left, the second is pending
    assert "Between 1 and 12 working days can still be requested." in too_many.text
    assert asked.status_code == 302
    assert case.extension_requests.get().status == ExtensionStatus.PENDING

    # When staff approve it
    en.force_login(world.staff)
    page = en.get(detail_url(case))
    response = act(en, case, "decide_extension", decision="approve")

    # Then the deadline moves by two working days
    assert 'data-testid="pending-extension"' in page.text
    assert response.status_code == 302
    case = fresh(case)
    assert case.extension_days == 2
    assert case.resolve_due_at > due


def test_extension_needs_days(en, world):
    case = acknowledged(world)
    en.force_login(world.handler)

    response = act(en, case, "extend", reason="需要时间")

    assert response.status_code == 400
    assert "Say how many working days are needed." in response.text


def test_refusing_an_extension_needs_a_note(en, world):
    case = acknowledged(world)
    services.case_extension_request(
        case=case, actor=world.handler, days=2, reason="需要采购"
    )
    en.force_login(world.staff)

    response = act(en, case, "decide_extension", decision="refuse")

    assert "Tell the unit why the extension is refused." in response.text


def test_htmx_action_returns_the_case_panel_with_messages(en, world):
    case = report(world)
    en.force_login(world.staff)

    response = en.post(
        reverse("cases:act", args=[case.number, "accept"]),
        {"version": case.version},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="case-panel"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert f"Case {case.number} accepted." in response.text
    # The new panel offers the next step
    assert 'data-testid="action-dispatch"' in response.text


def test_htmx_action_error_stays_on_the_panel(en, world):
    case = report(world)
    en.force_login(world.staff)

    response = en.post(
        reverse("cases:act", args=[case.number, "reject"]),
        {"version": case.version, "reason": ""},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "Give the reason for rejecting the case." in response.text
    assert fresh(case).status == Status.REPORTED


def test_success_redirects_to_a_safe_next_only(en, world):
    first = report(world)
    second = report(world)
    en.force_login(world.staff)

    local = act(en, first, "accept", next="/cases/console/?queue=new")
    foreign = act(en, second, "accept", next="https://evil.example/")

    assert local.url == "/cases/console/?queue=new"
    assert foreign.url == detail_url(second)


# --- Photos ----------------------------------------------------------------------


def test_photo_served_to_those_who_see_the_case(client, world):
    case = report(world)
    services.case_self_resolve(
        case=case,
        actor=world.chief,
        note="已清理",
        photos=services_photos(),
    )
    photo = case.photos.get()
    url_full = reverse("cases:photo", args=[case.number, photo.pk, "full"])
    url_thumb = reverse("cases:photo", args=[case.number, photo.pk, "thumb"])

    assert client.get(url_full).status_code == 302
    client.force_login(world.staff)
    full = client.get(url_full)
    thumb = client.get(url_thumb)
    assert full.status_code == 200
    assert full["Content-Type"] == "image/png"
    assert thumb["Content-Type"] == "image/jpeg"
    client.force_login(world.other_handler)
    assert client.get(url_full).status_code == 403


def services_photos():
    from gongzhi.cases.photos import process_photos

    return process_photos([png()])


# --- Handler inbox ---------------------------------------------------------------

INBOX = reverse("cases:inbox")


def test_inbox_anonymous_is_sent_to_sign_in(client):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={INBOX}"


@pytest.mark.parametrize("who", ["resident", "staff"])
def test_inbox_refused_to_users_without_a_unit(en, world, who):
    en.force_login(getattr(world, who))

    assert en.get(INBOX).status_code == 403


def test_inbox_lists_the_units_cases_only(en, world):
    # Given one case led by the unit, one it assists on, one for another unit
    led = dispatched(world)
    helped = accepted(world)
    services.case_dispatch(
        case=helped, actor=world.staff, lead=world.other_unit, assisting=[world.unit]
    )
    other = accepted(world)
    services.case_dispatch(case=other, actor=world.staff, lead=world.other_unit)
    en.force_login(world.handler)

    # When the handler opens the inbox
    response = en.get(INBOX)

    # Then they see the led and assisted cases, and only those
    numbers = [c.number for c in response.context["page_obj"].object_list]
    assert sorted(numbers) == sorted([led.number, helped.number])
    assert other.number not in response.text
    roles = {c.number: c.unit_role for c in response.context["page_obj"]}
    assert roles == {led.number: "lead", helped.number: "assisting"}
    # And only the led case can be acknowledged from the list
    assert response.text.count('data-testid="quick-acknowledge"') == 1


def test_inbox_tabs_count_cases_per_status(en, world):
    dispatched(world)
    dispatched(world)
    acknowledged(world)
    en.force_login(world.handler)

    response = en.get(INBOX)

    tabs = {code: count for code, _label, count in response.context["tabs"]}
    assert tabs["open"] == 3
    assert tabs["dispatched"] == 2
    assert tabs["acknowledged"] == 1
    assert tabs[""] == 3
    acked = en.get(INBOX, {"status": "acknowledged"})
    assert len(acked.context["page_obj"].object_list) == 1


def test_inbox_filters_overdue_text_and_category(en, world):
    late = dispatched(world, description="路灯不亮")
    soon = dispatched(world, description="井盖松动")
    Case.objects.filter(pk=late.pk).update(
        resolve_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    parking = CategoryFactory(code="parking")
    parked = dispatched(world, category=parking, description="乱停车")
    en.force_login(world.handler)

    overdue = en.get(INBOX, {"overdue": "on"})
    text = en.get(INBOX, {"q": "井盖"})
    number = en.get(INBOX, {"q": late.number})
    category = en.get(INBOX, {"category": parking.pk})
    default = en.get(INBOX)

    def numbers(response):
        return [c.number for c in response.context["page_obj"].object_list]

    assert numbers(overdue) == [late.number]
    assert numbers(text) == [soon.number]
    assert numbers(number) == [late.number]
    assert numbers(category) == [parked.number]
    # Sorted by deadline: the overdue case first, in red
    assert numbers(default)[0] == late.number
    assert "due-overdue" in default.text


def test_inbox_ignores_invalid_filters(en, world):
    case = dispatched(world)
    en.force_login(world.handler)

    response = en.get(INBOX, {"category": "nope", "sort": "sideways"})

    assert response.status_code == 200
    assert [c.number for c in response.context["page_obj"]] == [case.number]


def test_quick_acknowledge_from_the_inbox(en, world):
    case = dispatched(world)
    en.force_login(world.handler)

    response = act(en, case, "acknowledge", next=INBOX)

    assert response.status_code == 302
    assert response.url == INBOX
    assert fresh(case).status == Status.ACKNOWLEDGED


def test_quick_acknowledge_with_htmx_returns_the_row(en, world):
    case = dispatched(world)
    en.force_login(world.handler)

    response = en.post(
        reverse("cases:act", args=[case.number, "acknowledge"]),
        {"version": case.version, "fragment": "row", "next": INBOX},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith("<tr")
    assert "quick-acknowledge" not in response.text
    assert f"Case {case.number} acknowledged." in response.text


def test_quick_acknowledge_of_a_stale_row_says_so(en, world):
    case = dispatched(world)
    old = case.version
    services.case_acknowledge(case=case, actor=world.handler)
    en.force_login(world.handler)

    response = act(en, case, "acknowledge", version=old, next=INBOX)

    assert response.status_code == 302
    assert any("Someone else changed this case" in m for m in messages_of(response))


def _many_dispatched(world, n):
    for i in range(n):
        dispatched(world, description=f"第{i}件")


def test_inbox_query_count_does_not_grow_with_cases(
    en, world, django_assert_max_num_queries
):
    _many_dispatched(world, 3)
    en.force_login(world.handler)
    en.get(INBOX)  # warm the session
    with django_assert_max_num_queries(10):
        few = en.get(INBOX)
    _many_dispatched(world, 12)
    with django_assert_max_num_queries(10):
        many = en.get(INBOX)
    assert len(few.context["page_obj"]) == 3
    assert len(many.context["page_obj"]) == 15


# --- Staff console ---------------------------------------------------------------

CONSOLE = reverse("cases:console")


def test_console_anonymous_is_sent_to_sign_in(client):
    response = client.get(CONSOLE)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={CONSOLE}"


@pytest.mark.parametrize("who", ["resident", "handler", "chief"])
def test_console_refused_to_non_staff(en, world, who):
    en.force_login(getattr(world, who))

    assert en.get(CONSOLE).status_code == 403


def test_console_queues_count_the_staff_scope_only(en, world):
    # Given cases in every queue of the community, and one in another community
    report(world)
    accepted(world)
    returned = dispatched(world)
    services.case_request_return(case=returned, actor=world.handler, reason="不是")
    late = dispatched(world)
    Case.objects.filter(pk=late.pk).update(
        resolve_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    services.case_supervise(case=late, actor=world.staff, note="超期")
    verifying(world)
    extended = acknowledged(world)
    services.case_extension_request(
        case=extended, actor=world.handler, days=1, reason="材料"
    )
    elsewhere = CommunityFactory()
    services.case_report(
        category=world.category, description="别处", community=elsewhere
    )
    en.force_login(world.staff)

    # When staff open the console
    response = en.get(CONSOLE)

    # Then each queue counts its cases within the community
    counts = {q.code: n for q, n in response.context["queues"]}
    assert counts == {
        "new": 1,
        "dispatch": 1,
        "returns": 1,
        "verifying": 1,
        "reopen": 0,
        "extensions": 1,
        "overdue": 1,
        "supervised": 1,
        "all": 6,
    }
    # And the default queue lists the new report, with bulk controls
    assert len(response.context["page_obj"]) == 1
    assert 'data-testid="bulk-form"' in response.text
    # And the overdue queue shows the case in red and supervised
    overdue = en.get(CONSOLE, {"queue": "overdue"})
    assert [c.number for c in overdue.context["page_obj"]] == [late.number]
    assert "due-overdue" in overdue.text
    assert 'data-testid="flag-supervision"' in overdue.text


def test_console_filters(en, world):
    street2 = StreetFactory(community=world.community)
    first = report(world, description="占道经营", urgency="urgent")
    second = report(world, street=street2, description="噪音扰民")
    hotline = services.case_report(
        category=world.category,
        description="电话反映",
        street=world.street,
        channel=Channel.HOTLINE,
        entered_by=world.staff,
    ).case
    Case.objects.filter(pk=first.pk).update(
        reported_at=timezone.now() - dt.timedelta(days=10)
    )
    en.force_login(world.staff)

    def numbers(**params):
        response = en.get(CONSOLE, {"queue": "all", **params})
        assert response.status_code == 200
        return sorted(c.number for c in response.context["page_obj"])

    today = timezone.localdate().isoformat()
    assert numbers(street=street2.pk) == [second.number]
    assert numbers(urgency="urgent") == [first.number]
    assert numbers(channel="hotline") == [hotline.number]
    assert numbers(q="噪音") == [second.number]
    assert numbers(reported_from=today) == sorted([second.number, hotline.number])
    assert numbers(reported_to=(timezone.localdate() - dt.timedelta(days=5))) == [
        first.number
    ]


def test_console_for_a_leader_has_no_bulk_actions(en, world):
    report(world)
    en.force_login(user_with_role(Role.LEADER, world.community))

    response = en.get(CONSOLE)

    assert response.status_code == 200
    assert 'data-testid="bulk-form"' not in response.text
    assert 'data-testid="hotline-entry"' not in response.text


def test_console_query_count_does_not_grow_with_cases(
    en, world, django_assert_max_num_queries
):
    for _ in range(3):
        report(world)
    en.force_login(world.staff)
    en.get(CONSOLE)
    with django_assert_max_num_queries(11):
        few = en.get(CONSOLE)
    for _ in range(12):
        dispatched(world)
    with django_assert_max_num_queries(11):
        many = en.get(CONSOLE, {"queue": "all"})
    assert len(few.context["page_obj"]) == 3
    assert len(many.context["page_obj"]) == 15


# --- Bulk actions ----------------------------------------------------------------

BULK = reverse("cases:bulk")


def test_bulk_anonymous_is_sent_to_sign_in(client):
    response = client.post(BULK, {})

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_bulk_refused_to_a_handler(en, world):
    case = report(world)
    en.force_login(world.handler)

    response = en.post(
        BULK, {"cases": [f"{case.pk}:{case.version}"], "action": "accept"}
    )

    assert response.status_code == 403
    assert fresh(case).status == Status.REPORTED


def test_bulk_accept_reports_each_case(en, world):
    # Given two new reports, one of which changed since the list was shown
    ok = report(world)
    stale = report(world)
    shown = stale.version
    Case.objects.filter(pk=stale.pk).update(version=shown + 1)
    en.force_login(world.staff)

    # When staff accept both
    response = en.post(
        BULK,
        {
            "cases": [f"{ok.pk}:{ok.version}", f"{stale.pk}:{shown}"],
            "action": "accept",
            "next": f"{CONSOLE}?queue=new",
        },
    )

    # Then one is accepted and the other reported as stale
    assert response.status_code == 302
    assert response.url == f"{CONSOLE}?queue=new"
    assert fresh(ok).status == Status.ACCEPTED
    assert fresh(stale).status == Status.REPORTED
    notes = messages_of(response)
    assert any(
        n.startswith(f"Case {stale.number}: Someone else changed") for n in notes
    )
    assert f"Done for 1 cases: {ok.number}" in notes


def test_bulk_dispatch_to_a_unit_and_by_routing_rule(en, world):
    first = accepted(world)
    second = accepted(world)
    no_rule = accepted(world)
    en.force_login(world.staff)

    to_unit = en.post(
        BULK,
        {
            "cases": [f"{first.pk}:{first.version}"],
            "action": "dispatch",
            "unit": world.unit.pk,
        },
    )
    unrouted = en.post(
        BULK, {"cases": [f"{no_rule.pk}:{no_rule.version}"], "action": "dispatch"}
    )
    RoutingRule.objects.create(category=world.category, lead=world.other_unit)
    routed = en.post(
        BULK, {"cases": [f"{second.pk}:{second.version}"], "action": "dispatch"}
    )

    assert to_unit.status_code == routed.status_code == 302
    assert fresh(first).lead_unit == world.unit
    assert fresh(second).lead_unit == world.other_unit
    assert fresh(no_rule).status == Status.ACCEPTED
    assert any(
        "No routing rule matches this case; choose a unit." in m
        for m in messages_of(unrouted)
    )


def test_bulk_needs_a_selection(en, world):
    en.force_login(world.staff)

    response = en.post(BULK, {"action": "accept"})

    assert "Tick at least one case." in messages_of(response)


def test_bulk_ignores_cases_outside_the_scope(en, world):
    elsewhere = services.case_report(
        category=world.category, description="别处", community=CommunityFactory()
    ).case
    en.force_login(world.staff)

    response = en.post(
        BULK, {"cases": [f"{elsewhere.pk}:{elsewhere.version}"], "action": "accept"}
    )

    assert "A ticked case is not in your scope." in messages_of(response)
    assert fresh(elsewhere).status == Status.REPORTED


# --- Hotline entry ---------------------------------------------------------------

NEW = reverse("cases:console_new")


def test_hotline_anonymous_is_sent_to_sign_in(client):
    response = client.get(NEW)

    assert response.status_code == 302


@pytest.mark.parametrize("who", ["handler", "resident", "chief"])
def test_hotline_refused_to_non_staff(en, world, who):
    en.force_login(getattr(world, who))

    assert en.get(NEW).status_code == 403


def test_hotline_entry_creates_a_hotline_case(en, world):
    en.force_login(world.staff)

    response = en.post(
        NEW,
        {
            "category": world.category.pk,
            "description": "来电反映路口积水",
            "street": world.street.pk,
            "reporter_name": "李秀英",
            "reporter_phone": "13900001111",
        },
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(case)
    assert case.channel == Channel.HOTLINE
    assert case.entered_by == world.staff
    assert case.reporter_phone == "13900001111"
    assert case.contact_consent_at is None  # the box was not ticked
    assert case.street == world.street
    assert messages_of(response) == [
        f"Case {case.number} entered. Give the caller this number."
    ]


def test_hotline_entry_shows_the_service_messages(en, world):
    en.force_login(world.staff)

    response = en.post(NEW, {"category": world.category.pk, "description": ""})

    assert response.status_code == 200
    assert "Describe the problem." in response.text
    assert "Say where the problem is" in response.text
    assert not Case.objects.exists()


def test_hotline_entry_asks_the_categorys_questions(en, world):
    question = CategoryAttributeFactory(
        category=world.category, question_en="How many bags?", required=True
    )
    en.force_login(world.staff)

    form = en.get(NEW, {"category": world.category.pk})
    missing = en.post(
        NEW,
        {
            "category": world.category.pk,
            "description": "垃圾",
            "street": world.street.pk,
        },
    )
    answered = en.post(
        NEW,
        {
            "category": world.category.pk,
            "description": "垃圾",
            "street": world.street.pk,
            f"attr_{question.code}": "3",
        },
    )

    assert "How many bags?" in form.text
    assert "“How many bags?” must be answered." in missing.text
    assert answered.status_code == 302
    assert Case.objects.get().attributes == {question.code: "3"}


def test_hotline_refuses_a_bad_phone_and_a_street_outside_the_scope(en, world):
    far = StreetFactory(community=CommunityFactory())
    en.force_login(world.staff)

    response = en.post(
        NEW,
        {
            "category": world.category.pk,
            "description": "垃圾",
            "street": far.pk,
            "reporter_phone": "call me",
        },
    )

    assert response.status_code == 200
    assert "Enter a phone number in digits, for example 13812345678." in response.text
    assert "Select a valid choice." in response.text
    assert not Case.objects.exists()


# --- Notifications ---------------------------------------------------------------

NOTIFICATIONS = reverse("portal:notifications")


def test_notifications_anonymous_is_sent_to_sign_in(client):
    response = client.get(NOTIFICATIONS)

    assert response.status_code == 302


def test_bell_counts_unread_and_the_list_marks_them_read(en, world):
    # Given two notifications for the handler and one for someone else
    notify_user(world.handler, subject="新案件 A", body="请签收", url="/cases/x/")
    notify_user(world.handler, subject="新案件 B", body="请签收")
    notify_user(world.staff, subject="别人的", body="…")
    en.force_login(world.handler)

    # When the handler opens any page, the bell shows two
    home = en.get(reverse("home"))
    assert 'data-testid="bell-count">2<' in home.text

    # When they open the list
    listing = en.get(NOTIFICATIONS)

    # Then they see their own, highlighted as new, and they are now read
    assert "新案件 A" in listing.text
    assert "新案件 B" in listing.text
    assert "别人的" not in listing.text
    assert listing.text.count('class="unread"') == 2
    assert 'data-testid="bell-count"' not in listing.text
    assert not Notification.objects.filter(
        recipient=world.handler, read_at__isnull=True
    ).exists()
    assert Notification.objects.filter(
        recipient=world.staff, read_at__isnull=True
    ).exists()


def test_dispatch_notifies_the_unit_in_the_app(en, world):
    case = accepted(world)
    en.force_login(world.staff)
    act(en, case, "dispatch", lead=world.unit.pk)
    en.force_login(world.handler)

    response = en.get(NOTIFICATIONS)

    assert case.number in response.text


def test_bell_hidden_for_anonymous_visitors(client):
    response = client.get(reverse("home"))

    assert 'data-testid="bell"' not in response.text


def test_timeline_records_internal_events(en, world):
    case = dispatched(world)
    services.case_record_contact(case=case, actor=world.handler, note="电话")
    en.force_login(world.staff)

    response = en.get(detail_url(case))

    assert CaseEvent.objects.filter(case=case, action="contact").exists()
    assert "reporter contacted" in response.text
    assert "internal" in response.text


def test_organisation_outside_the_community_is_not_offered(en, world):
    stranger = OrganisationFactory(name="外区单位")
    case = accepted(world)
    en.force_login(world.staff)

    page = en.get(detail_url(case))
    response = act(en, case, "dispatch", lead=stranger.pk)

    assert "外区单位" not in page.text
    assert "Select a valid choice." in response.text
    assert fresh(case).status == Status.ACCEPTED


def test_user_without_any_role_sees_nothing(en):
    en.force_login(UserFactory())

    assert en.get(CONSOLE).status_code == 403
    assert en.get(INBOX).status_code == 403
    assert en.get(NEW).status_code == 403


def test_hotline_entry_records_the_callers_consent_shown_on_the_case_page(en, world):
    en.force_login(world.staff)

    en.post(
        NEW,
        {
            "category": world.category.pk,
            "description": "来电反映路口积水",
            "street": world.street.pk,
            "reporter_phone": "13900001111",
            "consent_contact": "on",
        },
    )

    case = Case.objects.get()
    assert case.contact_consent_at is not None
    page = en.get(detail_url(case)).content.decode()
    assert 'data-testid="contact-consent">given ' in page
