"""The health check, the error pages and the request-id middleware."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError, connection

import gongzhi
from gongzhi.core.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_with_version_and_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == gongzhi.__version__
    assert body["database"] == {"vendor": connection.vendor, "ok": True}
    assert body["tasks_backend"] == "immediate"
    assert body["worker_last_seen"] is None
    assert body["worker_age_seconds"] is None
    assert "no-cache" in response["Cache-Control"]


def test_healthz_shows_when_a_worker_was_last_seen(client):
    heartbeat.enqueue()

    body = client.get("/healthz").json()

    assert body["worker_last_seen"] is not None
    assert 0 <= body["worker_age_seconds"] < 60


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"]["ok"] is False
    assert body["database"]["error"] == "could not connect to server"


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405


def test_an_unknown_page_shows_the_html_error_page_in_chinese(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "页面不存在" in html
    assert "此地址没有页面，可能已经移动。" in html
    assert "Traceback" not in html


def test_an_unknown_page_under_healthz_is_json(client):
    response = client.get("/healthz/nothing-here")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "此地址没有页面，可能已经移动。"}


def test_error_pages_follow_the_chosen_language(client):
    client.cookies["django_language"] = "en"
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_an_unknown_api_path_is_json(client):
    response = client.get("/api/nothing-here")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_safe_incoming_request_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-4f1c.2")

    assert response["X-Request-ID"] == "edge-4f1c.2"


@pytest.mark.parametrize(
    "unsafe", ["<script>alert(1)</script>", "id with spaces", "x" * 65, "a;b"]
)
def test_an_unsafe_incoming_request_id_is_replaced(client, unsafe):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=unsafe)

    assert response["X-Request-ID"] != unsafe
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_error_pages_also_carry_the_request_id(client):
    response = client.get("/no/such/page/", HTTP_X_REQUEST_ID="trace-404")

    assert response["X-Request-ID"] == "trace-404"
