"""Staff roles at work in a real browser (Playwright on Debian's Chromium, live server).

- a collector works today's call list and records a promise to pay; the case then shows
  paused until the promised date;
- a field worker records a home visit on a phone-sized screen (390×844);
- the case page shows timeline items from at least five sources.

Users get their permissions from ``vangnet.accounts.roles`` (the Django groups staff
really get); while that app is not there yet, from the explicit lists below, which are
the permissions these pages check.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group, Permission, User

import pytest

from tests.workspace.conftest import PASSWORD
from tests.workspace.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.workspace.test_case_timeline import make_case, rich_case
from tests.workspace.test_queue_calls import call
from vangnet.workspace.constants import VisitSlot
from vangnet.workspace.models import TaskKind
from vangnet.workspace.queue_actions import visits_plan

FALLBACK_SPECS: dict[str, tuple[str, ...]] = {
    "collector": (
        "ledger.view_account",
        "strategy.view_case",
        "strategy.add_hold",
        "strategy.add_caseevent",
        "workspace.view_task",
        "workspace.change_task",
    ),
    "field_worker": (
        "strategy.view_case",
        "strategy.add_caseevent",
        "workspace.view_task",
        "workspace.change_task",
    ),
}


def role_user(username: str, role: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, first_name=username.title())
    try:
        from vangnet.accounts.roles import ROLES, role_resolve
    except ImportError:
        ids = [
            Permission.objects.get(content_type__app_label=a, codename=c).pk
            for a, c in (s.split(".") for s in FALLBACK_SPECS[role])
        ]
        name = role
    else:
        ids = list(role_resolve(role).permission_ids)
        name = ROLES[role].group_name
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.set(ids)
    user.groups.add(group)
    return user


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: install Debian's Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread for the module's lifetime;
    # the ORM calls of the tests (and the database flush between them) stay synchronous.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as playwright:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


def _tab(browser: Any, *, phone: bool) -> Iterator[Any]:
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(
        locale="nl-NL", viewport=viewport, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def tab(browser) -> Iterator[Any]:
    yield from _tab(browser, phone=False)


@pytest.fixture
def phone_tab(browser) -> Iterator[Any]:
    yield from _tab(browser, phone=True)


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("form[action='/login/'] button[type=submit]").click()
    page.wait_for_url(f"{base}/")


def test_collector_records_a_promise_to_pay(live_server, ledger, tab):
    from playwright.sync_api import expect

    today = ledger.today
    case = make_case(ledger.jansen, today, segment="vulnerable")
    call(case, "call-jansen", today=today)
    call(make_case(ledger.de_vries, today), "call-de-vries", today=today)
    role_user("incasso", "collector")
    base = live_server.url
    login(tab, base, "incasso")

    tab.goto(f"{base}/work/")
    tab.get_by_role("link", name="Bellijst van vandaag").click()
    cards = tab.locator("[data-queue=call-list] > li")
    expect(cards).to_have_count(2)
    first = cards.first  # Jansen: in debt help, so first among equals
    expect(first).to_contain_text("Anna Jansen")
    expect(first.get_by_role("link", name="Bel +31612345678")).to_have_attribute(
        "href", "tel:+31612345678"
    )
    first.locator("summary", has_text="Gespreksleidraad").click()
    expect(first).to_contain_text("Neem de tijd")

    promise = today + timedelta(days=12)
    first.locator("summary", has_text="Uitkomst vastleggen").click()
    first.get_by_label("Belooft te betalen").check()
    first.get_by_label("Reden achterstand").select_option(label="Vergeten")
    first.get_by_label("Betaaldatum (bij een belofte)").fill(promise.isoformat())
    first.get_by_role("button", name="Vastleggen").click()

    expect(tab.locator(".message--success")).to_contain_text("Uitkomst vastgelegd")
    expect(tab.locator("[data-queue=call-list] > li")).to_have_count(1)

    tab.goto(f"{base}/cases/{case.pk}/")
    expect(tab.locator("[data-case=paused]")).to_contain_text(f"tot en met {promise:%d-%m-%Y}")
    expect(tab.locator("[data-case=status]")).to_contain_text("Gepauzeerd")
    expect(tab.locator("[data-case=arrears-reason]")).to_contain_text("Vergeten")
    expect(tab.locator("[data-source=task]").first).to_contain_text("Belooft te betalen")


def test_field_worker_records_a_visit_on_a_phone(live_server, ledger, phone_tab):
    from playwright.sync_api import expect

    tab = phone_tab
    today = ledger.today
    worker = role_user("buitendienst", "field_worker")
    case = make_case(ledger.jansen, today)
    visit = call(case, "visit-jansen", today=today, kind=TaskKind.VISIT)
    visits_plan(
        task_ids=[visit.pk],
        on=today,
        slot=VisitSlot.EVENING,
        assignee=worker,
        actor=worker,
        today=today,
    )
    base = live_server.url
    login(tab, base, "buitendienst")

    tab.goto(f"{base}/work/visits/mine/")
    card = tab.locator(".visit-card").first
    expect(card).to_contain_text("18:30–21:00")
    expect(card).to_contain_text("Anna Jansen")
    card.click()
    expect(tab.locator("[data-page=visit]")).to_be_visible()
    # Phone-sized: nothing wider than the screen, tap targets of at least 44 px.
    wide = tab.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 391)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390, wide
    choice = tab.locator(".choice", has_text="Heeft hulp nodig")
    submit = tab.get_by_role("button", name="Bezoek vastleggen")
    for target in (choice, submit):
        box = target.bounding_box()
        assert box is not None and box["height"] >= 44, box
    choice.tap()
    tab.get_by_label("Reden achterstand").select_option(label="Ziekte")
    tab.get_by_label("Notitie").fill("Klant is ziek, wil hulp van de gemeente")
    submit.tap()

    expect(tab.locator(".message--success")).to_contain_text("Bezoek vastgelegd")
    expect(tab.locator(".visit-card").first).to_contain_text("Heeft hulp nodig")
    visit.refresh_from_db()
    assert (visit.status, visit.outcome) == ("done", "help_needed")


def test_case_page_shows_five_sources(live_server, ledger, tab):
    from playwright.sync_api import expect

    case = rich_case(ledger)
    role_user("incasso", "collector")
    base = live_server.url
    login(tab, base, "incasso")
    tab.goto(f"{base}/accounts/{ledger.jansen.pk}/")
    tab.locator("[data-dossier=case-link]").click()
    expect(tab.get_by_role("heading", level=1)).to_contain_text("Anna Jansen")
    timeline = tab.locator("[data-case=timeline]")
    sources = set(
        timeline.locator("li[data-source]").evaluate_all("els => els.map(e => e.dataset.source)")
    )
    assert len(sources) >= 5, sources
    assert {"invoice", "payment", "action", "message", "reply"} <= sources
    message = timeline.locator("li[data-source=message]").first
    body = message.locator(".timeline__body")
    expect(body).to_be_hidden()
    message.locator("summary").click()
    expect(body).to_contain_text("Beste Anna, uw rekening staat open.")
    # The filter narrows the list to one source.
    tab.get_by_role("navigation", name="Tijdlijn filteren").get_by_role(
        "link", name="Reacties"
    ).click()
    expect(timeline.locator("li[data-source]")).to_have_count(1)
    _ = case
