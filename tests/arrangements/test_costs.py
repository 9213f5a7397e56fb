"""Executing the run's charge_costs actions: only when allowed, waived by policy, idempotent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

import pytest

from tests.ledger.factories import make_payment
from tests.strategy.conftest import DAY, account_in_arrears
from vangnet.arrangements.costs import cost_waive, costs_charge_due, wik_explanation
from vangnet.arrangements.models import ChargedCost, CostPolicy
from vangnet.arrangements.plans import account_arrears_cents
from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.models import Invoice, Payment
from vangnet.ledger.selectors import accounts_with_position
from vangnet.parties.models import Address
from vangnet.strategy.journeys import journey_import
from vangnet.strategy.models import Action, Case, CaseEvent, StrategyPolicy
from vangnet.strategy.run import daily_run

JOURNEY = """
format: vangnet-journey/1
code: costs-test
version: 1
name: Brief en kosten
sector: ''
style: classic
published: false
steps:
- position: 1
  name: Veertiendagenbrief
  day: 0
  action: fourteen_day_letter
  channel: letter
  template: wik-14-day-letter
- position: 2
  name: Incassokosten rekenen
  day: 20
  action: charge_costs
templates:
  wik-14-day-letter:
    description: Veertiendagenbrief met het precieze bedrag aan kosten
    written_reminder: true
    payment_term_days: 14
    default_established: true
    consequences_stated: true
    term_days: 14
    term_wording: after_receipt
