"""Who hears about a case and when; the outbox and its delivery."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from gongzhi.accounts.choices import Role
from gongzhi.accounts.services import role_assign
from gongzhi.accounts.tests.factories import UserFactory, user_with_role
from gongzhi.cases import services
from gongzhi.cases.choices import Status
from gongzhi.core import notify
from gongzhi.core.models import Notification
from gongzhi.core.notify import MAX_ATTEMPTS, deliver_pending, notify_address

from . import journeys as j
from .factories import make_world
from .journeys import fresh, reach, report

N = Notification
SMS_BACKEND = "gongzhi.cases.tests.test_notifications.FakeSms"
FAILING_SMS = "gongzhi.cases.tests.test_notifications.FailingSms"


class FakeSms:
    """Collect SMS instead of sending them."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        FakeSms.sent.append((phone, text))


class FailingSms:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("SMS gateway unreachable")


@pytest.fixture(autouse=True)
def _english_and_fakes(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = SMS_BACKEND
    settings.SITE_URL = "https://gongzhi.example.cn/"
    FakeSms.sent = []
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return make_world()


def outbox(**filters):
    return list(N.objects.filter(**filters).order_by("id"))


def new_since(mark):
    return list(N.objects.filter(pk__gt=mark).order_by("id"))


def mark():
    last = N.objects.order_by("-id").first()
    return last.pk if last else 0


# --- The moments ------------------------------------------------------------------


def test_report_tells_a_reporter_with_an_account_in_app_and_by_email(world):
    case = report(world)
    notes = outbox(recipient=world.resident)
    assert [(n.channel, n.state) for n in notes] == [
        (N.Channel.IN_APP, N.State.SENT),
        (N.Channel.EMAIL, N.State.PENDING),
    ]
    email = notes[1]
    assert email.address == "resident@example.org"
    assert email.subject == f"Case {case.number} received"
    assert case.number in email.body
    # Someone with an account signs in; the token stays out of the outbox.
    assert email.url == f"/cases/track/{case.number}/"


def test_report_tells_an_anonymous_reporter_by_email_and_sms_with_the_link(world):
    reported = services.case_report(
        category=world.category,
        description="楼道灯坏了",
        street=world.street,
        reporter_email="chen@example.org",
        reporter_phone="13812345678",
    )
    notes = outbox()
    assert [(n.channel, n.address, n.recipient) for n in notes] == [
        (N.Channel.EMAIL, "chen@example.org", None),
        (N.Channel.SMS, "13812345678", None),
    ]
    for note in notes:
        assert note.url == f"/cases/track/{reported.case.number}/?t={reported.token}"
        assert note.state == N.State.PENDING


def test_report_without_any_contact_tells_nobody(world):
    report(world, reporter=None)
    assert outbox() == []


def test_accept_tells_the_reporter(world):
    case = report(world)
    since = mark()
    j.accept(world, case)
    notes = new_since(since)
    assert {n.recipient for n in notes} == {world.resident}
    assert notes[0].subject == f"Case {case.number} accepted"


def test_dispatch_tells_lead_and_assisting_units_and_the_reporter(world):
    world.other_handler.email = "other@example.org"
    world.other_handler.save()
    liaison = user_with_role(Role.LIAISON, world.unit, email="liaison@example.org")
    case = reach(world, Status.ACCEPTED)
    since = mark()
    services.case_dispatch(
        case=case, actor=world.staff, lead=world.unit, assisting=[world.other_unit]
    )
    notes = new_since(since)
    by_person = {}
    for note in notes:
        by_person.setdefault(note.recipient, []).append(note)
    for person in (world.handler, liaison):
        assert [n.channel for n in by_person[person]] == [
            N.Channel.IN_APP,
            N.Channel.EMAIL,
        ]
        assert by_person[person][0].subject == (f"New case {case.number} for your unit")
        assert by_person[person][0].body == case.description
    assert [n.subject for n in by_person[world.other_handler]] == [
        f"Case {case.number}: your unit is asked to assist"
    ] * 2
    reporter = by_person[world.resident]
    assert reporter[0].subject == f"Case {case.number} dispatched"
    assert reporter[0].body == "Your case has been passed to 城管办."
    assert world.staff not in by_person


def test_inactive_handler_is_not_told(world):
    world.handler.is_active = False
    world.handler.save()
    case = reach(world, Status.ACCEPTED)
    since = mark()
    j.dispatch(world, case)
    assert world.handler not in {n.recipient for n in new_since(since)}


def test_former_handler_is_not_told_and_nobody_twice(world):
    former = UserFactory(email="former@example.org")
    role_assign(
        actor=None,
        user=former,
        role=Role.HANDLER,
        scope=world.unit,
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2025, 12, 31),
    )
    role_assign(actor=None, user=world.handler, role=Role.LIAISON, scope=world.unit)
    case = reach(world, Status.ACCEPTED)
    since = mark()
    j.dispatch(world, case)
    notes = new_since(since)
    assert former not in {n.recipient for n in notes}
    assert [n.channel for n in notes if n.recipient == world.handler] == [
        N.Channel.IN_APP,
        N.Channel.EMAIL,
    ]


