"""POST requests: creating cases through GeoReport v2."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from gongzhi.cases import services as cases
from gongzhi.cases.choices import Channel, Status
from gongzhi.cases.models import Case
from gongzhi.core.models import AuditEvent
from gongzhi.open311.models import Open311Request
from gongzhi.places.tests.factories import StreetFactory

from .conftest import children, xml

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


def test_post_xml_creates_a_case_and_answers_with_its_id(api, world, form):
    response = post(api, form, "xml")

    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request"
    assert children(request) == ["service_request_id", "service_notice", "account_id"]
    case = Case.objects.get()
    assert request.findtext("service_request_id") == case.number
    assert request.findtext("service_notice") == "社区将在三个工作日内清理。"
    assert request.findtext("account_id") == "acc-9"


def test_post_json_returns_a_list_of_one(api, world, form):
    del form["account_id"]

    body = post(api, form).json()

    case = Case.objects.get()
    assert body == [
        {
            "service_request_id": case.number,
            "service_notice": "社区将在三个工作日内清理。",
            "account_id": None,
        }
    ]


def test_posted_case_is_marked_open311_and_placed(api, world, form, key):
    post(api, form)

    case = Case.objects.get()
    assert case.channel == Channel.OPEN311
    assert case.status == Status.REPORTED
    assert case.community == world.community
    assert (case.lat, case.lng) == (23.005, 113.105)
    assert case.description == "巷口有一堆垃圾"
    assert case.attributes == {"size": "small"}
    assert case.reporter_name == "李明"
    assert case.reporter_phone == "13812345678"
    assert case.reporter_email == "li@example.org"
    assert case.external_id == "acc-9"
    posted = Open311Request.objects.get()
    assert (posted.case, posted.api_key) == (case, key.obj)
    assert (posted.device_id, posted.account_id) == ("dev-1", "acc-9")
    assert len(posted.token) == 32


def test_post_is_audited_with_the_key_name_and_marks_the_key_used(
    api, world, form, key
):
    post(api, form)

    event = AuditEvent.objects.get(action="open311.post")
    assert event.note == "key hotline-12345"
    assert event.object_repr == Case.objects.get().number
    key.obj.refresh_from_db()
    assert key.obj.last_used_at is not None


def test_post_needs_no_csrf_token(world, form):
    browserless = Client(enforce_csrf_checks=True)

    response = browserless.post("/open311/v2/requests.json", form)

    assert response.status_code == 200


def test_western_names_keep_their_order(api, world, form):
    form.update(first_name="John", last_name="Smith")

    post(api, form)

    assert Case.objects.get().reporter_name == "John Smith"


def test_multivaluelist_attribute_takes_the_bracket_form(api, world, form):
    form["attribute[kinds][]"] = ["food", "bulky"]
    form["attribute[bags]"] = "3"

    assert post(api, form).status_code == 200

    assert Case.objects.get().attributes == {
        "size": "small",
        "kinds": ["food", "bulky"],
        "bags": 3,
    }


def test_description_is_optional_and_defaults_to_the_service_name(api, world, form):
    form["description"] = ""

    assert post(api, form).status_code == 200

    assert Case.objects.get().description == "垃圾堆放"


def test_html_description_is_stored_as_text_and_returned_escaped(api, world, form):
    form["description"] = '<script>alert("x")</script> & <b>垃圾</b>'

    number = post(api, form).json()[0]["service_request_id"]

    assert Case.objects.get().description == form["description"]
    response = api.get(f"/open311/v2/requests/{number}.xml")
    assert b"<script>" not in response.content
    assert xml(response)[0].findtext("description") == form["description"]


def test_address_string_places_the_case_on_the_named_street(api, world, form):
    street = StreetFactory(community=world.community, name="江表上街一巷")
    StreetFactory(community=world.community, name="江表上街")
    del form["lat"], form["long"]
    form["address_string"] = "江表上街一巷12号"

    assert post(api, form).status_code == 200

    case = Case.objects.get()
    assert (case.street, case.community) == (street, world.community)
    assert case.address == "江表上街一巷12号"
    assert case.lat is None


def test_address_id_is_a_street_code(api, world, form):
    del form["lat"], form["long"]
    form["address_id"] = world.street.code

    assert post(api, form).status_code == 200

    assert Case.objects.get().street == world.street


def test_address_string_naming_nothing_falls_back_to_the_only_community(
    api, world, form
):
    del form["lat"], form["long"]
    form["address_string"] = "the corner by the market"

    assert post(api, form).status_code == 200

    assert Case.objects.get().community == world.community


def test_media_upload_is_stored_as_a_photo_and_published_as_media_url(api, world, form):
    form["media"] = photo_file()

    number = post(api, form).json()[0]["service_request_id"]

    case = Case.objects.get()
    photo = case.photos.get()
    body = api.get(f"/open311/v2/requests/{number}.json").json()
    assert body[0]["media_url"] == (f"http://testserver/cases/photos/{photo.pk}/full/")
    served = api.get(body[0]["media_url"])
    assert (served.status_code, served["Content-Type"]) == (200, "image/jpeg")


def test_merged_request_publishes_no_photo(api, world, form):
    form["media"] = photo_file()
    number = post(api, form).json()[0]["service_request_id"]
    del form["media"]
    target = post(api, form).json()[0]["service_request_id"]
    cases.case_merge(
        case=Case.objects.get(number=number),
        into=Case.objects.get(number=target),
        actor=world.staff,
    )

    body = api.get(f"/open311/v2/requests/{number}.json").json()

    assert body[0]["media_url"] is None


def test_media_url_is_kept_and_returned_when_there_is_no_upload(api, world, form):
    form["media_url"] = "https://img.example.org/pile.jpg"

    number = post(api, form).json()[0]["service_request_id"]

    body = api.get(f"/open311/v2/requests/{number}.json").json()
    assert body[0]["media_url"] == "https://img.example.org/pile.jpg"


def test_batch_mode_answers_with_a_token_that_resolves(api, world, form, settings):
    settings.OPEN311_SERVICE_TYPE = "batch"

    body = post(api, form).json()

    assert list(body[0]) == ["token", "service_notice", "account_id"]
    token = body[0]["token"]
    resolved = api.get(f"/open311/v2/tokens/{token}.json").json()
    assert resolved == [
        {"service_request_id": Case.objects.get().number, "token": token}
    ]
    services = api.get("/open311/v2/services.json").json()
    assert services[0]["type"] == "batch"
