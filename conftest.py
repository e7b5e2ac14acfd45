"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def service_reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip the test when ``name`` is not running here; in CI, fail instead."""
    if service_reachable(host, port):
        return
    reason = f"{name} is not reachable at {host}:{port}"
    if IN_CI:
        pytest.fail(f"{reason}, and CI must run this test.")
    pytest.skip(f"{reason}; start it to run this test (CI does).")


@pytest.fixture(autouse=True)
def _audit_guards_for_flush(request: pytest.FixtureRequest):
    """Keep the audit log's triggers on during transactional tests.

    Transactional tests end with a flush (DELETE FROM every table on SQLite),
    which the append-only triggers would refuse; they are dropped just before the
    flush and restored before the next test.
    """
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from gongzhi.core.dbguards import drop_audit_guards, install_audit_guards

    install_audit_guards(connection)
    yield
    drop_audit_guards(connection)


@pytest.fixture
def redis_url() -> str:
    require_service("Redis", "127.0.0.1", 6379)
    return "redis://127.0.0.1:6379/15"


@pytest.fixture
def mqtt_broker() -> tuple[str, int]:
    require_service("Mosquitto (MQTT)", "127.0.0.1", 1883)
    return ("127.0.0.1", 1883)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Forget cached calendar overrides around each test.

    The cache outlives the test transaction: overrides rolled back at the end of
    one test would otherwise still be seen by the next.
    """
    from gongzhi.core import calendar

    calendar.invalidate_cache()
    yield
    calendar.invalidate_cache()


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Forget cached category questions and Django's cache around each test.

    Both outlive the test transaction: rolled-back rows, reused primary keys and
    frozen clocks would otherwise meet another test's cached values.
    """
    from django.core.cache import cache

    from gongzhi.cases.attributes import _questions

    _questions.cache_clear()
    cache.clear()
    yield
    _questions.cache_clear()
    cache.clear()
