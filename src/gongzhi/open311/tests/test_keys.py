"""API keys: issued once, hashed at rest, revocable; by service, command and admin."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.cli import main as cli_main
from gongzhi.core.models import AuditEvent
from gongzhi.open311.models import ApiKey
from gongzhi.open311.services import (
    ApiKeyRefused,
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages built outside a request follow the active language: use English."""
    with translation.override("en"):
        yield


def test_create_keeps_only_the_hash_and_a_prefix():
    api_key, raw = api_key_create(name="fixmystreet")

    assert len(raw) >= 40
    assert api_key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert api_key.prefix == raw[:8]
    assert raw not in str(list(ApiKey.objects.values()))
    assert AuditEvent.objects.filter(action="open311.key_create").count() == 1


def test_create_refuses_a_blank_or_taken_name():
    api_key_create(name="fixmystreet")

    with pytest.raises(ValidationError, match="exists already"):
        api_key_create(name="fixmystreet")
    with pytest.raises(ValidationError, match="Name the client"):
        api_key_create(name="  ")


def test_authenticate_accepts_the_key_and_refuses_it_once_revoked():
    api_key, raw = api_key_create(name="fixmystreet")

    assert api_key_authenticate(raw_key=raw) == api_key

    api_key_revoke(api_key=api_key)
    api_key_revoke(api_key=api_key)
    with pytest.raises(ApiKeyRefused, match="revoked"):
        api_key_authenticate(raw_key=raw)
    assert AuditEvent.objects.filter(action="open311.key_revoke").count() == 1


def test_command_creates_lists_and_revokes():
    out, err = io.StringIO(), io.StringIO()
    call_command("open311_key", "create", "hotline", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert api_key_authenticate(raw_key=raw).name == "hotline"
    assert "shown only now" in err.getvalue()

    out = io.StringIO()
    call_command("open311_key", "list", stdout=out)
    assert out.getvalue().startswith(f"hotline\t{raw[:8]}…")
    assert raw not in out.getvalue()
    assert "active" in out.getvalue()

    out = io.StringIO()
    call_command("open311_key", "revoke", "hotline", stdout=out)
    assert out.getvalue() == "Revoked the key of hotline.\n"
    with pytest.raises(ApiKeyRefused):
        api_key_authenticate(raw_key=raw)


def test_command_explains_errors():
    with pytest.raises(CommandError, match="No Open311 key is named 'nobody'"):
        call_command("open311_key", "revoke", "nobody")
    api_key_create(name="hotline")
    with pytest.raises(CommandError, match="exists already"):
        call_command("open311_key", "create", "hotline")


def test_cli_accepts_the_hyphenated_spelling(monkeypatch):
    # Capture the command line rather than run it: a management command run this
    # way closes the database connections, the test's own included.
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.append)

    assert cli_main(["open311-key", "create", "city-app"]) == 0

    assert seen == [["gongzhi", "open311_key", "create", "city-app"]]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_add_shows_the_new_key_once(admin_client):
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(
        reverse("admin:open311_apikey_add"), {"name": "city-app"}, follow=True
    )

    assert response.status_code == 200
    api_key = ApiKey.objects.get(name="city-app")
    shown = [str(m) for m in response.context["messages"]]
    (notice,) = [m for m in shown if "shown only this once" in m]
    raw = notice.split(" is ", 1)[1].split(" — ", 1)[0]
    assert api_key_authenticate(raw_key=raw) == api_key
    assert api_key.created_by.username == "root"


def test_admin_revoke_action_revokes(admin_client):
    api_key, raw = api_key_create(name="city-app")

    admin_client.post(
        reverse("admin:open311_apikey_changelist"),
        {"action": "revoke", "_selected_action": [api_key.pk]},
    )

    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_admin_cannot_delete_keys(admin_client):
    api_key, _raw = api_key_create(name="city-app")

    response = admin_client.get(
        reverse("admin:open311_apikey_delete", args=[api_key.pk])
    )

    assert response.status_code == 403


def test_admin_change_page_shows_the_prefix_never_the_key(admin_client):
    api_key, raw = api_key_create(name="city-app")

    response = admin_client.get(
        reverse("admin:open311_apikey_change", args=[api_key.pk])
    )

    assert response.status_code == 200
    assert api_key.prefix in response.content.decode()
    assert raw not in response.content.decode()
    assert api_key.key_hash not in response.content.decode()
