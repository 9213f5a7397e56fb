"""The strategy simulator end to end: a small book through the real daily run."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

from django.core.management import call_command

import pytest

from vangnet.ledger.models import Account, Invoice, Payment
from vangnet.parties.models import Organisation
from vangnet.simulation.generator import Horizon
from vangnet.simulation.loader import population_load
from vangnet.simulation.strategy_sim import (
    SimConfig,
    organisation_delete,
    simulate_strategy,
)
from vangnet.strategy.constants import CONTACT_TYPES, ActionStatus
from vangnet.strategy.models import Action, Case, Hold

SMALL = {"households": 300, "days": 40, "seed": 11, "start": date(2025, 3, 3)}


def _stable(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k != "seconds"}


@pytest.mark.django_db
def test_small_run_is_consistent_and_cleaned_up():
    result = simulate_strategy(SimConfig(**SMALL, keep=True))
    m = result.metrics
    org = Organisation.objects.get(slug=result.organisation_slug)
    assert result.organisation_slug == "sim-water-social-s11"

    cases = Case.objects.filter(organisation=org)
    assert m["cases_opened"] == cases.count() > 0
    assert 0 < m["cases_opened_day0"] <= m["cases_opened"]
    assert m["cases_cured"] <= m["cases_opened"]
    assert m["cases_cured"] + m["cases_open_end"] <= m["cases_opened"]
    for share in [*m["cured_within"].values(), *m["reach"].values()]:
        assert share is None or 0.0 <= share <= 1.0
    assert m["cured_within"]["30"] is not None and m["cured_within"]["60"] is None

    # Contacts are the delivered contact actions, per channel.
    delivered = Action.objects.filter(
        organisation=org,
        action_type__in=list(CONTACT_TYPES),
        status__in=[ActionStatus.SENT, ActionStatus.DONE],
    )
    assert m["contacts_total"] == delivered.count() > 0
    for channel, n in m["contacts_by_channel"].items():
        assert delivered.filter(channel=channel).count() == n
    # Every action due in the period was delivered, cancelled or is backlog work.
    assert not Action.objects.filter(
        organisation=org, status=ActionStatus.PLANNED, action_type__in=["message", "offer_plan"]
    ).exists()
    assert m["plans_made"] == Hold.objects.filter(organisation=org, kind="payment_plan").count()
    assert m["plans_kept"] + m["plans_broken"] + m["plans_running"] == m["plans_made"]
    assert m["cost_per_case_eur"] > 0
    assert m["staff"]["calls_per_day_max"] <= m["staff"]["call_capacity_per_day"]
    # Payments went through the ledger: nothing left unallocated while invoices are open
    # on the same account would mean allocation was skipped.
    assert Payment.objects.filter(organisation=org, reference__startswith="SIM-").count() == (
        m["payments"].get("reaction", {}).get("count", 0)
        + m["payments"].get("instalment", {}).get("count", 0)
    )

    organisation_delete(org)
    assert not Organisation.objects.filter(slug=result.organisation_slug).exists()
    assert not Account.objects.filter(organisation_id=org.pk).exists()
    assert not Case.objects.filter(organisation_id=org.pk).exists()


@pytest.mark.django_db
def test_same_seed_same_outcome():
    config = SimConfig(**{**SMALL, "days": 25})
    first = simulate_strategy(config)
    second = simulate_strategy(config)
    assert _stable(first.metrics) == _stable(second.metrics)
    assert not Organisation.objects.filter(slug__startswith="sim-").exists()


@pytest.mark.django_db
def test_compare_shows_both_journeys_and_leaves_the_demo_alone(horizon):
    demo = Organisation.objects.create(
        name="Waterbedrijf Voorbeeld", slug="waterbedrijf-voorbeeld", sector="drinking_water"
    )
    population_load(
        organisation=demo, households=50, horizon=Horizon(today=horizon.today, months=3), seed=3
    )
    before = (
        Account.objects.filter(organisation=demo).count(),
        Invoice.objects.filter(organisation=demo).count(),
        Payment.objects.filter(organisation=demo).count(),
    )
    out = StringIO()
    call_command(
        "simulate",
        "--compare",
        "social",
        "classic",
        "--households",
        "200",
        "--days",
        "35",
        stdout=out,
        verbosity=0,
    )
    text = out.getvalue()
    assert "water-social" in text and "classic" in text
    assert "opgelost binnen 30 dagen" in text and "kosten per dossier" in text
    assert not Organisation.objects.filter(slug__startswith="sim-").exists()
    after = (
        Account.objects.filter(organisation=demo).count(),
        Invoice.objects.filter(organisation=demo).count(),
        Payment.objects.filter(organisation=demo).count(),
    )
    assert after == before
    assert not Case.objects.filter(organisation=demo).exists()


@pytest.mark.django_db
def test_json_output_and_unit_costs():
    out = StringIO()
    call_command(
        "simulate",
        "--journey",
        "classic",
        "--households",
        "150",
        "--days",
        "20",
        "--cost",
        "letter=2.00",
        "--json",
        stdout=out,
    )
    metrics = json.loads(out.getvalue())
    assert metrics["journey"] == "classic"
    assert metrics["unit_costs_eur"]["letter"] == 2.0
    letters = metrics["contacts_by_channel"].get("letter", 0)
    assert metrics["cost_by_channel_eur"].get("letter", 0) == pytest.approx(2.0 * letters)


@pytest.mark.django_db
def test_unknown_journey_is_an_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown journey"):
        call_command("simulate", "--journey", "nope", "--households", "10", "--days", "1")
