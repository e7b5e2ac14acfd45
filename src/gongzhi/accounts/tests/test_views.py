"""Sign-in, lockout, sign-out and password change through the web."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from gongzhi.accounts.forms import LoginForm
from gongzhi.core.models import AuditEvent

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")


def _translated(message: object, language: str = "zh-hans") -> str:
    with translation.override(language):
        return escape(str(message))


def _signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_page_renders_in_chinese_by_default(client):
    # When an anonymous visitor opens the sign-in page without language hints
    response = client.get(LOGIN_URL)

    # Then it is served in Simplified Chinese, the default language
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.text, "the default language is zh-hans"


def test_login_success_redirects_home_and_records_audit_event(client):
    # Given a user with a known password
    user = UserFactory(username="chen")

    # When they sign in
    response = client.post(LOGIN_URL, {"username": "chen", "password": PASSWORD})

    # Then they land on the home page, signed in, and the sign-in is audited
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert _signed_in_user_id(client) == str(user.pk), "the session holds the user"
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == user
    assert event.kind == AuditEvent.Kind.AUTH
    assert event.actor_repr == "chen"


def test_login_success_follows_safe_next_url(client):
    # Given a user sent to sign in from the coverage page
    UserFactory(username="chen")

    # When they sign in with next pointing back there
    response = client.post(
        LOGIN_URL, {"username": "chen", "password": PASSWORD, "next": "/orgs/coverage/"}
    )

    # Then they return to it
    assert response.status_code == 302
    assert response.url == "/orgs/coverage/"


def test_login_wrong_password_shows_form_error_in_chinese(client):
    # Given a user
    UserFactory(username="chen")

    # When they sign in with a wrong password (no language hint: zh-hans)
    response = client.post(LOGIN_URL, {"username": "chen", "password": "wrong-one"})

    # Then the form is shown again with the invalid-login message, not signed in
    assert response.status_code == 200
    expected = _translated(LoginForm.error_messages["invalid_login"], "zh-hans")
    assert expected in response.text, "the invalid-login message is rendered"
    assert 'data-testid="login-error"' in response.text
    assert _signed_in_user_id(client) is None
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_login_wrong_password_message_in_english_when_asked(client):
    # Given a user who chose English
    UserFactory(username="chen")

    # When they sign in with a wrong password
    client.cookies["django_language"] = "en"
    response = client.post(
        LOGIN_URL,
        {"username": "chen", "password": "wrong-one"},
    )

    # Then the English message is shown
    assert "The username or password is wrong." in response.text


def test_login_refuses_inactive_user(client):
    # Given a disabled account
    UserFactory(username="gone", is_active=False)

    # When its owner signs in with the right password
    response = client.post(LOGIN_URL, {"username": "gone", "password": PASSWORD})

    # Then they are not signed in
    assert response.status_code == 200
    assert _signed_in_user_id(client) is None


def test_login_page_redirects_signed_in_user_home(client):
    # Given a signed-in user
    client.force_login(UserFactory())

    # When they open the sign-in page
    response = client.get(LOGIN_URL)

    # Then they are sent home
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_lockout_after_failure_limit_returns_429_and_refuses_right_password(client):
    # Given a user and the configured failure limit
    user = UserFactory(username="chen")
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5, "the default failure limit is 5"

    # When they enter a wrong password limit - 1 times
    for attempt in range(limit - 1):
        response = client.post(LOGIN_URL, {"username": "chen", "password": "nope"})
        assert response.status_code == 200, f"attempt {attempt + 1} is not locked yet"

    # And once more
    response = client.post(LOGIN_URL, {"username": "chen", "password": "nope"})

    # Then the account is locked: 429, the lockout page, an audit event
    assert response.status_code == 429
    assert "accounts/lockout.html" in [t.name for t in response.templates]
    assert 'data-testid="lockout"' in response.text
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    assert response.context["minutes"] == minutes == 15
    lockout = AuditEvent.objects.filter(action="auth.lockout").first()
    assert lockout is not None, "the lockout is audited"
    assert lockout.kind == AuditEvent.Kind.AUTH
    assert lockout.note == "chen", "the audit event names the locked-out username"

    # When they now enter the right password
    response = client.post(LOGIN_URL, {"username": "chen", "password": PASSWORD})

    # Then they are still refused
    assert response.status_code == 429
    assert _signed_in_user_id(client) is None, "a locked account cannot sign in"
    assert not AuditEvent.objects.filter(action="auth.login", actor=user).exists()


def test_lockout_is_per_username(client):
    # Given one user locked out
    UserFactory(username="chen")
    other = UserFactory(username="li")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, {"username": "chen", "password": "nope"})

    # When another user signs in from the same address
    response = client.post(LOGIN_URL, {"username": "li", "password": PASSWORD})

    # Then they get in: a shared office NAT must not lock everyone out
    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(other.pk)


def test_logout_by_post_signs_out_and_records_audit_event(client):
    # Given a signed-in user
    user = UserFactory()
    client.force_login(user)

    # When they sign out with a POST
    response = client.post(reverse("accounts:logout"))

    # Then they are signed out, sent home and the sign-out is audited
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert _signed_in_user_id(client) is None
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()


def test_logout_by_get_is_refused(client):
    # Given a signed-in user
    user = UserFactory()
    client.force_login(user)

    # When something tries to sign them out with a GET (a link, an image)
    response = client.get(reverse("accounts:logout"))

    # Then it is refused and they stay signed in
    assert response.status_code == 405
    assert _signed_in_user_id(client) == str(user.pk)


def test_password_change_requires_sign_in(client):
    # When an anonymous visitor opens the password page
    response = client.get(reverse("accounts:password_change"))

    # Then they are sent to sign in
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_password_change_with_wrong_old_password_shows_error(client):
    # Given a signed-in user
    user = UserFactory()
    client.force_login(user)

    # When they give a wrong old password
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "not-my-password",
            "new_password1": "a-much-better-passphrase",
            "new_password2": "a-much-better-passphrase",
        },
    )

    # Then the form says so and the password is unchanged
    assert response.status_code == 200
    expected = _translated(PasswordChangeForm.error_messages["password_incorrect"])
    assert expected in response.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD), "the old password still works"


def test_password_change_success_shows_done_page_and_records_audit(client):
    # Given a signed-in user
    user = UserFactory()
    client.force_login(user)

    # When they change their password correctly
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-better-passphrase",
            "new_password2": "a-much-better-passphrase",
        },
        follow=True,
    )

    # Then they see the done page, stay signed in, and the change is audited
    assert response.redirect_chain == [(reverse("accounts:password_change_done"), 302)]
    assert "accounts/password_change_done.html" in [t.name for t in response.templates]
    user.refresh_from_db()
    assert user.check_password("a-much-better-passphrase")
    assert _signed_in_user_id(client) == str(user.pk), "the session survives"
    assert AuditEvent.objects.filter(action="auth.password_change", actor=user).exists()
