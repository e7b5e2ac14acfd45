"""Fixtures of the API tests: the cases world, tokens and JSON clients."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import translation
from PIL import Image

from gongzhi.api.services import api_token_issue
from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.cases.tests.factories import World, make_world
from gongzhi.cases.workflow import TransitionError


@dataclass
class ApiClient:
    """A Django test client speaking JSON to /api/, in English by default."""

    client: Client
    token: str = ""

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"/api{path}", params or {}, headers=self._headers())

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.client.post(
            f"/api{path}",
            json.dumps({} if body is None else body),
            content_type="application/json",
            headers={**self._headers(), **extra.pop("headers", {})},
            **extra,
        )

    def post_form(self, path: str, data: dict[str, Any]) -> Any:
        # multipart/form-data, as the reply, verify and self-resolve actions take
        return self.client.post(f"/api{path}", data, headers=self._headers())


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def anon() -> ApiClient:
    return ApiClient(english(Client()))


@pytest.fixture
def as_user():
    """Return a function giving a token-authenticated client for a user."""

    def make(user: Any) -> ApiClient:
        issued = api_token_issue(user=user, name="tests", actor=None)
        return ApiClient(english(Client()), token=issued.raw)

    return make


@pytest.fixture
def as_session():
    """Return a function giving a session-authenticated client for a user."""

    def make(user: Any, *, enforce_csrf: bool = False) -> ApiClient:
        client = english(Client(enforce_csrf_checks=enforce_csrf))
        client.force_login(user)
        return ApiClient(client)

    return make


def png(name: str = "photo.png") -> SimpleUploadedFile:
    """Return a small PNG upload."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def report(world: World, **overrides: Any) -> Case:
    """Report a case on the world's street through the service."""
    fields: dict[str, Any] = {
        "category": world.category,
        "description": "垃圾堆放在巷口",
        "street": world.street,
        "reporter": world.resident,
        "reporter_name": "王小明",
        "reporter_phone": "13812345678",
    }
    fields.update(overrides)
    return services.case_report(**fields).case


def dispatched(world: World, **overrides: Any) -> Case:
    """Return a case accepted and dispatched to the world's unit."""
    case = report(world, **overrides)
    services.case_accept(case=case, actor=world.staff)
    services.case_dispatch(case=case, actor=world.staff, lead=world.unit)
    case.refresh_from_db()
    return case


def in_progress(world: World) -> Case:
    case = dispatched(world)
    services.case_acknowledge(case=case, actor=world.handler)
    services.case_start(case=case, actor=world.handler)
    case.refresh_from_db()
    return case


def verifying(world: World) -> Case:
    case = in_progress(world)
    services.case_reply(case=case, actor=world.handler, note="已清理")
    case.refresh_from_db()
    return case


def feedback(world: World) -> Case:
    case = verifying(world)
    services.case_verify(case=case, actor=world.staff, ok=True)
    case.refresh_from_db()
    return case


NOT_ALLOWED = "You are not allowed to do this to the case."


class _Rollback(Exception):
    pass


def service_error(call: Callable[[], Any]) -> dict[str, Any]:
    """Return the error body the API should give for what ``call`` raises.

    The service runs in English inside a transaction that is always undone.
    """
    with translation.override("en"):
        try:
            with transaction.atomic():
                call()
                raise _Rollback
        except _Rollback:
            raise AssertionError("the service accepted the input") from None
        except TransitionError as exc:
            return {"detail": exc.message}
        except services.StaleCaseError as exc:
            return {"detail": " ".join(exc.messages)}
        except ValidationError as exc:
            errors = (
                dict(exc.message_dict)
                if hasattr(exc, "error_dict")
                else {"__all__": exc.messages}
            )
            return {
                "detail": " ".join(m for ms in errors.values() for m in ms),
                "errors": errors,
            }
        except PermissionDenied as exc:
            return {"detail": str(exc)}


def assert_error(response: Any, status: int, expected: dict[str, Any]) -> None:
    assert response.status_code == status, response.content
    assert response.json() == expected


def status_of(response: Any) -> str:
    assert response.status_code == 200, response.content
    return response.json()["status"]["value"]
