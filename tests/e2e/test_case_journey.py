"""One case from the resident's report to the resident's rating, every step in a
browser: report → accept and dispatch → acknowledge and reply → verify → rate."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from gongzhi.cases.choices import Status
from gongzhi.cases.models import Case, RoutingRule
from gongzhi.cases.tests.factories import CategoryFactory
from gongzhi.demo.accounts import DEMO_PASSWORD
from gongzhi.demo.pingdong import ORGANISATION_NAMES
from gongzhi.orgs.models import Organisation
from gongzhi.places.models import Street

from .conftest import pick_street, sign_in

pytestmark = [pytest.mark.e2e]


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def as_user(page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username, DEMO_PASSWORD)
    expect(page.get_by_test_id("who")).to_be_visible()


def act(page, slug: str, **fields: str) -> None:
    form = page.get_by_test_id(f"action-{slug}")
    if not form.is_visible():
        page.locator("details", has=form).locator("summary").click()
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.get_by_test_id(f"submit-{slug}").click()


def test_a_case_goes_from_report_to_rated_and_closed(page, demo_data):
    # Given a category that the sanitation office handles
    urban = Organisation.objects.get(name=ORGANISATION_NAMES["GC-URBAN"])
    category = CategoryFactory(code="e2e-journey", name_zh="测试：占道堆物")
    RoutingRule.objects.create(category=category, lead=urban)
    street = Street.objects.get(code="JBS-02")

    # When a resident reports a problem without an account
    page.goto("/cases/report/")
    page.select_option("#id_category", category.code)
    pick_street(page, street)
    page.fill("#id_description", "一巷口有人占道堆放建材，老人出行不便。")
    page.get_by_test_id("report-submit").click()
    number = page.get_by_test_id("case-number").inner_text()
    track_url = page.get_by_test_id("track-link").get_attribute("href")
    assert Case.objects.get(number=number).status == Status.REPORTED

    # And community staff accept it and dispatch it to the routed unit
    as_user(page, "pingdong.staff")
    page.goto(f"/cases/{number}/")
    act(page, "accept")
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.ACCEPTED.label))
    act(page, "dispatch")
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.DISPATCHED.label))
    expect(page.get_by_test_id("units")).to_contain_text(str(urban))

    # And the unit's handler acknowledges it and replies with the result
    as_user(page, "handler.sanitation")
    page.goto(f"/cases/{number}/")
    act(page, "acknowledge")
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.ACKNOWLEDGED.label))
    act(page, "reply", note="建材已清走，通道恢复畅通")
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.VERIFYING.label))

    # And staff verify the fix
    as_user(page, "pingdong.staff")
    page.goto(f"/cases/{number}/")
    verify = page.get_by_test_id("action-verify")
    if not verify.is_visible():
        page.locator("details", has=verify).locator("summary").click()
    verify.get_by_test_id("submit-verify-confirm").click()
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.FEEDBACK.label))

    # Then the resident, back on the tracking link, rates it and it closes
    page.context.clear_cookies()
    page.goto(track_url)
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "feedback")
    expect(page.get_by_test_id("timeline")).to_contain_text("建材已清走")
    rating = page.get_by_test_id("rating")
    rating.locator("input[name=solved][value=yes]").check()
    rating.locator("input[name=satisfaction][value=satisfied]").check()
    page.get_by_test_id("rate-submit").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "closed")
    case = Case.objects.get(number=number)
    assert case.status == Status.CLOSED
    assert case.ratings.get().satisfaction == "satisfied"
