"""A person pays part of the open amount on a phone, in a real browser (demo provider).

Uses Debian's Chromium like ``tests/workspace/test_browser.py``; a missing browser fails
the test. Set VANGNET_SCREENSHOT_DIR to keep screenshots of each step.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.payments.conftest import account_with_case
from vangnet.ledger.models import Payment
from vangnet.payments.tokens import account_token
from vangnet.strategy.models import Case

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _snap(page: Any, name: str) -> None:
    directory = os.environ.get("VANGNET_SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"pay-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_pay_part_on_a_phone(live_server, settings, org):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    settings.VANGNET_PAYMENT_PROVIDER = "testprovider"
    settings.VANGNET_BASE_URL = live_server.url
    account = account_with_case(org, overdue_cents=8000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_context(
                locale="nl-NL", viewport={"width": 375, "height": 740}, is_mobile=True
            ).new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{live_server.url}/pay/a/{account_token(account.pk)}/")
            assert "€ 80,00" in page.inner_text("main")
            page.fill("#id_amount", "3")
            page.click(".pay button[type=submit]")
            assert "U kunt minimaal € 5,00 betalen." in page.inner_text("[role=alert]")
            _snap(page, "1-error")
            page.fill("#id_amount", "30,00")
            page.click(".pay button[type=submit]")
            page.wait_for_url("**/pay/test/**")
            _snap(page, "2-checkout")
            page.click("button[value=pay]")
            page.wait_for_url("**/pay/klaar/**")
            text = page.inner_text("main")
            _snap(page, "3-thanks")
            assert "Dank u wel, we hebben uw betaling ontvangen" in text
            assert "Er staat nog € 50,00 open." in text
        finally:
            browser.close()
    assert Payment.objects.get().amount_cents == 3000
    assert (Case.objects.get().status, Case.objects.get().arrears_cents) == ("open", 5000)