def test_refused_return_tells_the_unit_why(world):
    case = reach(world, Status.RETURN_REQUESTED)
    since = mark()
    services.case_decide_return(
        case=case, actor=world.staff, approve=False, note="井盖属于你单位养护"
    )
    notes = new_since(since)
    assert {n.recipient for n in notes} == {world.handler}
    assert notes[0].subject == f"Return of case {case.number} refused"
    assert notes[0].body == "井盖属于你单位养护"


def test_feedback_asks_the_reporter_to_rate(world):
    case = reach(world, Status.VERIFYING)
    since = mark()
    j.confirm(world, case)
    notes = new_since(since)
    assert {n.recipient for n in notes} == {world.resident}
    assert notes[0].subject == f"Case {case.number} handled: please rate it"
    assert "how satisfied" in notes[0].body


def test_reject_tells_the_reporter_the_reason(world):
    case = report(world)
    since = mark()
    services.case_reject(case=case, actor=world.staff, reason="属于私人纠纷")
    notes = new_since(since)
    assert {n.recipient for n in notes} == {world.resident}
    assert notes[0].subject == f"Case {case.number} not accepted"
    assert notes[0].body == "Your report was not accepted: 属于私人纠纷"


def test_merge_tells_the_duplicates_reporter_which_case_to_follow(world):
    target = report(world, reporter=None)
    duplicate = report(world)
    since = mark()
    services.case_merge(case=duplicate, into=target, actor=world.staff)
    notes = new_since(since)
    assert {n.recipient for n in notes} == {world.resident}
    assert notes[0].subject == f"Case {duplicate.number} merged"
    assert target.number in notes[0].body


def test_cancel_tells_the_reporter_and_the_unit_why(world):
    case = reach(world, Status.ACKNOWLEDGED)
    since = mark()
    services.case_cancel(case=case, actor=world.admin, reason="重复录入")
    notes = new_since(since)
    assert {n.recipient for n in notes} == {world.resident, world.handler}
    assert {(n.subject, n.body) for n in notes} == {
        (f"Case {case.number} cancelled", "The case was cancelled: 重复录入")
    }


def test_withdrawal_by_the_reporter_tells_nobody(world):
    case = report(world)
    since = mark()
    j.withdraw(world, case)
    assert new_since(since) == []


def test_rework_tells_the_unit(world):
    case = reach(world, Status.VERIFYING)
    since = mark()
    j.rework(world, case)
    notes = new_since(since)
    assert {n.recipient for n in notes} == {world.handler}
    assert notes[0].body == "还有垃圾没清"


def test_auto_close_tells_the_reporter_but_rating_does_not(world):
    rated = reach(world, Status.FEEDBACK)
    since = mark()
    j.rate(world, rated)
    assert new_since(since) == []
    unrated = reach(world, Status.FEEDBACK)
    since = mark()
    j.close(world, unrated)
    notes = new_since(since)
    assert [n.subject for n in notes if n.channel == N.Channel.IN_APP] == [
        f"Case {unrated.number} closed"
    ]


def test_auto_close_after_a_reopen_still_tells_the_reporter(world):
    case = reach(world, Status.REOPENED)  # its first round was rated
    for step in (j.dispatch, j.acknowledge, j.reply, j.confirm):
        step(world, fresh(case))
    since = mark()
    j.close(world, fresh(case))
    assert [n.subject for n in new_since(since) if n.channel == "in_app"] == [
        f"Case {case.number} closed"
    ]


def test_steps_nobody_needs_to_hear_about_are_quiet(world):
    case = reach(world, Status.DISPATCHED)
    since = mark()
    for step in (j.acknowledge, j.start):
        step(world, fresh(case))
    assert new_since(since) == []


def test_nothing_is_queued_when_the_transaction_rolls_back(
    world, django_capture_on_commit_callbacks
):
    def report_then_fail():
        with transaction.atomic():
            report(world)
            raise RuntimeError("the request failed after the report")

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError, match="failed after the report"):
            report_then_fail()
    assert outbox() == []
    assert callbacks == []


