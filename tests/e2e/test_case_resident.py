"""A resident on a phone: report a problem, follow it, say "me too", rate the result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gongzhi.cases import services
from gongzhi.cases.choices import Status
from gongzhi.cases.models import Case
from gongzhi.cases.tests.factories import CategoryAttributeFactory, make_world
from gongzhi.cases.tests.factories_public import (
    COMMUNITY_LAT,
    COMMUNITY_LNG,
    png_bytes,
    report,
    to_feedback,
)
from gongzhi.places.tests.factories import line, square, with_geometry

from .conftest import pick_street

pytestmark = [pytest.mark.e2e]

PHONE_WIDTH = 390


@pytest.fixture
def world(live_server):
    world = make_world()
    world.category.name_zh = "环境卫生"
    world.category.group = "环境"
    world.category.save()
    return world


def _fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"no sideways scroll on a phone, got {width}px"


def test_resident_reports_a_problem_on_a_phone_and_follows_it(
    phone_page, world, tmp_path
):
    # Given a category with an extra question and a photo on the phone
    CategoryAttributeFactory(
        category=world.category, code="bags", question_zh="大约几袋垃圾？"
    )
    photo = tmp_path / "rubbish.png"
    photo.write_bytes(png_bytes(size=(64, 48), color="green"))
    page = phone_page

    # When the resident opens the form from the navigation
    page.goto("/")
    page.get_by_role("navigation").locator('a[href="/cases/report/"]').click()
    expect(page.get_by_test_id("report-title")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    _fits_the_phone(page)

    # And chooses the category: its question appears (fetched by htmx; on a
    # loaded machine wait for the request itself rather than a fixed time)
    page.wait_for_function("() => window.htmx !== undefined")
    with page.expect_response(lambda r: "/cases/report/questions/" in r.url):
        page.select_option("#id_category", world.category.code)
    expect(page.get_by_test_id("questions")).to_contain_text(
        "大约几袋垃圾？", timeout=15_000
    )
    page.fill("input[name=q_bags]", "3")

    # And picks the street, describes the problem and attaches a photo
    pick_street(page, world.street)
    expect(page.get_by_test_id("nearby-none")).to_be_visible()
    page.fill("#id_description", "巷口的垃圾三天没人清理，味道很大。")
    page.set_input_files("input[name=photos]", str(photo))
    _fits_the_phone(page)
    page.get_by_test_id("report-submit").click()

    # Then they see the case number and the advice to keep it
    number = page.get_by_test_id("case-number")
    expect(number).to_have_text(re.compile(r"^\d{6}-\d{6}$"))
    case = Case.objects.get()
    assert number.inner_text() == case.number
    assert case.attributes == {"bags": "3"}
    assert case.photos.count() == 1
    _fits_the_phone(page)

    # When they open the tracking link
    page.get_by_test_id("track-link").click()

    # Then the page shows the status and their photo, and fits the phone
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "reported")
    expect(page.get_by_test_id("description")).to_contain_text("三天没人清理")
    expect(page.locator(".thumbs img")).to_have_count(1)
    assert page.locator(".thumbs img").evaluate("img => img.naturalWidth") > 0
    _fits_the_phone(page)


def test_resident_places_the_problem_on_the_map(phone_page, world):
    # Given a community drawn on the map, with a street across it
    with_geometry(world.community, square(COMMUNITY_LNG, COMMUNITY_LAT))
    with_geometry(world.street, line((113.151, 23.031), (113.159, 23.031)))
    page = phone_page

    # When the resident taps the middle of the map
    page.goto("/cases/report/")
    page.select_option("#id_category", world.category.code)
    map_box = page.locator("[data-report-map]")
    expect(map_box).to_have_attribute("data-ready", "places")
    map_box.click()

    # Then the point is chosen inside the community, and the report is placed there
    expect(page.get_by_test_id("map-point")).not_to_be_empty()
    lat = float(page.input_value("input[name=lat]"))
    lng = float(page.input_value("input[name=lng]"))
    assert COMMUNITY_LAT < lat < COMMUNITY_LAT + 0.01
    assert COMMUNITY_LNG < lng < COMMUNITY_LNG + 0.01
    page.fill("#id_description", "路灯不亮")
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("case-number")).to_be_visible()
    assert Case.objects.get().community == world.community
    _fits_the_phone(page)


def test_me_too_on_a_duplicate_increments_the_supporters(phone_page, world):
    # Given an open case of the same kind on the street
    existing = report(world, description="巷口垃圾堆积").case
    page = phone_page

    # When another resident starts the same report
    page.goto("/cases/report/")
    page.select_option("#id_category", world.category.code)
    pick_street(page, world.street)

    # Then the existing case is offered, and "me too" counts them
    offered = page.locator(
        f'[data-testid=nearby-case][data-number="{existing.number}"]'
    )
    expect(offered).to_contain_text("巷口垃圾堆积")
    expect(offered.get_by_test_id("supporter-count")).to_have_attribute(
        "data-count", "0"
    )
    offered.get_by_test_id("support-button").click()
    expect(offered.get_by_test_id("support-done")).to_be_visible()
    expect(offered.get_by_test_id("supporter-count")).to_have_attribute(
        "data-count", "1"
    )
    existing.refresh_from_db()
    assert existing.supporter_count == 1
    assert Case.objects.count() == 1, "no duplicate was reported"
    _fits_the_phone(page)

    # And the public case page shows the count too
    page.goto(f"/cases/public/{existing.number}/")
    expect(page.get_by_test_id("supporter-count")).to_have_attribute("data-count", "1")


def _track_url(reported) -> str:
    return f"/cases/track/{reported.case.number}/?t={reported.token}"


def test_rating_a_handled_case_closes_it(phone_page, world):
    # Given a case the unit has handled and staff have verified
    reported = to_feedback(world, report(world))
    page = phone_page

    # When the reporter opens the tracking link and rates it solved and satisfied
    page.goto(_track_url(reported))
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "feedback")
    _fits_the_phone(page)
    rating = page.get_by_test_id("rating")
    rating.locator("input[name=solved][value=yes]").check()
    rating.locator("input[name=satisfaction][value=satisfied]").check()
    rating.locator("textarea[name=comment]").fill("处理得很快，谢谢")
    page.get_by_test_id("rate-submit").click()

    # Then the case is closed with their rating
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "closed")
    expect(page.get_by_test_id("your-rating")).to_contain_text("处理得很快")
    expect(page.get_by_test_id("rating")).to_have_count(0)
    case = Case.objects.get()
    assert (case.status, case.reopen_requested) == (Status.CLOSED, False)


def test_dissatisfied_rating_asks_for_the_case_to_be_reopened(phone_page, world):
    reported = to_feedback(world, report(world))
    page = phone_page

    page.goto(_track_url(reported))
    rating = page.get_by_test_id("rating")
    rating.locator("input[name=solved][value=no]").check()
    rating.locator("input[name=satisfaction][value=unsatisfied]").check()
    page.get_by_test_id("rate-submit").click()

    expect(page.get_by_test_id("reopen-requested")).to_be_visible()
    case = Case.objects.get()
    assert (case.status, case.reopen_requested) == (Status.CLOSED, True)
    _fits_the_phone(page)


def test_public_list_and_map_fit_a_phone(phone_page, world):
    # Given an open case placed on the map
    with_geometry(world.community, square(COMMUNITY_LNG, COMMUNITY_LAT))
    reported = report(
        world, street=None, lat=COMMUNITY_LAT + 0.005, lng=COMMUNITY_LNG + 0.005
    )
    services.case_accept(case=reported.case, actor=world.staff)
    page = phone_page

    # When anyone opens the public list, then the map
    page.goto("/cases/public/")
    expect(
        page.locator(f'[data-testid=public-case][data-number="{reported.case.number}"]')
    ).to_be_visible()
    _fits_the_phone(page)
    page.get_by_test_id("map-link").click()

    # Then the map shows the case as one point
    expect(page.get_by_test_id("public-map")).to_have_attribute("data-points", "1")
    page.locator('path.leaflet-interactive[stroke="#1a7f37"]').click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text(reported.case.number)
    _fits_the_phone(page)
