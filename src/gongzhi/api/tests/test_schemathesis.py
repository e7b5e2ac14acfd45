"""Property-based tests: schemathesis drives every operation of /api/openapi.json
through the WSGI app with generated (valid and invalid) input; no answer may be
a server error.

Path parameters are pointed at real cases in every state most of the time, so
the generated bodies reach the services, not only the 404 for unknown numbers.
"""

from __future__ import annotations

import zlib
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from gongzhi.api.services import api_token_issue
from gongzhi.cases import services
from gongzhi.cases.models import CasePhoto

from .conftest import dispatched, feedback, in_progress, png, report, verifying

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
schema.config.generation.update(max_examples=25, deterministic=True)

pytestmark = pytest.mark.django_db


@pytest.fixture
def _keep_test_connection():
    """Keep the test's connection open across requests, as Django's test client
    does: the raw WSGI app would close it at each request, ending the test's
    transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def targets(world, _keep_test_connection) -> dict[str, Any]:
    """Cases in many states, tokens for several roles, a pending extension."""
    handling = in_progress(world)
    pending = services.case_extension_request(
        case=handling, actor=world.handler, days=1, reason="采购"
    )
    closed = feedback(world)
    services.case_rate(
        case=closed, actor=world.resident, solved="no", satisfaction="unsatisfied"
    )
    cases = [
        report(world),
        report(world),
        dispatched(world),
        handling,
        verifying(world),
        feedback(world),
        closed,
    ]
    tokens = [
        api_token_issue(user=user, name="schemathesis", actor=None).raw
        for user in (world.staff, world.handler, world.admin, world.resident)
    ]
    photo = CasePhoto(case=handling, width=40, height=30)
    photo.image.save("p.png", png(), save=False)
    photo.thumbnail.save("p_t.png", png(), save=True)
    return {
        "numbers": [c.number for c in cases],
        "tokens": tokens,
        "extension": pending.pk,
        "photo": photo.pk,
    }


def _pick(key: str, options: list[Any]) -> Any:
    # Deterministic: the same generated input always takes the same choice.
    return options[zlib.crc32(key.encode()) % len(options)]


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_server_errors(case, targets):
    key = repr((case.path_parameters, case.query, case.body))
    params = case.path_parameters or {}
    # Three times in four a real case; otherwise whatever was generated.
    if "number" in params and _pick(key + "n", [True, True, True, False]):
        params["number"] = _pick(key + "c", targets["numbers"])
    if "request_id" in params and _pick(key + "r", [True, False]):
        params["request_id"] = targets["extension"]
    if "photo_id" in params and _pick(key + "p", [True, False]):
        params["photo_id"] = targets["photo"]
    token = _pick(key + "t", targets["tokens"])
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error],
    )
