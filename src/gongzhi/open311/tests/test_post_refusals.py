"""POST requests refused: keys, service codes and every kind of bad input."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from gongzhi.cases.models import Case
from gongzhi.core.models import AuditEvent
from gongzhi.open311.models import Open311Request
from gongzhi.open311.services import api_key_revoke

from .conftest import OUTSIDE, errors_of

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.{fmt}"


def post(api, form, fmt="json", **extra):
    return api.post(URL.format(fmt=fmt), form, **extra)


def photo_file(name="pile.jpg", fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, fmt)
    buffer.seek(0)
    buffer.name = name
    return buffer


# --- Refusals -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_missing_api_key_is_403(api, world, form, fmt):
    del form["api_key"]

    response = post(api, form, fmt)

    assert response.status_code == 403
    assert errors_of(response, fmt) == [
        (403, "api_key is missing; every POST needs one.")
    ]
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_api_key_is_403(api, world, form, fmt):
    form["api_key"] = "not-a-key"

    response = post(api, form, fmt)

    assert response.status_code == 403
    assert errors_of(response, fmt) == [(403, "This api_key is not valid.")]
    assert AuditEvent.objects.filter(action="open311.key_refused").count() == 1


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_revoked_api_key_is_403(api, world, form, key, fmt):
    api_key_revoke(api_key=key.obj)

    response = post(api, form, fmt)

    assert response.status_code == 403
    assert errors_of(response, fmt) == [(403, "This api_key has been revoked.")]
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_code_is_404(api, world, form, fmt):
    form["service_code"] = "potholes"

    response = post(api, form, fmt)

    assert response.status_code == 404
    assert errors_of(response, fmt) == [(404, "service_code “potholes” was not found.")]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_missing_service_code_is_400(api, world, form, fmt):
    form["service_code"] = ""

    response = post(api, form, fmt)

    assert response.status_code == 400
    assert errors_of(response, fmt) == [(400, "service_code was not provided.")]


BAD_INPUT = [
    pytest.param(
        {"lat": "91", "long": "113.1"},
        "lat/long: Latitude must be within ±90 and longitude within ±180.",
        id="lat-out-of-range",
    ),
    pytest.param(
        {"lat": "23", "long": "-181"},
        "lat/long: Latitude must be within ±90 and longitude within ±180.",
        id="long-out-of-range",
    ),
    pytest.param(
        OUTSIDE,
        "lat/long: This location is outside every community served here. "
        "Pick a point inside the community, or choose a street.",
        id="outside-every-community",
    ),
    pytest.param(
        {"lat": "north", "long": "113.1"},
        "lat must be a number in decimal degrees (WGS84).",
        id="lat-not-a-number",
    ),
    pytest.param(
        {"lat": "nan", "long": "inf"},
        "lat must be a number in decimal degrees (WGS84).",
        id="lat-not-finite",
    ),
    pytest.param(
        {"lat": "23.005", "long": ""},
        "lat/long: Give both the latitude and the longitude.",
        id="lat-without-long",
    ),
    pytest.param(
        {"attribute[size]": ""},
        "attribute: “How big is the pile?” must be answered.",
        id="missing-required-attribute",
    ),
    pytest.param(
        {"attribute[size]": "huge"},
        "attribute: “huge” is not one of the choices for “How big is the pile?”.",
        id="value-not-in-list",
    ),
    pytest.param(
        {"attribute[bags]": "three"},
        "attribute: “How many bags?” must be a number.",
        id="non-numeric-number",
    ),
    pytest.param(
        {"attribute[colour]": "red"},
        "attribute: “colour” is not a question of this category.",
        id="unknown-attribute",
    ),
    pytest.param(
        {"description": "垃" * 4001},
        "description: The description is 4001 characters long; at most 4000 are "
        "allowed.",
        id="description-over-4000",
    ),
    pytest.param(
        {"email": "not-an-address"},
        "email: Enter a valid email address.",
        id="bad-email",
    ),
    pytest.param(
        {"phone": "call me back"},
        "phone: Enter a phone number in digits, for example 13812345678.",
        id="bad-phone",
    ),
    pytest.param(
        {"media_url": "javascript:alert(1)"},
        "media_url: media_url must be an http or https address of at most 500 "
        "characters.",
        id="bad-media-url",
    ),
    pytest.param(
        {"lat": "", "long": "", "address_id": "NO-SUCH-STREET"},
        "address_id: address_id “NO-SUCH-STREET” is not a street code of this "
        "platform.",
        id="unknown-address-id",
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_input_is_400_with_the_reason(api, world, form, change, message, fmt):
    form.update(change)

    response = post(api, form, fmt)

    assert response.status_code == 400
    assert (400, message) in errors_of(response, fmt)
    assert not Case.objects.exists()
    assert not Open311Request.objects.exists()


def test_no_location_at_all_is_400(api, world, form):
    del form["lat"], form["long"]

    response = post(api, form)

    assert response.status_code == 400
    assert errors_of(response, "json") == [
        (
            400,
            "lat/long: Say where the problem is: click the map, pick a street, or "
            "choose the community and give the address.",
        )
    ]


def test_every_problem_is_reported_at_once(api, world, form):
    form.update(
        {"attribute[size]": "huge", "media_url": "ftp://x", "description": "x" * 4001}
    )

    response = post(api, form)

    descriptions = [d for _code, d in errors_of(response, "json")]
    assert len(descriptions) == 3
    assert {d.split(":")[0] for d in descriptions} == {
        "attribute",
        "description",
        "media_url",
    }
    refused = AuditEvent.objects.get(action="open311.post_refused")
    assert refused.note == "key hotline-12345: attributes, description, media_url"


def test_a_file_that_is_not_a_photo_is_400(api, world, form):
    text = io.BytesIO(b"hello")
    text.name = "note.txt"
    form["media"] = text

    response = post(api, form)

    assert response.status_code == 400
    assert errors_of(response, "json") == [
        (400, "media: Photo 1 is not a photo that can be read.")
    ]