def test_delivery_starts_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = report(world)
    assert callbacks
    assert [m.to for m in mail.outbox] == [["resident@example.org"]]
    assert mail.outbox[0].subject == f"Case {case.number} received"
    assert f"https://gongzhi.example.cn/cases/track/{case.number}/" in (
        mail.outbox[0].body
    )
    assert outbox(channel=N.Channel.EMAIL)[0].state == N.State.SENT


# --- Delivery ---------------------------------------------------------------------


def test_email_is_sent_through_the_mail_backend(db):
    notify_address(
        "email", "wang@example.org", subject="主题", body="正文", url="/cases/x/"
    )
    assert deliver_pending() == 1
    [message] = mail.outbox
    assert message.to == ["wang@example.org"]
    assert message.subject == "主题"
    assert message.body == "正文\nhttps://gongzhi.example.cn/cases/x/"
    note = N.objects.get()
    assert (note.state, note.attempts, note.last_error) == (N.State.SENT, 1, "")
    assert note.sent_at is not None
    assert deliver_pending() == 0
    assert len(mail.outbox) == 1


def test_sms_is_sent_through_the_configured_backend(db):
    notify_address("sms", "13812345678", subject="案件受理", body="已受理", url="")
    assert deliver_pending() == 1
    assert FakeSms.sent == [("13812345678", "【共治】案件受理：已受理")]
    assert N.objects.get().state == N.State.SENT


def test_failed_send_is_retried_then_given_up(db, settings):
    settings.SMS_BACKEND = FAILING_SMS
    notify_address("sms", "13812345678", subject="s", body="b")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver_pending() == 0
        note = N.objects.get()
        assert note.attempts == attempt
        assert note.last_error == "SMS gateway unreachable"
        expected = N.State.FAILED if attempt == MAX_ATTEMPTS else N.State.PENDING
        assert note.state == expected
    settings.SMS_BACKEND = SMS_BACKEND
    assert deliver_pending() == 0
    assert FakeSms.sent == []
    assert N.objects.get().attempts == MAX_ATTEMPTS


def test_a_retry_that_succeeds_is_sent(db, settings):
    settings.SMS_BACKEND = FAILING_SMS
    notify_address("sms", "13812345678", subject="s", body="b")
    deliver_pending()
    settings.SMS_BACKEND = SMS_BACKEND
    assert deliver_pending() == 1
    note = N.objects.get()
    assert (note.state, note.attempts) == (N.State.SENT, 2)
    assert note.last_error == "SMS gateway unreachable"  # kept for the record


def test_one_failure_does_not_hold_up_the_rest(db, settings):
    settings.EMAIL_BACKEND = "gongzhi.cases.tests.test_notifications.BrokenMail"
    notify_address("email", "a@example.org", subject="s", body="b")
    notify_address("sms", "13812345678", subject="s", body="b")
    assert deliver_pending() == 1
    states = dict(N.objects.values_list("channel", "state"))
    assert states == {"email": N.State.PENDING, "sms": N.State.SENT}
    assert N.objects.get(channel="email").last_error == "SMTP refused"


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("SMTP refused")


def test_in_app_notifications_are_never_delivered_by_the_job(world):
    notify.notify_user(world.resident, subject="站内", body="b")
    N.objects.create(
        channel=N.Channel.IN_APP, recipient=world.handler, subject="待读", body="b"
    )
    before = list(N.objects.values_list("pk", "state", "attempts", "sent_at"))
    assert deliver_pending() == 0
    assert list(N.objects.values_list("pk", "state", "attempts", "sent_at")) == before
    assert mail.outbox == []
    assert FakeSms.sent == []


def test_delivery_takes_at_most_the_limit_oldest_first(db):
    for n in range(3):
        notify_address("sms", f"1380000000{n}", subject=f"s{n}", body="b")
    assert deliver_pending(limit=2) == 2
    assert [phone for phone, _ in FakeSms.sent] == ["13800000000", "13800000001"]
    assert deliver_pending() == 1


class SendsAndMarksTheNext:
    """While sending one message, another worker delivers the next one."""

    def send(self, phone: str, text: str) -> None:
        FakeSms.sent.append((phone, text))
        N.objects.filter(state=N.State.PENDING).exclude(address="").update(
            state=N.State.SENT
        )


def test_message_delivered_meanwhile_by_another_worker_is_not_sent_again(db, settings):
    settings.SMS_BACKEND = "gongzhi.cases.tests.test_notifications.SendsAndMarksTheNext"
    notify_address("sms", "13800000001", subject="a", body="b")
    notify_address("sms", "13800000002", subject="c", body="d")
    assert deliver_pending() == 1
    assert [phone for phone, _ in FakeSms.sent] == ["13800000001"]
