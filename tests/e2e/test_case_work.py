"""Working on cases in a real browser: staff console, handler inbox, case page.

Each test prepares its own category and routing rule on top of the Pingdong demo
(the demo's own categories are not relied on), reports the case through the
intake service, then drives the work pages as staff and handlers would.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import expect

from gongzhi.accounts.models import User
from gongzhi.cases import services
from gongzhi.cases.choices import Status
from gongzhi.cases.models import Case, RoutingRule
from gongzhi.cases.tests.factories import CategoryFactory
from gongzhi.demo.accounts import DEMO_PASSWORD
from gongzhi.demo.pingdong_data import ORGANISATION_NAMES
from gongzhi.orgs.models import Organisation
from gongzhi.places.models import Street

from .conftest import sign_in

pytestmark = [pytest.mark.e2e]

STAFF = "pingdong.staff"
HANDLER = "handler.sanitation"
LIAISON = "liaison.cuibao"


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def as_user(page, username: str) -> None:
    """Start a fresh session for ``username`` in the same browser page."""
    page.context.clear_cookies()
    sign_in(page, username, DEMO_PASSWORD)
    expect(page.get_by_test_id("who")).to_be_visible()


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def work(demo_data):
    """A category routed to the sanitation unit, and the people who work on it."""
    urban = Organisation.objects.get(name=ORGANISATION_NAMES["GC-URBAN"])
    cuibao = Organisation.objects.get(name=ORGANISATION_NAMES["CUIBAO-PM"])
    category = CategoryFactory(
        code="e2e-litter", name_zh="测试：垃圾堆放", name_en="Test: litter"
    )
    RoutingRule.objects.create(category=category, lead=urban)
    return SimpleNamespace(
        category=category,
        street=Street.objects.get(code="JBS-01"),
        urban=urban,
        cuibao=cuibao,
        staff=User.objects.get(username=STAFF),
        handler=User.objects.get(username=HANDLER),
    )


def report(work, description: str = "江表上街一巷口垃圾堆放三天") -> Case:
    return services.case_report(
        category=work.category,
        description=description,
        street=work.street,
        reporter_name="吴晓东",
        reporter_phone="13800138000",
    ).case


def dispatched(work, **kwargs) -> Case:
    case = report(work, **kwargs)
    services.case_accept(case=case, actor=work.staff)
    services.case_dispatch(case=case, actor=work.staff, lead=work.urban)
    return fresh(case)


def open_action(page, slug: str):
    """Open the action's panel (if folded) and return its form."""
    form = page.get_by_test_id(f"action-{slug}")
    if not form.is_visible():
        page.locator("details", has=form).locator("summary").click()
    expect(form).to_be_visible()
    return form


