"""Never an HTML page, never a 500: wrong methods, paths, bodies and failures."""

from __future__ import annotations

import logging

import pytest

from gongzhi.open311 import selectors

from .conftest import errors_of, xml

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_wrong_method_is_405_with_allow_and_the_error_list(api, world, fmt):
    response = api.delete(f"/open311/v2/services.{fmt}")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert errors_of(response, fmt) == [(405, "This resource does not accept DELETE.")]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/open311/v2/nothing.xml", "xml"),
        ("/open311/v2/nothing.json", "json"),
        ("/open311/v2/services.csv", "xml"),
        ("/open311/v2/services", "xml"),
        ("/open311/v2/services/", "xml"),
        ("/open311", "xml"),
    ],
)
def test_unknown_addresses_are_the_spec_404(api, world, path, fmt):
    response = api.get(path)

    assert response.status_code == 404
    ((code, description),) = errors_of(response, fmt)
    assert code == 404
    assert "no Open311 resource" in description


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unexpected_failure_is_the_spec_general_error_and_logged(
    api, world, monkeypatch, caplog, fmt
):
    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "request_list", broken)

    with caplog.at_level(logging.ERROR, logger="gongzhi.open311.views"):
        response = api.get(f"/open311/v2/requests.{fmt}")

    assert response.status_code == 400
    ((code, description),) = errors_of(response, fmt)
    assert code == 400
    assert description.startswith("General service error")
    assert "database on fire" in caplog.text


def test_too_many_fields_is_400_not_a_django_error_page(api, world, form, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5

    response = api.post("/open311/v2/requests.xml", form)

    assert response.status_code == 400
    assert errors_of(response, "xml") == [(400, "The request body could not be read.")]


def test_broken_multipart_body_is_400(api, world):
    response = api.generic(
        "POST",
        "/open311/v2/requests.json",
        b"--xx\r\nnot a part",
        content_type="multipart/form-data; boundary=",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_control_characters_never_break_the_xml(api, world, form):
    form["description"] = "坏\x00字符\x07在\x1b这里"

    number = api.post("/open311/v2/requests.json", form).json()[0]["service_request_id"]
    root = xml(api.get(f"/open311/v2/requests/{number}.xml"))

    assert root[0].findtext("description") == "坏字符在这里"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_flood_from_one_key_is_429(api, world, form, settings, fmt):
    settings.OPEN311_RATE_PER_MINUTE = 3
    for n in range(3):
        # Other addresses, so that only the key's limit is reached.
        response = api.post(
            f"/open311/v2/requests.{fmt}", form, REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert response.status_code == 200

    response = api.post(f"/open311/v2/requests.{fmt}", form, REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    ((code, description),) = errors_of(response, fmt)
    assert code == 429
    assert description.startswith("Too many requests; try again in")


def test_a_flood_from_one_address_is_429_whatever_the_key(api, world, form, settings):
    settings.OPEN311_RATE_PER_MINUTE = 2
    form["api_key"] = "wrong"
    for _n in range(2):
        assert api.post("/open311/v2/requests.json", form).status_code == 403

    assert api.post("/open311/v2/requests.json", form).status_code == 429


def test_reads_are_limited_per_address(api, world, settings):
    settings.OPEN311_READ_RATE_PER_MINUTE = 2
    for _n in range(2):
        assert api.get("/open311/v2/services.json").status_code == 200

    assert api.get("/open311/v2/services.json").status_code == 429
    assert (
        api.get("/open311/v2/services.json", REMOTE_ADDR="10.1.1.1").status_code == 200
    )


def test_head_is_answered_like_get(api, world):
    response = api.head("/open311/v2/services.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
