"""A credit manager edits a journey in a real browser, tries it, and publishes it.

Playwright on Debian's Chromium against Django's live server: journey list → draft →
edit a step (day, channel, template, segments) → "Probeer uit" on 150 households for
60 days (both columns appear) → publish → the new version is listed.
"""

from __future__ import annotations

from typing import Any

from tests.workspace.test_browser import chromium_page
from tests.workspace.test_browser_roles import login, role_user
from vangnet.strategy.defaults import strategy_defaults_ensure
from vangnet.strategy.journeys import journey_for_sector
from vangnet.strategy.models import Journey


def test_credit_manager_edits_tries_and_publishes(live_server, monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    strategy_defaults_ensure()
    base = journey_for_sector("drinking_water")
    role_user("krediet", "credit_manager")
    page: Any
    with chromium_page() as page:
        page.set_default_timeout(60_000)  # the trial run is a real simulation
        url = live_server.url
        login(page, url, "krediet")
        page.goto(f"{url}/journeys/")
        row = page.locator(f"#reis-{base.code}")
        expect(row).to_contain_text(f"versie {base.version}")
        row.get_by_role("link", name=base.name).click()
        page.get_by_role("button", name="Concept maken").click()
        expect(page.locator("h1")).to_contain_text(f"concept voor versie {base.version + 1}")

        # Edit step 2: later, by SMS, another template, only for two segments.
        page.get_by_role("link", name="Stap 2 bewerken").click()
        page.get_by_label("Dag", exact=True).fill("9")
        page.get_by_label("Kanaal").select_option("sms")
        page.get_by_label("Sjabloon").fill("water-friendly-nudge")
        page.get_by_label("Kwetsbaar").check()
        page.get_by_label("Standaard").check()
        page.get_by_role("button", name="Stap opslaan").click()
        step2 = page.locator("#steps-table tbody tr[data-position='2']")
        expect(step2).to_contain_text("dag 9")
        expect(step2).to_contain_text("sms")
        expect(step2.get_by_role("link", name="water-friendly-nudge")).to_be_visible()

        # Try it on a small sample; both columns come back.
        page.get_by_label("Huishoudens").fill("150")
        page.get_by_label("Dagen").fill("60")
        page.locator("#try-form").get_by_role("button", name="Probeer uit").click()
        table = page.locator("#trial-table")
        expect(table).to_be_visible()
        expect(table.locator("thead")).to_contain_text(f"Gepubliceerd (versie {base.version})")
        expect(table.locator("thead")).to_contain_text(f"Concept (versie {base.version + 1})")
        expect(table).to_contain_text("dossiers geopend")

        page.get_by_role("button", name="Publiceren").click()
        expect(page.locator(".messages")).to_contain_text(
            f"Versie {base.version + 1} is gepubliceerd"
        )
        expect(page.locator(f"#reis-{base.code}")).to_contain_text(f"versie {base.version + 1}")

    new = Journey.objects.get(code=base.code, version=base.version + 1)
    assert new.published
    step = new.steps.get(position=2)
    assert (step.day_offset, step.channel, step.template) == (9, "sms", "water-friendly-nudge")
    assert set(step.segments) == {"vulnerable", "standard"}
