"""The OpenAPI schema, the offline docs page, and JSON for every failure."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from gongzhi.api.api import api

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served_as_json(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["components"]["securitySchemes"]) == {
        "TokenAuth",
        "SessionAuth",
    }
    assert "/api/cases/{number}/actions/dispatch" in schema["paths"]


def test_docs_page_uses_only_local_files(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html


def test_docs_assets_exist_in_the_static_files():
    from django.contrib.staticfiles import finders

    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        assert finders.find(f"ninja/{name}"), name


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/no/such/thing")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_unexpected_error_is_a_logged_json_500(world, as_user, monkeypatch, caplog):
    from gongzhi.api.routers import meta

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(meta, "unit_ids", broken)

    with caplog.at_level(logging.ERROR, logger="gongzhi.api"):
        response = as_user(world.staff).get("/me")

    assert response.status_code == 500
    assert response.json() == {
        "detail": "The platform hit an error. It has been logged; please try again."
    }
    assert "boom" not in response.content.decode()
    assert "Unexpected error on GET /api/me" in caplog.text


def test_malformed_multipart_is_400_json(world, as_user):
    from .conftest import report

    case = report(world)
    client = as_user(world.chief)

    response = Client().post(
        f"/api/cases/{case.number}/actions/self_resolve",
        b'--xx\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi',
        content_type="multipart/form-data; boundary=",
        headers={"Authorization": f"Bearer {client.token}"},
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_every_operation_documents_its_errors():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            codes = {str(code) for code in operation["responses"]}
            assert "401" in codes, (method, path)
            assert operation.get("operationId"), (method, path)


def test_wrong_method_is_json_405(world, as_user):
    response = as_user(world.staff).client.delete(
        "/api/me", headers={"Authorization": f"Bearer {as_user(world.staff).token}"}
    )

    assert response.status_code == 405
    assert response.json() == {"detail": "This address takes only: GET."}
    assert response["Allow"] == "GET"