def test_staff_accepts_and_dispatches_handler_replies_staff_verifies(
    page, work, tmp_path
):
    # Given a case reported on Jiangbiao street
    case = report(work)

    # When staff find it among the new reports on the console and open it
    as_user(page, STAFF)
    page.goto(f"/cases/console/?q={case.number}")
    expect(page.get_by_test_id("queue-new")).to_have_attribute("aria-current", "page")
    page.get_by_test_id("case-row").filter(has_text=case.number).get_by_test_id(
        "case-link"
    ).click()
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.REPORTED.label))
    # The reporter's phone is shown in full to staff
    expect(page.get_by_test_id("reporter-phone")).to_have_text("13800138000")

    # And accept it as urgent
    accept = open_action(page, "accept")
    accept.locator("select[name=urgency]").select_option("urgent")
    accept.get_by_test_id("submit-accept").click()
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.ACCEPTED.label))

    # Then the dispatch form proposes the unit of the routing rule; staff send it
    dispatch = open_action(page, "dispatch")
    expect(dispatch.locator("select[name=lead]")).to_have_value(str(work.urban.pk))
    dispatch.get_by_test_id("submit-dispatch").click()
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.DISPATCHED.label))
    expect(page.get_by_test_id("units")).to_contain_text(str(work.urban))
    expect(page.get_by_test_id("deadline")).to_have_attribute("data-state", "ok")
    assert fresh(case).urgency == "urgent"

    # When the handler opens their inbox, the case is there; they acknowledge it
    as_user(page, HANDLER)
    expect(page.get_by_test_id("bell-count")).to_be_visible()
    page.goto(f"/cases/inbox/?q={case.number}")
    row = page.get_by_test_id("case-row").filter(has_text=case.number)
    row.get_by_test_id("quick-acknowledge").click()
    expect(row.get_by_test_id("row-status")).to_have_text(zh(Status.ACKNOWLEDGED.label))
    expect(row.get_by_test_id("quick-acknowledge")).to_have_count(0)

    # And reply from the case page with a note and a photo
    row.get_by_test_id("case-link").click()
    photo = tmp_path / "after.png"
    Image.new("RGB", (64, 48), "green").save(photo)
    reply = open_action(page, "reply")
    reply.locator("textarea[name=note]").fill("已清运，现场恢复整洁")
    reply.locator("input[type=file]").set_input_files(str(photo))
    reply.get_by_test_id("submit-reply").click()
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.VERIFYING.label))
    expect(page.get_by_test_id("timeline")).to_contain_text("已清运，现场恢复整洁")
    expect(page.get_by_test_id("timeline").locator("img")).to_have_count(1)
    # The handler cannot verify their own work
    expect(page.get_by_test_id("action-verify")).to_have_count(0)

    # When staff verify the result
    as_user(page, STAFF)
    page.goto(case.get_absolute_url())
    verify = open_action(page, "verify")
    verify.locator("textarea[name=note]").fill("现场核实已清理")
    verify.get_by_test_id("submit-verify-confirm").click()

    # Then the case waits for the reporter's rating
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.FEEDBACK.label))
    case = fresh(case)
    assert case.status == Status.FEEDBACK
    actions = list(case.events.values_list("action", flat=True))
    assert actions == [
        "report",
        "accept",
        "dispatch",
        "acknowledge",
        "reply",
        "submit_for_verification",
        "confirm",
    ]


def test_return_approved_and_dispatched_to_another_unit(page, work):
    # Given a case dispatched to the sanitation unit
    case = dispatched(work, description="翠宝园小区内绿化带垃圾")

    # When the handler asks to return it: it is the property company's estate
    as_user(page, HANDLER)
    page.goto(case.get_absolute_url())
    ask = open_action(page, "request_return")
    ask.locator("textarea[name=reason]").fill("属小区物业管理范围")
    ask.get_by_test_id("submit-request_return").click()
    expect(page.get_by_test_id("status")).to_have_text(
        zh(Status.RETURN_REQUESTED.label)
    )

    # And staff find it among the return requests and approve
    as_user(page, STAFF)
    page.goto(f"/cases/console/?queue=returns&q={case.number}")
    page.get_by_test_id("case-row").filter(has_text=case.number).get_by_test_id(
        "case-link"
    ).click()
    decide = open_action(page, "decide_return")
    decide.get_by_test_id("submit-decide_return-approve").click()
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.ACCEPTED.label))

    # Then staff dispatch it again, to the property company
    dispatch = open_action(page, "dispatch")
    dispatch.locator("select[name=lead]").select_option(str(work.cuibao.pk))
    dispatch.get_by_test_id("submit-dispatch").click()
    expect(page.get_by_test_id("status")).to_have_text(zh(Status.DISPATCHED.label))
    expect(page.get_by_test_id("units")).to_contain_text(str(work.cuibao))
    case = fresh(case)
    assert case.lead_unit == work.cuibao
    assert case.unit_count == 2

    # And the property company's liaison has it in their inbox; the first unit not
    as_user(page, LIAISON)
    page.goto(f"/cases/inbox/?q={case.number}")
    expect(page.get_by_test_id("case-row").filter(has_text=case.number)).to_be_visible()
    as_user(page, HANDLER)
    page.goto(f"/cases/inbox/?q={case.number}")
    expect(page.get_by_test_id("case-row").filter(has_text=case.number)).to_have_count(
        0
    )


