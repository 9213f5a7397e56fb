"""The account page's Dossier section: status, segment, score, next step, timeline."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from vangnet.strategy.cases import hold_create
from vangnet.strategy.run import daily_run


def url(account) -> str:
    return reverse("workspace:account", kwargs={"pk": account.pk})


def test_dossier_shows_why_and_the_timeline(staff_client, ledger):
    daily_run(organisation=ledger.organisation, run_date=ledger.today)
    response = staff_client.get(url(ledger.jansen))
    html = response.content.decode()
    dossier = response.context["dossier"]
    assert dossier.case.status == "open"
    assert 'id="dossier-heading">Dossier</h2>' in html
    assert '<dd data-dossier="status">Open</dd>' in html
    assert '<dd data-dossier="segment">Kwetsbaar</dd>' in html  # Jansen is in debt help
    assert "Dossier geopend: de achterstand is boven de drempel gekomen." in html
    assert "Bericht (SMS)" in html  # her preferred channel
    assert "Vangrails: Deze stap mag." in html
    assert "water-social stap 1: Vriendelijk bericht met betaallink (dag 0)" in html
    assert "voorkeur van de klant" in html
    assert "Herinnering per brief" in dossier.next_step
    assert "Drinkwater — sociaal incasseren, stap 2 (dag 7)" in dossier.next_step_why
    if dossier.factors:
        assert dossier.factors[0] in html


def test_blocked_actions_show_their_reason(staff_client, ledger):
    organisation = ledger.organisation
    for offset in range(0, 15):
        daily_run(organisation=organisation, run_date=ledger.today + timedelta(days=offset))
    html = staff_client.get(url(ledger.de_vries)).content.decode()
    # de Vries has no phone number: the call round is blocked and says why
    assert "Beltaak (Telefoon)" in html
    assert 'data-reason="no_phone"' in html
    assert "De klant is via dit kanaal niet bereikbaar." in html


def test_paused_case_says_until_when(staff_client, ledger):
    organisation = ledger.organisation
    daily_run(organisation=organisation, run_date=ledger.today)
    hold_create(
        account=ledger.de_vries,
        kind="dispute",
        starts_on=ledger.today,
        ends_on=ledger.today + timedelta(days=20),
    )
    daily_run(organisation=organisation, run_date=ledger.today + timedelta(days=1))
    html = staff_client.get(url(ledger.de_vries)).content.decode()
    assert '<dd data-dossier="status">Gepauzeerd</dd>' in html
    assert "Dossier gepauzeerd: de klant is het niet eens met de rekening." in html


def test_no_dossier_without_arrears(staff_client, ledger):
    daily_run(organisation=ledger.organisation, run_date=ledger.today)
    html = staff_client.get(url(ledger.bakker)).content.decode()
    assert "Geen dossier" in html


def test_queries_do_not_grow_with_the_history(staff_client, ledger, django_assert_max_num_queries):
    organisation = ledger.organisation
    for offset in range(0, 40):
        daily_run(organisation=organisation, run_date=ledger.today + timedelta(days=offset))
    with django_assert_max_num_queries(23):
        staff_client.get(url(ledger.jansen))
