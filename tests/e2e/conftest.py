"""Browser tests: headless Chromium (Debian's) driven by Playwright.

The app is served by pytest-django's ``live_server``. Every test in this folder
is marked ``e2e``; a screenshot of each test's final page is saved in
``test-artifacts/`` for people to look at.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio loop in this thread, so Django's
# async-unsafe guard would refuse every ORM call made by the test itself.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Residents use Chinese browsers (the platform is Chinese first whatever the browser).
BROWSER_LOCALE = "zh-CN"
TIMEOUT_MS = 10_000
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Launch Debian's Chromium once per session."""
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"{reason}, and CI must run the browser tests.")
        pytest.skip(f"{reason}; install it to run the browser tests (CI does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _screenshot_name(request: pytest.FixtureRequest) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    return ARTIFACTS / f"{name}.png"


def _new_page(
    browser: Any, live_server: Any, request: pytest.FixtureRequest, **options: Any
) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale=BROWSER_LOCALE, **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(_screenshot_name(request)), full_page=True)
    finally:
        context.close()


@pytest.fixture
def page(browser, live_server, request) -> Iterator[Any]:
    """Return a desktop page in a fresh browser context (no cookies carried)."""
    yield from _new_page(browser, live_server, request, viewport=DESKTOP)


@pytest.fixture
def phone_page(browser, live_server, request) -> Iterator[Any]:
    """Return a phone-sized page (390x844, touch) in a fresh browser context."""
    yield from _new_page(
        browser,
        live_server,
        request,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )


# --- Demo data -------------------------------------------------------------------


@pytest.fixture
def demo_data(live_server) -> str:
    """Load the Pingdong demo; return "loaddemo" or "fallback" for the source.

    Until the ``loaddemo`` command exists, a small stand-in holds the accounts
    the browser tests sign in with (same usernames, names, password and scopes).
    """
    from django.core.management import call_command, get_commands

    if "loaddemo" in get_commands():
        call_command("loaddemo", stdout=io.StringIO())
        return "loaddemo"
    warnings.warn(
        "The loaddemo command does not exist yet; the browser tests ran on the "
        "fallback demo data in tests/e2e/conftest.py.",
        stacklevel=1,
    )
    _load_fallback_demo()
    return "fallback"


FALLBACK_STREETS = [
    ("JBS-01", "江表上街大街", 620),
    ("JBS-02", "江表上街一巷", 410),
    ("JBS-03", "江表上街二巷", 370),
]


def _load_fallback_demo() -> None:
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
    from gongzhi.places.tests.factories import (
        CommunityFactory,
        EconomicCooperativeFactory,
        StreetFactory,
        SubdistrictFactory,
    )

    guicheng = SubdistrictFactory(code="GC", name="桂城街道")
    pingdong = CommunityFactory(code="PD", name="平东社区", subdistrict=guicheng)
    jbs = EconomicCooperativeFactory(code="PD-JBS", name="江表上街", community=pingdong)
    places: dict[str, Any] = {"subdistrict:GC": guicheng, "community:PD": pingdong}
    for code, name, length in FALLBACK_STREETS:
        places[f"street:{code}"] = StreetFactory(
            code=code, name=name, community=pingdong, cooperative=jbs, length_m=length
        )
    for account in DEMO_ACCOUNTS:
        if account.scope and account.scope not in places:
            continue
        user = user_create(
            actor=None,
            username=account.username,
            password=DEMO_PASSWORD,
            display_name=account.display_name,
            is_party_member=account.is_party_member,
            validate=False,
        )
        role_assign(
            actor=None,
            user=user,
            role=account.role,
            scope=places.get(account.scope),
        )


# --- Helpers -----------------------------------------------------------------------


def sign_in(page: Any, username: str, password: str) -> None:
    """Open the sign-in page and submit ``username`` and ``password``."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state()


def pick_street(page: Any, street: Any) -> None:
    """On the report form, choose ``street``'s community, then the street.

    The street picker follows the community (swapped in by htmx), so wait for
    that request before choosing the street.
    """
    page.wait_for_function("() => window.htmx !== undefined")
    with page.expect_response(lambda r: "/cases/report/streets/" in r.url):
        page.select_option("#id_community", str(street.community_id))
    page.select_option("#id_street", label=street.name)
