"""Signing in and out in a real browser, in Chinese and English."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from gongzhi.accounts.models import RoleAssignment
from gongzhi.core.models import AuditEvent
from gongzhi.demo.accounts import DEMO_PASSWORD

from .conftest import sign_in

pytestmark = [pytest.mark.e2e]


def test_staff_signs_in_in_chinese_switches_to_english_and_signs_out(
    page, demo_data, live_server
):
    # Given the Pingdong demo data and a Chinese browser
    # When the community staff member signs in
    sign_in(page, "pingdong.staff", DEMO_PASSWORD)

    # Then their workspace is in Chinese
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("home-title")).to_have_text("欢迎，陈丽华")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="首页")).to_be_visible()
    expect(nav.get_by_role("link", name="两个覆盖")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_have_text("退出登录")
    expect(page.get_by_test_id("section-staff")).to_be_visible()
    expect(page.get_by_test_id("coverage-table")).to_be_visible()

    # When they switch to English
    page.get_by_test_id("lang-switch").click()

    # Then the same page is in English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("logout")).to_have_text("Sign out")
    expect(page.get_by_test_id("home-title")).to_have_text("Welcome, 陈丽华")
    expect(nav.get_by_role("link", name="Two coverages")).to_be_visible()

    # When they sign out
    page.get_by_test_id("logout").click()

    # Then they are on the public landing page, still in English
    expect(page.get_by_test_id("login-link")).to_have_text("Sign in")
    expect(page.get_by_test_id("public-stats")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/")
    assert AuditEvent.objects.filter(
        action="auth.logout", actor__username="pingdong.staff"
    ).exists()


def test_street_chief_sees_their_streets_on_a_phone(phone_page, demo_data):
    # Given a street chief with their phone
    page = phone_page
    streets = [
        a.street.name
        for a in RoleAssignment.objects.filter(
            user__username="chief.jb1", role="street_chief"
        ).select_related("street")
    ]
    assert streets, "the demo gives chief.jb1 at least one street"

    # When they sign in
    sign_in(page, "chief.jb1", DEMO_PASSWORD)

    # Then they see their streets, and the page fits the screen
    section = page.get_by_test_id("section-street_chief")
    expect(section).to_be_visible()
    for name in streets:
        expect(section.locator("li", has_text=name)).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, f"no horizontal scroll on a phone, got {scroll_width}px"


def test_sign_in_page_fits_a_phone(phone_page, demo_data):
    phone_page.goto("/accounts/login/")

    expect(phone_page.get_by_test_id("login-submit")).to_be_visible()
    scroll_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, f"no horizontal scroll on a phone, got {scroll_width}px"


def test_five_wrong_passwords_lock_the_account(page, demo_data):
    # Given the demo staff account
    limit = settings.AXES_FAILURE_LIMIT

    # When someone enters a wrong password limit - 1 times
    for _ in range(limit - 1):
        sign_in(page, "pingdong.staff", "not-the-password")
        expect(page.get_by_test_id("login-error")).to_be_visible()

    # And once more
    sign_in(page, "pingdong.staff", "not-the-password")

    # Then the lockout page says so, in Chinese
    lockout = page.get_by_test_id("lockout")
    expect(lockout).to_be_visible()
    expect(lockout.get_by_role("heading")).to_have_text("登录失败次数过多")

    # And even the right password is refused now
    sign_in(page, "pingdong.staff", DEMO_PASSWORD)
    expect(page.get_by_test_id("lockout")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_have_count(0)
    assert AuditEvent.objects.filter(action="auth.lockout").exists()


def test_phone_header_shows_every_navigation_link(phone_page, demo_data):
    # Given staff, who have four navigation links, on a phone
    page = phone_page
    sign_in(page, "pingdong.staff", DEMO_PASSWORD)

    # Then each link is whole on screen, on one line, not clipped by the bar
    links = page.get_by_role("navigation").get_by_role("link")
    expect(links).to_have_count(4)
    for i in range(links.count()):
        link = links.nth(i)
        box = link.bounding_box()
        assert box is not None
        label = link.inner_text()
        assert box["x"] >= 0, f"{label!r} starts off screen"
        assert box["x"] + box["width"] <= 390, f"{label!r} runs off the screen: {box}"
        line_height = link.evaluate(
            "el => parseFloat(getComputedStyle(el).lineHeight) || 24"
        )
        assert box["height"] < 2 * line_height, f"{label!r} wraps: {box}"
    clipped = page.get_by_role("navigation").evaluate(
        "el => el.scrollWidth > el.clientWidth"
    )
    assert not clipped, "the navigation bar hides links behind a scroll"


@pytest.mark.e2e
def test_an_english_browser_still_gets_chinese_first(browser, live_server, demo_data):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert page.get_by_test_id("login-link").inner_text() == "登录"
    finally:
        context.close()
