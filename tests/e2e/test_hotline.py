"""Hotline entry in a real browser: community staff enter a caller's case."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gongzhi.cases.models import Case
from gongzhi.cases.tests.factories import CategoryFactory
from gongzhi.demo.accounts import DEMO_PASSWORD
from gongzhi.places.models import Street

from .conftest import sign_in

pytestmark = [pytest.mark.e2e]

NEW = "/cases/console/new/"


@pytest.fixture
def hotline(page, demo_data):
    category = CategoryFactory(
        code="e2e-hotline", name_zh="测试：路口积水", name_en="Test: flooding"
    )
    sign_in(page, "pingdong.staff", DEMO_PASSWORD)
    expect(page.get_by_test_id("who")).to_be_visible()
    page.goto(NEW)
    form = page.get_by_test_id("hotline-form")
    form.locator("select[name=category]").select_option(str(category.pk))
    form.locator("textarea[name=description]").fill("来电反映平东大道路口积水")
    street = Street.objects.get(code="JBS-01")
    form.locator("select[name=street]").select_option(str(street.pk))
    form.locator("input[name=reporter_name]").fill("李秀英")
    return form


def test_staff_enter_a_callers_case_with_consent_to_contact(page, hotline):
    hotline.locator("input[name=reporter_phone]").fill("13900001111")
    hotline.locator("input[name=consent_contact]").check()
    hotline.get_by_test_id("hotline-submit").click()

    case = Case.objects.get(description="来电反映平东大道路口积水")
    expect(page).to_have_url(re.compile(rf"/cases/{case.number}/$"))
    expect(
        page.get_by_text(f"诉求 {case.number} 已录入，请将此编号告知来电人。")
    ).to_be_visible()
    expect(page.get_by_test_id("reporter-phone")).to_have_text("13900001111")
    expect(page.get_by_test_id("contact-consent")).to_have_text(re.compile(r"^已于 "))
    assert case.channel == "hotline"
    assert case.contact_consent_at is not None


def test_a_phone_number_with_letters_is_refused_and_nothing_is_entered(page, hotline):
    hotline.locator("input[name=reporter_phone]").fill("回电 call me")
    hotline.get_by_test_id("hotline-submit").click()

    expect(
        page.get_by_text("请填写数字格式的电话号码，例如 13812345678。")
    ).to_be_visible()
    # What was typed is kept for correcting.
    expect(page.locator("textarea[name=description]")).to_have_value(
        "来电反映平东大道路口积水"
    )
    assert not Case.objects.filter(description="来电反映平东大道路口积水").exists()
