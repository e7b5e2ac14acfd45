"""The append-only audit log and the request context it records."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from gongzhi.accounts.tests.factories import PASSWORD, UserFactory
from gongzhi.core import context
from gongzhi.core.audit import audit_read, audit_record, diff, snapshot
from gongzhi.core.models import AuditEvent, AuditLogError

pytestmark = pytest.mark.django_db

UPDATE_REFUSED = "The audit log is append-only: records cannot be updated."
DELETE_REFUSED = "The audit log is append-only: records cannot be deleted."


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(actor=None, action="test.created", note="original")


def test_audit_record_stores_actor_object_and_changes():
    user = UserFactory(username="wang")
    target = UserFactory(username="li")

    event = audit_record(
        actor=user, action="user.update", obj=target, changes={"x": [1, 2]}
    )

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == user
    assert event.actor_repr == "wang"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(target.pk)
    assert event.changes == {"x": [1, 2]}
    assert event.kind == AuditEvent.Kind.CHANGE


def test_audit_record_without_a_user_is_the_system(event):
    assert event.actor is None
    assert event.actor_repr == ""
    assert event.request_id == ""
    assert event.ip is None


def test_audit_read_records_which_fields_were_read():
    reader, subject = UserFactory(), UserFactory()

    event = audit_read(actor=reader, obj=subject, fields=["phone", "id_number"])

    assert event.kind == AuditEvent.Kind.READ
    assert event.action == "read"
    assert event.note == "phone, id_number"


def test_saving_an_existing_event_is_refused(event):
    event.note = "rewritten"

    with pytest.raises(AuditLogError, match=UPDATE_REFUSED):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).note == "original"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditLogError, match=DELETE_REFUSED):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_and_delete_are_refused(event):
    with pytest.raises(AuditLogError, match=UPDATE_REFUSED):
        AuditEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(AuditLogError, match=DELETE_REFUSED):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.get(pk=event.pk).note == "original"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET note = 'rewritten' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_the_log(event, sql):
    with (
        pytest.raises(DatabaseError, match="The audit log is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).note == "original"


def test_deleting_a_user_keeps_their_audit_events():
    user = UserFactory(username="leaver")
    user_id = user.pk
    event = audit_record(actor=user, action="auth.login")

    user.delete()

    kept = AuditEvent.objects.get(pk=event.pk)
    assert kept.actor_repr == "leaver"
    assert kept.actor_id == user_id


def test_audit_record_takes_request_id_and_ip_from_the_context():
    token = context.activate(context.RequestContext(request_id="req-42", ip="10.0.0.7"))
    try:
        event = audit_record(actor=None, action="test.in_request")
    finally:
        context.reset(token)

    assert (event.request_id, event.ip) == ("req-42", "10.0.0.7")
    assert context.current() == context.RequestContext()


def test_a_login_records_the_request_id_and_address(client):
    user = UserFactory(username="zhang")

    response = client.post(
        "/accounts/login/",
        {"username": "zhang", "password": PASSWORD},
        HTTP_X_REQUEST_ID="login-7f3a",
        REMOTE_ADDR="192.0.2.10",
    )

    assert response.status_code == 302
    assert response["X-Request-ID"] == "login-7f3a"
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == user
    assert event.kind == AuditEvent.Kind.AUTH
    assert event.request_id == "login-7f3a"
    assert event.ip == "192.0.2.10"


def test_diff_returns_only_changed_fields():
    user = UserFactory()
    before = {"status": "open", "title": "路灯不亮", "owner": None, "count": 1}
    after = {"status": "closed", "title": "路灯不亮", "owner": user, "count": 1}

    assert diff(before, after) == {
        "status": ["open", "closed"],
        "owner": [None, user.pk],
    }


def test_diff_includes_fields_present_on_one_side_only():
    assert diff({"a": 1}, {"a": 1, "b": 2}) == {"b": [None, 2]}
    assert diff({}, {}) == {}


def test_snapshot_then_diff_captures_an_edit():
    user = UserFactory(display_name="张三")
    before = snapshot(user, ["display_name", "is_newcomer"])
    user.display_name = "张三明"

    assert diff(before, snapshot(user, ["display_name", "is_newcomer"])) == {
        "display_name": ["张三", "张三明"]
    }
