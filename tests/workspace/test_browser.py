"""One walk through the staff pages in a real browser (Playwright on Debian's Chromium).

Playwright cannot download its own browsers here, so the test drives the distribution's
``/usr/bin/chromium``. A missing browser is a failure, not a skip: CI must install it
(``apt-get install -y chromium``), otherwise this test silently stops guarding anything.

Set VANGNET_SCREENSHOT_DIR to keep full-page screenshots of each step.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.workspace.conftest import PASSWORD, make_user

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A headless Chromium tab; fails the test (not skips it) when the browser is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's Chromium with `apt-get install -y "
            "chromium` (Playwright's own browser download does not work here)."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the environment
        pytest.fail("playwright is not installed: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
            tab = context.new_page()
            tab.set_default_timeout(15_000)
            yield tab
        finally:
            browser.close()


def _snap(page: Any, name: str) -> None:
    directory = os.environ.get("VANGNET_SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def test_staff_walk_through(live_server, ledger, monkeypatch):
    # Playwright's sync API runs an asyncio loop in this thread; the ORM calls made by the
    # test (and the database flush afterwards) are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_user("medewerker")
    with chromium_page() as page:
        _walk_through(page, live_server.url)


def _walk_through(page: Any, base: str) -> None:
    from playwright.sync_api import expect

    from vangnet.core.models import AccessLogEntry

    # Not logged in: the overview sends us to the login page, in Dutch.
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/login/?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_label("Gebruikersnaam").fill("medewerker")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("form[action='/login/'] button[type=submit]").click()

    # Overview with the aging table.
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overzicht")
    # The hand-written stylesheet is served and applied (not an unstyled page).
    header_bg = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header_bg == "rgb(11, 74, 125)", (
        "vangnet/vangnet.css was not applied: is src/vangnet/static in STATICFILES_DIRS?"
    )
    # Keyboard users reach the skip link first, and it takes them to the content.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    aging = page.locator("#aging-table")
    expect(aging).to_be_visible()
    expect(aging.locator("tbody tr")).to_have_count(5)
    expect(aging.locator("tfoot")).to_contain_text("€ 325,00")
    expect(page.locator("[data-stat=customers]")).to_have_text("3")
    _snap(page, "overview")

    # The arrears list, then a search.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Achterstanden"
    ).click()
    expect(page).to_have_url(f"{base}/arrears/")
    rows = page.locator("#arrears-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("€ 200,00")
    page.get_by_label("Zoeken").fill("1234ab")
    page.get_by_label("Zoeken").press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Anna Jansen")
    _snap(page, "arrears")

    # The account page.
    rows.first.get_by_role("link", name="K-1001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anna Jansen")
    expect(page.locator("[data-stat=arrears]")).to_have_text("€ 125,00")
    expect(page.locator("[data-field=bsn]")).to_have_text("******333")
    expect(page.locator("#invoices-table tbody tr")).to_have_count(4)
    expect(page.locator("#payments-table")).to_contain_text("MD06")
    assert "111222333" not in page.content()
    _snap(page, "account")
    account_url = page.url

    # Switch the language: same page, now English.
    page.locator(".language-switch button[value=en]").click()
    expect(page).to_have_url(account_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".language-switch button[value=en]")).to_have_attribute(
        "aria-current", "true"
    )
    assert AccessLogEntry.objects.filter(object_type="account").count() == 2

    # Log out (a POST form) and land on the login page, now in English.
    page.locator("form.user-menu button[type=submit]").click()
    expect(page).to_have_url(f"{base}/login/")
    expect(page.get_by_label("Username")).to_be_visible()