"""


@pytest.fixture
def costs_org(org):
    daily_run(organisation=org, run_date=DAY - timedelta(days=1))  # loads the defaults
    journey, _ = journey_import(JOURNEY)
    StrategyPolicy.objects.create(organisation=org, journey=journey)
    CostPolicy.objects.create(organisation=org, waive_first_arrears=False)
    return org


def in_arrears(org, cents=30000):
    account = account_in_arrears(org, cents=cents, days=10)
    person = account.customer.person
    person.address = Address.objects.create(
        street="Dorpsstraat", house_number="1", postcode="1234AB", city="Ergens"
    )
    person.save()
    return account


def journey_to_costs(org, day_costs=20):
    daily_run(organisation=org, run_date=DAY)
    daily_run(organisation=org, run_date=DAY + timedelta(days=day_costs))


def test_wik_explanation_shows_the_staffel():
    assert wik_explanation(Decimal("300"), vat=False) == (
        "Incassokosten over de hoofdsom van € 300,00 (zonder rente): "
        "15% van € 300,00 = € 45,00. Totaal € 45,00."
    )
    text = wik_explanation(Decimal("3000"), vat=False)
    assert "15% van de eerste € 2.500,00 = € 375,00 + 10% van de volgende € 500,00" in text
    assert text.endswith("Totaal € 425,00.")
    assert "minimaal € 40,00" in wik_explanation(Decimal("50"), vat=False)


def test_allowed_costs_are_charged_once_into_the_ledger(costs_org):
    account = in_arrears(costs_org)
    journey_to_costs(costs_org)
    action = Action.objects.get(action_type="charge_costs")
    assert action.status == "planned" and action.amount_cents == 4500, action.explanation
    on = DAY + timedelta(days=20)
    summary = costs_charge_due(organisation_id=costs_org.pk, on=on)
    assert (summary.charged, summary.waived, summary.refused) == (1, 0, 0)
    charge = ChargedCost.objects.get()
    assert (charge.kind, charge.principal_cents, charge.amount_cents) == ("wik_costs", 30000, 4500)
    assert "15% van € 300,00" in charge.explanation
    action.refresh_from_db()
    assert action.status == "done"
    invoice = charge.invoice
    assert invoice.amount_cents == invoice.open_amount_cents == 4500
    oldest = account.invoices.exclude(pk=invoice.pk).order_by("due_date").first().due_date
    assert invoice.due_date == oldest - timedelta(days=1)
    # arrears, balance and the ledger's selectors see the costs
    assert account_arrears_cents(account_id=account.pk, today=on) == 34500
    pos = accounts_with_position(account.__class__.objects.filter(pk=account.pk), today=on).get()
    assert pos.arrears_cents == 34500
    # idempotent: a second execution charges nothing
    again = costs_charge_due(organisation_id=costs_org.pk, on=on)
    assert (again.charged, again.waived, again.refused) == (0, 0, 0)
    assert ChargedCost.objects.count() == 1
    assert CaseEvent.objects.filter(cause="costs_charged").count() == 1


def test_a_partial_payment_pays_costs_first(costs_org):
    account = in_arrears(costs_org)
    journey_to_costs(costs_org)
    on = DAY + timedelta(days=20)
    costs_charge_due(organisation_id=costs_org.pk, on=on)
    make_payment(account, 5000, on)
    allocate_accounts([account.pk])
    charge = ChargedCost.objects.get()
    charge.invoice.refresh_from_db()
    assert charge.invoice.open_amount_cents == 0  # € 45 of € 50 to costs (art. 6:44 BW)
    principal = account.invoices.exclude(pk=charge.invoice_id).get()
    assert principal.open_amount_cents == 30000 - 500


def test_first_time_arrears_waived_by_the_social_default(org):
    daily_run(organisation=org, run_date=DAY - timedelta(days=1))
    journey, _ = journey_import(JOURNEY)
    StrategyPolicy.objects.create(organisation=org, journey=journey)  # no CostPolicy row
    account = in_arrears(org)
    journey_to_costs(org)
    summary = costs_charge_due(organisation_id=org.pk, on=DAY + timedelta(days=20))
    assert (summary.charged, summary.waived) == (0, 1)
    charge = ChargedCost.objects.get()
    assert charge.waived and charge.invoice is None
    assert "Eerste achterstand" in charge.waiver_reason
    assert account_arrears_cents(account_id=account.pk, today=DAY + timedelta(days=20)) == 30000
    assert CaseEvent.objects.filter(cause="costs_waived").exists()


def test_vulnerable_customer_waived(costs_org):
    account = in_arrears(costs_org)
    person = account.customer.person
    person.medical_necessity = True
    person.save()
    journey_to_costs(costs_org)
    summary = costs_charge_due(organisation_id=costs_org.pk, on=DAY + timedelta(days=20))
    assert summary.waived == 1
    assert "Kwetsbare klant" in ChargedCost.objects.get().waiver_reason


def test_no_charge_without_an_allowed_letter_decision(costs_org):
    in_arrears(costs_org)
    step = StrategyPolicy.objects.get(organisation=costs_org).journey.steps.get(position=2)
    step.day_offset = 15  # the letter's term (14 days + post) still runs
    step.save()
    journey_to_costs(costs_org, day_costs=15)
    action = Action.objects.get(action_type="charge_costs")
    assert action.status == "blocked"
    assert costs_charge_due(organisation_id=costs_org.pk, on=DAY + timedelta(15)).charged == 0
    # a forged "planned" action without the WIK verdict is refused, not charged
    Action.objects.filter(pk=action.pk).update(status="planned", amount_cents=4500)
    summary = costs_charge_due(organisation_id=costs_org.pk, on=DAY + timedelta(days=15))
    assert (summary.charged, summary.refused) == (0, 1)
    assert not ChargedCost.objects.exists()
    action.refresh_from_db()
    assert action.status == "cancelled"


def test_tampered_amount_is_refused_by_the_wik_recheck(costs_org):
    in_arrears(costs_org)
    journey_to_costs(costs_org)
    Action.objects.filter(action_type="charge_costs").update(amount_cents=9900)
    summary = costs_charge_due(organisation_id=costs_org.pk, on=DAY + timedelta(days=20))
    assert summary.refused == 1 and summary.reasons == {"costs_amount_mismatch": 1}
    assert not ChargedCost.objects.exists()


def test_staff_waiver_returns_paid_costs_to_the_principal(costs_org):
    account = in_arrears(costs_org)
    journey_to_costs(costs_org)
    on = DAY + timedelta(days=20)
    costs_charge_due(organisation_id=costs_org.pk, on=on)
    make_payment(account, 2000, on)
    allocate_accounts([account.pk])
    charge = ChargedCost.objects.get()
    user = get_user_model().objects.create_user("w", password="x")
    cost_waive(charge=charge, reason="Klant was ziek", actor=user, today=on)
    charge.refresh_from_db()
    assert charge.waived and charge.waived_by == user
    charge.invoice.refresh_from_db()
    assert charge.invoice.open_amount_cents == 0
    principal = account.invoices.get(kind="invoice", charge__isnull=True)
    assert principal.open_amount_cents == 28000  # the € 20 paid went to the principal
    assert Payment.objects.get().unallocated_cents == 0
    assert account_arrears_cents(account_id=account.pk, today=on) == 28000
    credit = Invoice.objects.get(kind="credit_note")
    assert credit.amount_cents == 4500 and credit.open_amount_cents == 0
    cost_waive(charge=charge, reason="nog eens", actor=user, today=on)  # no-op
    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_statutory_interest_only_with_a_known_rate(costs_org):
    CostPolicy.objects.filter(organisation=costs_org).update(
        charge_interest=True, waive_interest_first_arrears=False
    )
    in_arrears(costs_org)
    journey_to_costs(costs_org)
    on = DAY + timedelta(days=20)
    # 2025 rates are not in the built-in table [verify]: nothing is guessed
    costs_charge_due(organisation_id=costs_org.pk, on=on)
    assert not ChargedCost.objects.filter(kind="statutory_interest").exists()
    assert CaseEvent.objects.filter(cause="interest_not_charged").exists()


def test_statutory_interest_computed_and_paid_after_costs(costs_org):
    CostPolicy.objects.filter(organisation=costs_org).update(
        charge_interest=True,
        waive_interest_first_arrears=False,
        interest_rates=[["2025-01-01", "2025-07-01", "0.06"], ["2025-07-01", "2026-01-01", "0.06"]],
    )
    account = in_arrears(costs_org)
    journey_to_costs(costs_org)
    on = DAY + timedelta(days=20)
    costs_charge_due(organisation_id=costs_org.pk, on=on)
    interest = ChargedCost.objects.get(kind="statutory_interest")
    case = Case.objects.get(account=account)
    days = (on - case.arrears_since).days
    expected = (Decimal(30000) * Decimal("0.06") * days / 365).quantize(Decimal("1"))
    assert interest.amount_cents == int(expected)  # 6% a year on € 300 for `days` days
    assert interest.explanation.startswith("Wettelijke rente (art. 6:119 BW): 6% over € 300,00")
    assert interest.invoice.number.startswith("RENTE-")
    # a payment goes to costs, then interest, then principal (art. 6:44 BW)
    make_payment(account, 4500 + interest.amount_cents + 100, on)
    allocate_accounts([account.pk])
    wik = ChargedCost.objects.get(kind="wik_costs")
    assert Invoice.objects.get(pk=wik.invoice_id).open_amount_cents == 0
    assert Invoice.objects.get(pk=interest.invoice_id).open_amount_cents == 0
    assert account.invoices.get(charge__isnull=True, kind="invoice").open_amount_cents == 29900
