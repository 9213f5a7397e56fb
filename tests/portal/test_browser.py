"""Every main flow in a real browser on a phone-sized screen, with axe-core on each page.

Debian's Chromium (a missing browser fails the test); axe-core comes bundled with the
PyPI package ``axe-playwright-python``. Any serious or critical violation fails.
Set VANGNET_SCREENSHOT_DIR to keep screenshots.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

import pytest

from tests.portal.conftest import make_someone
from vangnet.portal.tokens import portal_link_create

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Checker:
    def __init__(self, page: Any) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page, self.axe, self.seen = page, Axe(), []

    def __call__(self, name: str) -> None:
        results = self.axe.run(self.page)
        bad = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        assert not bad, f"axe on {name} ({self.page.url}): {bad}"
        self.seen.append(name)
        directory = os.environ.get("VANGNET_SCREENSHOT_DIR")
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(directory) / f"portal-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_portal_flows_on_a_phone_with_axe(live_server, settings):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: apt-get install -y chromium")
    from datetime import date

    from playwright.sync_api import sync_playwright

    from vangnet.banking.directdebit.models import DirectDebitProfile, Mandate
    from vangnet.parties.models import Organisation
    from vangnet.portal.models import PortalReferral
    from vangnet.strategy.models import Hold
    from vangnet.workspace.models import Task

    settings.VANGNET_PAYMENT_PROVIDER = "testprovider"
    settings.VANGNET_BASE_URL = live_server.url
    org = Organisation.objects.create(
        name="Waterbedrijf Portaal",
        slug="wp",
        sector="drinking_water",
        contact_phone="030 123 45 67",
    )
    DirectDebitProfile.objects.create(
        organisation=org,
        creditor_id="NL69ZZZ123456780000",
        creditor_name="Water",
        iban="NL20INGB0001234567",
        collection_days=[1, 15],
    )
    anna = make_someone(
        org,
        number="K1001",
        given="Anna",
        surname="de Vries",
        postcode="3511 AB",
        dob=date(1980, 5, 17),
        overdue_cents=12000,
    )
    make_someone(
        org,
        number="K2002",
        given="Bert",
        surname="Bakker",
        postcode="3512 CD",
        dob=date(1975, 1, 2),
    )
    link = portal_link_create(customer=anna.customer)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_context(
                locale="nl-NL", viewport={"width": 375, "height": 740}, is_mobile=True
            ).new_page()
            page.set_default_timeout(15_000)
            check = Checker(page)
            u = live_server.url

            # Sign-in page and a broken link.
            page.goto(f"{u}/portaal/")
            check("signin")
            page.goto(f"{u}/portaal/kapot:link/")
            assert "Deze link werkt niet" in page.inner_text("main")
            check("gone")

            # Magic link -> overview.
            page.goto(link)
            page.wait_for_url("**/portaal/overzicht/")
            main = page.inner_text("main")
            assert "Hallo Anna de Vries" in main and "€ 120,00" in main
            assert "Bakker" not in main
            check("overview")

            # Pay part.
            page.click("text=Nu betalen")
            check("pay")
            page.fill("#id_amount", "20,00")
            page.click("main button[type=submit]")
            page.wait_for_url("**/pay/test/**")
            page.goto(f"{u}/portaal/overzicht/")

            # Payment plan (pending: no income given -> call back).
            page.click("text=Betalingsregeling maken")
            check("plan")
            page.select_option("#id_months", "6")
            page.click("main button[type=submit]")
            assert "We bellen u binnen twee werkdagen" in page.inner_text("main")
            check("plan-done")
            page.goto(f"{u}/portaal/overzicht/")

            # Direct debit mandate.
            page.click("text=Automatisch betalen")
            check("mandate")
            page.fill("#id_iban", "NL91ABNA0417164300")
            page.check("#id_collection_day_1")
            page.check("#id_agreed")
            page.click("main button[type=submit]")
            assert "rond de 15e" in page.inner_text("main")
            check("done")

            # Preferences.
            page.click("nav >> text=Voorkeuren")
            check("preferences")
            page.check("input[value=sms]")
            page.fill("#id_window_start", "18:00")
            page.fill("#id_window_end", "20:00")
            page.click("main button[type=submit]")
            assert "bewaard" in page.inner_text("main")

            # Call back.
            page.click("nav >> text=Bel mij")
            check("callback")
            page.check("#id_slot_0")
            page.click("main button[type=submit]")
            assert "We bellen u op" in page.inner_text("main")

            # Help: first without consent (error shown and announced), then with.
            page.click("nav >> text=Ik wil hulp")
            check("help")
            page.click("main button[type=submit]")
            assert "Zonder uw toestemming" in page.inner_text("main")
            check("help-error")
            page.check("#id_consent")
            page.click("main button[type=submit]")
            assert "gemeente" in page.inner_text("main")

            # Dispute.
            page.goto(f"{u}/portaal/overzicht/")
            page.click("text=Klopt er iets niet")
            check("situation")
            page.check("input[value=dispute]")
            page.fill("#id_text", "Deze rekening is niet van mij.")
            page.click("main button[type=submit]")
            assert "geen herinneringen" in page.inner_text("main")

            # Keyboard: the skip link is the first stop and jumps to main.
            page.goto(f"{u}/portaal/overzicht/")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.className") == "skip-link"

            # English is available.
            page.select_option("#id_language", "en")
            page.click("footer button[type=submit]")
            page.wait_for_load_state()
            assert page.get_attribute("html", "lang") == "en"
            check("overview-en")

            # Log out.
            page.click("header button[type=submit]")
            check("logged-out")
            assert len(check.seen) == 15
        finally:
            browser.close()
    assert Mandate.objects.get().collection_day == 15
    assert Hold.objects.filter(kind="dispute").count() == 1
    assert PortalReferral.objects.count() == 1
    kinds = sorted(Task.objects.values_list("kind", flat=True))
    assert kinds.count("callback") >= 2 and "reply" in kinds
    assert Task.objects.filter(due_on__lte=timezone.localdate() + timedelta(days=14)).exists()
