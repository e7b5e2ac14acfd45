"""Authentication: personal tokens, the session with CSRF, and 401 for the rest."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from freezegun import freeze_time

from gongzhi.api.api import api
from gongzhi.api.models import ApiToken
from gongzhi.api.services import api_token_issue, api_token_revoke
from gongzhi.core.models import AuditEvent

from .conftest import ApiClient, english, report

pytestmark = pytest.mark.django_db

UNAUTHORISED = (
    "Sign in, or send a personal API token in the header "
    "“Authorization: Bearer <token>”."
)


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method in methods
    )


OPERATIONS = _operations()


def test_every_operation_is_listed():
    # The parametrised tests below cover every operation of the schema.
    assert len(OPERATIONS) == 28, OPERATIONS


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_gets_401_json_on_every_endpoint(world, anon, method, path):
    # Given a case that exists
    case = report(world)
    url = re.sub(r"\{number\}", case.number, path)
    url = re.sub(r"\{(request_id|photo_id)\}", "1", url).removeprefix("/api")

    # When an anonymous client calls the endpoint
    if method == "GET":
        response = anon.get(url)
    else:
        response = anon.post(url, {})

    # Then it is told to authenticate, in JSON, with the Bearer challenge
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": UNAUTHORISED}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_valid_token_authenticates_as_its_user(world, as_user):
    response = as_user(world.staff).get("/me")

    assert response.status_code == 200
    assert response.json()["username"] == "staff"


def test_wrong_token_is_401(world, anon):
    anon.token = "gz_not-a-token"

    assert anon.get("/me").status_code == 401


def test_token_without_the_platform_prefix_is_401(world, anon):
    anon.token = "x" * 40

    assert anon.get("/me").status_code == 401


def test_revoked_token_is_401(world, anon):
    issued = api_token_issue(user=world.staff, name="script", actor=None)
    anon.token = issued.raw
    assert anon.get("/me").status_code == 200

    api_token_revoke(token=issued.token, actor=world.admin)

    assert anon.get("/me").status_code == 401


def test_expired_token_is_401(world, anon):
    issued = api_token_issue(
        user=world.staff,
        name="script",
        actor=None,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    anon.token = issued.raw

    with freeze_time(timezone.now() + dt.timedelta(days=2)):
        assert anon.get("/me").status_code == 401


def test_token_of_deactivated_user_is_401(world, anon):
    anon.token = api_token_issue(user=world.staff, name="s", actor=None).raw
    world.staff.is_active = False
    world.staff.save()

    assert anon.get("/me").status_code == 401


def test_wrong_token_does_not_fall_back_to_the_session(world, as_session):
    # A signed-in browser that also sends a bad token is judged by the token
    client = as_session(world.staff)
    client.token = "gz_wrong"

    assert client.get("/me").status_code == 401


def test_token_use_is_audited_at_most_once_a_minute(world, anon):
    issued = api_token_issue(user=world.staff, name="script", actor=None)
    anon.token = issued.raw
    start = timezone.now()

    with freeze_time(start) as clock:
        anon.get("/me")
        anon.get("/categories")
        clock.tick(dt.timedelta(seconds=59))
        anon.get("/me")
        assert AuditEvent.objects.filter(action="api.token_use").count() == 1
        clock.tick(dt.timedelta(seconds=2))
        anon.get("/me")

    uses = AuditEvent.objects.filter(action="api.token_use")
    assert uses.count() == 2
    event = uses.first()
    assert event.actor == world.staff
    assert event.kind == AuditEvent.Kind.AUTH
    assert event.object_id == str(issued.token.pk)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == start + dt.timedelta(seconds=61)


def test_token_is_stored_hashed(world):
    issued = api_token_issue(user=world.staff, name="script", actor=None)

    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.raw not in (stored.key_hash, stored.prefix)
    assert len(stored.key_hash) == 64
    assert issued.raw.startswith(stored.prefix)


def test_session_get_needs_no_csrf_token(world, as_session):
    client = as_session(world.staff, enforce_csrf=True)

    assert client.get("/me").status_code == 200


def test_session_post_without_csrf_token_is_403(world, as_session):
    case = report(world)
    client = as_session(world.staff, enforce_csrf=True)

    response = client.post(f"/cases/{case.number}/actions/accept", {})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "CSRF check failed. Send the csrftoken cookie's value in the "
        "X-CSRFToken header, or use a personal API token."
    }
    case.refresh_from_db()
    assert case.status == "reported"


def test_session_post_with_csrf_token_is_accepted(world, as_session):
    case = report(world)
    client = as_session(world.staff, enforce_csrf=True)
    # The docs page (like every page) sets the CSRF cookie
    client.get("/docs")
    token = client.client.cookies["csrftoken"].value

    response = client.post(
        f"/cases/{case.number}/actions/accept",
        {},
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 200
    assert response.json()["status"]["value"] == "accepted"


def test_token_post_needs_no_csrf_token(world, as_user):
    # Programs with a token are not browsers: CSRF does not apply
    case = report(world)
    client = as_user(world.staff)
    client.client = english(type(client.client)(enforce_csrf_checks=True))

    response = client.post(f"/cases/{case.number}/actions/accept", {})

    assert response.status_code == 200


def test_anonymous_post_is_401_not_a_csrf_complaint(world):
    from django.test import Client

    case = report(world)
    client = ApiClient(english(Client(enforce_csrf_checks=True)))

    response = client.post(f"/cases/{case.number}/actions/accept", {})

    assert response.status_code == 401
