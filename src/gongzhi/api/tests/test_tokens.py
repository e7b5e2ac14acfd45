"""Personal API tokens: the services, the management command and the admin."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.api.models import ApiToken
from gongzhi.api.services import (
    api_token_authenticate,
    api_token_issue,
    api_token_revoke,
)
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_issue_audits_and_authenticates(db):
    user = UserFactory(username="li")

    issued = api_token_issue(user=user, name="dashboard", actor=None)

    assert api_token_authenticate(issued.raw) == user
    event = AuditEvent.objects.get(action="api.token_issue")
    assert event.kind == AuditEvent.Kind.AUTH
    assert event.changes == {"user": [None, "li"]}
    assert issued.raw not in str(event.changes) + event.note


def test_issue_needs_a_name_and_an_active_user_and_a_future_expiry(db):
    user = UserFactory()
    with pytest.raises(ValidationError) as no_name:
        api_token_issue(user=user, name=" ", actor=None)
    with pytest.raises(ValidationError) as past:
        api_token_issue(
            user=user,
            name="x",
            actor=None,
            expires_at=timezone.now() - dt.timedelta(days=1),
        )
    user.is_active = False
    with pytest.raises(ValidationError) as inactive:
        api_token_issue(user=user, name="x", actor=None)

    assert no_name.value.message_dict == {"name": ["Say what the token is for."]}
    assert past.value.message_dict == {
        "expires_at": ["The expiry must be in the future."]
    }
    assert inactive.value.messages == ["Tokens can only be issued to active users."]


def test_revoke_twice_is_refused(db):
    issued = api_token_issue(user=UserFactory(), name="x", actor=None)
    api_token_revoke(token=issued.token, actor=None)

    with pytest.raises(ValidationError) as again:
        api_token_revoke(token=issued.token, actor=None)

    assert again.value.messages == ["This token has already been revoked."]
    assert api_token_authenticate(issued.raw) is None
    assert AuditEvent.objects.filter(action="api.token_revoke").count() == 1


def test_overlong_or_foreign_values_are_not_looked_up(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api_token_authenticate("gz_" + "a" * 500) is None
        assert api_token_authenticate("Basic abc") is None


# --- gongzhi api_token ----------------------------------------------------------------


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_creates_a_token_printed_once(db):
    user = UserFactory(username="wang")

    out, err = _run("create", "wang", "nightly export", "--expires", "2099-12-31")

    raw = out.strip()
    token = ApiToken.objects.get()
    assert api_token_authenticate(raw) == user
    assert token.name == "nightly export"
    assert timezone.localtime(token.expires_at).date() == dt.date(2099, 12, 31)
    assert "cannot be shown again" in err
    assert raw not in err


def test_command_lists_without_values_and_revokes_by_prefix(db):
    UserFactory(username="wang")
    raw = _run("create", "wang", "export")[0].strip()
    token = ApiToken.objects.get()

    listing = _run("list", "wang")[0]
    revoked = _run("revoke", token.prefix)[0]

    assert token.prefix in listing
    assert "active" in listing
    assert raw not in listing
    assert "revoked" in revoked
    assert api_token_authenticate(raw) is None
    assert "revoked" in _run("list")[0]


def test_command_revokes_by_the_whole_token(db):
    UserFactory(username="wang")
    raw = _run("create", "wang", "export")[0].strip()

    _run("revoke", raw)

    assert api_token_authenticate(raw) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nobody", "x"), "There is no user nobody."),
        (("create", "wang", " "), "Say what the token is for."),
        (("create", "wang", "x", "--expires", "soon"), "not a date"),
        (("revoke", "gz_"), "Give at least the first 7 characters"),
        (("revoke", "gz_zzzzzzzz"), "No token starts with gz_zzzzzzzz."),
    ],
)
def test_command_errors(db, args, message):
    UserFactory(username="wang")

    with pytest.raises(CommandError, match=message):
        _run(*args)


# --- Admin ----------------------------------------------------------------------------


@pytest.fixture
def admin_client_en(admin_client):
    admin_client.cookies["django_language"] = "en"
    return admin_client


def test_admin_issues_a_token_and_shows_it_once(admin_client_en, django_user_model):
    owner = UserFactory(username="zhao")

    response = admin_client_en.post(
        "/admin/api/apitoken/add/",
        {
            "user": owner.pk,
            "name": "reporting tool",
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )

    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert any("shown only once" in m for m in shown)
    raw = re.search(r"gz_\S+", " ".join(shown)).group()
    assert api_token_authenticate(raw) == owner
    assert token.user == owner


def test_admin_revokes_selected_tokens(admin_client_en):
    issued = api_token_issue(user=UserFactory(), name="x", actor=None)

    admin_client_en.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [issued.token.pk]},
    )

    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None


def test_admin_cannot_change_or_delete_a_token(admin_client_en):
    issued = api_token_issue(user=UserFactory(), name="x", actor=None)
    url = f"/admin/api/apitoken/{issued.token.pk}/change/"

    page = admin_client_en.get(url)
    admin_client_en.post(url, {"name": "renamed"})
    deleted = admin_client_en.get(f"/admin/api/apitoken/{issued.token.pk}/delete/")

    assert page.status_code == 200
    issued.token.refresh_from_db()
    assert issued.token.name == "x"
    assert deleted.status_code == 403