def _mark_overdue(case: Case) -> None:
    """Move the deadline into the past and let the timers do their work."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        clock_started_at=now - dt.timedelta(days=5),
        signoff_due_at=now - dt.timedelta(days=4),
        resolve_due_at=now - dt.timedelta(hours=3),
    )
    try:
        from gongzhi.cases.services.timers import timers_mark_overdue
    except ImportError:  # the timer service is not there: supervise by hand
        services.case_supervise(case=fresh(case), actor=None, note="超期")
    else:
        timers_mark_overdue(now=now)


def test_overdue_case_shows_red_and_supervised_on_the_console(page, work):
    # Given a dispatched case whose deadline has passed, and a case on time
    late = dispatched(work, description="路灯不亮已一周")
    on_time = dispatched(work, description="井盖松动")
    _mark_overdue(late)
    late = fresh(late)
    assert late.under_supervision

    # When staff open the overdue queue
    as_user(page, STAFF)
    page.goto("/cases/console/")
    expect(page.get_by_test_id("queue-overdue")).to_have_class(re.compile(r"\bhot\b"))
    page.get_by_test_id("queue-overdue").click()
    # (the demo's own cases may be listed too: search narrows to ours)
    page.locator("details.filters-box summary").click()
    page.get_by_test_id("filters").locator("input[name=q]").fill("路灯不亮已一周")
    page.get_by_test_id("filters").locator("button").click()

    # Then the late case shows a red deadline and the supervision flag
    row = page.get_by_test_id("case-row").filter(has_text=late.number)
    expect(row).to_be_visible()
    deadline = row.get_by_test_id("deadline")
    expect(deadline).to_have_attribute("data-state", "overdue")
    expect(deadline).to_have_class(re.compile(r"\bdue-overdue\b"))
    color = deadline.evaluate("el => getComputedStyle(el).color")
    assert color == "rgb(155, 12, 35)", color
    expect(row.get_by_test_id("flag-supervision")).to_be_visible()
    expect(
        page.get_by_test_id("case-row").filter(has_text=on_time.number)
    ).to_have_count(0)

    # And the case page says why it is supervised
    row.get_by_test_id("case-link").click()
    expect(page.get_by_test_id("supervision-note")).to_be_visible()
    expect(page.get_by_test_id("flag-supervision")).to_be_visible()


def test_handler_inbox_on_a_phone(phone_page, work):
    # Given two cases for the unit, one of them overdue
    page = phone_page
    first = dispatched(work, description="占道经营 e2e-phone")
    late = dispatched(work, description="垃圾桶满溢 e2e-phone")
    _mark_overdue(late)

    # When the handler opens the inbox on their phone (searching past demo cases)
    as_user(page, HANDLER)
    page.goto("/cases/inbox/?q=e2e-phone")

    # Then each case is a card, the page fits the screen, the overdue one is red
    rows = page.get_by_test_id("case-row")
    expect(rows).to_have_count(2)
    assert rows.first.evaluate("el => getComputedStyle(el).display") == "block"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, f"no horizontal scroll on a phone, got {scroll_width}px"
    late_row = rows.filter(has_text=late.number)
    expect(late_row.get_by_test_id("deadline")).to_have_attribute(
        "data-state", "overdue"
    )

    # When they acknowledge the other case with a tap
    card = rows.filter(has_text=first.number)
    card.get_by_test_id("quick-acknowledge").tap()

    # Then its card says so without leaving the list
    expect(card.get_by_test_id("row-status")).to_have_text(
        zh(Status.ACKNOWLEDGED.label)
    )
    assert fresh(first).status == Status.ACKNOWLEDGED
    expect(page.locator("#messages")).to_contain_text(first.number)

    # And the case page fits the phone too
    card.get_by_test_id("case-link").tap()
    expect(page.get_by_test_id("status")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, f"case page fits a phone, got {scroll_width}px"
