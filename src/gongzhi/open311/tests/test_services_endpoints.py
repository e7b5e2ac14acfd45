"""Discovery, service list and service definitions, in XML and JSON."""

from __future__ import annotations

import pytest

from gongzhi.cases.tests.factories import CategoryFactory

from .conftest import children, errors_of, xml

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


def test_discovery_xml_has_the_spec_structure(api, world):
    response = api.get("/open311/discovery.xml")

    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    (endpoint,) = root.find("endpoints")
    assert endpoint.tag == "endpoint"
    assert children(endpoint) == [
        "specification",
        "url",
        "changeset",
        "type",
        "formats",
    ]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert [f.text for f in endpoint.find("formats")] == [
        "text/xml",
        "application/json",
    ]
    assert [f.tag for f in endpoint.find("formats")] == ["format", "format"]


def test_discovery_json_follows_the_spark_convention(api, world):
    body = api.get("/open311/discovery.json").json()

    assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert body["endpoints"][0]["type"] == "production"
    assert body["changeset"].endswith("+08:00")


def test_service_list_xml_lists_active_categories_in_spec_order(api, world):
    CategoryFactory(code="retired", is_active=False)
    CategoryFactory(code="noise", name_en="Noise")

    root = xml(api.get("/open311/v2/services.xml"))

    assert root.tag == "services"
    assert [s.tag for s in root] == ["service", "service"]
    assert [s.findtext("service_code") for s in root] == ["noise", "sanitation"]
    for service in root:
        assert children(service) == SERVICE_FIELDS
    sanitation = root[1]
    assert sanitation.findtext("service_name") == "Rubbish dumped"
    assert sanitation.findtext("metadata") == "true"
    assert sanitation.findtext("type") == "realtime"
    assert sanitation.findtext("keywords") == "垃圾, 卫生"
    assert root[0].findtext("metadata") == "false"


def test_service_list_json_is_an_array_of_services(api, world):
    body = api.get("/open311/v2/services.json").json()

    assert isinstance(body, list)
    assert list(body[0]) == SERVICE_FIELDS
    assert body[0]["metadata"] is True
    assert body[0]["group"] == "环境卫生"


def test_service_names_are_chinese_by_default(client, world):
    body = client.get("/open311/v2/services.json").json()

    assert body[0]["service_name"] == "垃圾堆放"


def test_service_definition_xml_nests_attributes_and_values(api, world):
    root = xml(api.get("/open311/v2/services/sanitation.xml"))

    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    attributes = root.find("attributes")
    assert [a.tag for a in attributes] == ["attribute"] * 3
    for attribute in attributes:
        assert children(attribute) == ATTRIBUTE_FIELDS
    # Orders 1, 1, 3 become distinct positive integers (bags before size by code).
    assert [(a.findtext("code"), a.findtext("order")) for a in attributes] == [
        ("bags", "1"),
        ("size", "2"),
        ("kinds", "3"),
    ]
    size = attributes[1]
    assert size.findtext("datatype") == "singlevaluelist"
    assert size.findtext("required") == "true"
    assert size.findtext("variable") == "true"
    assert size.findtext("description") == "How big is the pile?"
    values = size.find("values")
    assert [v.tag for v in values] == ["value", "value"]
    assert [children(v) for v in values] == [["key", "name"], ["key", "name"]]
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [
        ("small", "One bag"),
        ("big", "A truckload"),
    ]


def test_service_definition_json_matches_the_spec_example_shape(api, world):
    body = api.get("/open311/v2/services/sanitation.json").json()

    assert list(body) == ["service_code", "attributes"]
    bags, size, kinds = body["attributes"]
    assert list(size) == ATTRIBUTE_FIELDS
    assert size["required"] is True
    assert size["datatype_description"] is None
    assert size["values"] == [
        {"key": "small", "name": "One bag"},
        {"key": "big", "name": "A truckload"},
    ]
    assert bags["datatype"] == "number"
    assert bags["datatype_description"]
    assert bags["values"] == []
    assert kinds["datatype"] == "multivaluelist"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_code_is_404_in_the_spec_error_format(api, world, fmt):
    response = api.get(f"/open311/v2/services/potholes.{fmt}")

    assert response.status_code == 404
    assert errors_of(response, fmt) == [(404, "service_code “potholes” was not found.")]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_inactive_service_has_no_definition(api, world, fmt):
    CategoryFactory(code="retired", is_active=False)

    response = api.get(f"/open311/v2/services/retired.{fmt}")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/open311/discovery.{fmt}",
        "/open311/v2/services.{fmt}",
        "/open311/v2/services/sanitation.{fmt}",
        "/open311/v2/requests.{fmt}",
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_jurisdiction_id_ours_or_empty_is_accepted_others_are_404(
    api, world, path, fmt
):
    url = path.format(fmt=fmt)
    assert api.get(url, {"jurisdiction_id": "gongzhi.local"}).status_code == 200
    assert api.get(url, {"jurisdiction_id": ""}).status_code == 200

    response = api.get(url, {"jurisdiction_id": "sfgov.org"})

    assert response.status_code == 404
    assert errors_of(response, fmt) == [
        (
            404,
            "jurisdiction_id “sfgov.org” was not found; this server serves "
            "“gongzhi.local”.",
        )
    ]


def test_jurisdiction_id_follows_the_setting(api, world, settings):
    settings.OPEN311_JURISDICTION_ID = "pingdong.example.org"

    assert (
        api.get(
            "/open311/v2/services.json", {"jurisdiction_id": "pingdong.example.org"}
        ).status_code
        == 200
    )
    assert (
        api.get(
            "/open311/v2/services.json", {"jurisdiction_id": "gongzhi.local"}
        ).status_code
        == 404
    )
