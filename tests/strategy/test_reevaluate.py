"""``case_reevaluate``: money in between runs updates or closes the case at once."""

from __future__ import annotations

from datetime import timedelta

from tests.ledger.factories import make_account, make_invoice, make_payment
from tests.strategy.conftest import DAY, account_in_arrears
from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.services import payment_register
from vangnet.strategy.models import Case, StrategyPolicy
from vangnet.strategy.reevaluate import account_arrears, case_reevaluate
from vangnet.strategy.run import daily_run


def _pay(account, cents: int, ref: str) -> None:
    payment_register(account=account, amount_cents=cents, booked_on=DAY, reference=ref)


def test_no_case_returns_none(org):
    account = account_in_arrears(org)
    assert case_reevaluate(account_id=account.pk, on=DAY, cause="bank_payment") is None


def test_partial_payment_updates_snapshot_and_keeps_next_step(org):
    account = account_in_arrears(org, cents=5000)
    daily_run(organisation=org, run_date=DAY)
    case = Case.objects.get()
    next_step = case.next_step_on
    _pay(account, 2000, "B1")
    case = case_reevaluate(
        account_id=account.pk, on=DAY, cause="bank_payment", note="Betaling ontvangen: € 20,00"
    )
    assert (case.status, case.arrears_cents, case.next_step_on) == ("open", 3000, next_step)
    event = case.events.order_by("pk").last()
    assert (event.cause, event.text) == ("bank_payment", "Betaling ontvangen: € 20,00")
    assert event.details["arrears_before_cents"] == 5000 and event.details["arrears_cents"] == 3000


def test_paid_within_tolerance_closes_with_cause_paid(org):
    account = account_in_arrears(org, cents=5000)
    daily_run(organisation=org, run_date=DAY)
    _pay(account, 4900, "B2")  # € 1,00 left = the default tolerance
    case = case_reevaluate(account_id=account.pk, on=DAY, cause="bank_payment")
    assert (case.status, case.close_cause, case.closed_on, case.arrears_cents) == (
        "closed",
        "paid",
        DAY,
        100,
    )
    assert case.events.order_by("pk").last().text == "Dossier gesloten: de achterstand is betaald."
    # Nothing more to do: the account has no case that is not closed.
    assert case_reevaluate(account_id=account.pk, on=DAY, cause="bank_payment") is None
    # The next run neither closes it again nor opens a new case.
    summary = daily_run(organisation=org, run_date=DAY + timedelta(days=1))
    assert (summary.closed, summary.opened, Case.objects.count()) == (0, 0, 1)


def test_tolerance_comes_from_the_policy(org):
    StrategyPolicy.objects.create(organisation=org, close_tolerance_cents=0)
    account = account_in_arrears(org, cents=5000)
    daily_run(organisation=org, run_date=DAY)
    _pay(account, 4900, "B3")
    assert case_reevaluate(account_id=account.pk, on=DAY, cause="x").status == "open"


def test_paused_case_closes_too(org):
    account = account_in_arrears(org, cents=5000)
    daily_run(organisation=org, run_date=DAY)
    Case.objects.update(status="paused", paused_on=DAY, pause_cause="payment_plan")
    _pay(account, 5000, "B4")
    assert case_reevaluate(account_id=account.pk, on=DAY, cause="x").status == "closed"


def test_arrears_agree_with_the_run(org):
    """Unallocated money and open credit notes count, as in the run's position table."""
    account = make_account(org)
    make_invoice(account, 8000, DAY - timedelta(days=10))
    make_invoice(account, 3000, DAY + timedelta(days=10))  # not yet due: not arrears
    make_invoice(account, 1500, DAY, kind=InvoiceKind.CREDIT_NOTE)
    make_payment(account, 1000, DAY)  # not allocated yet
    assert account_arrears(account_id=account.pk, on=DAY) == (5500, DAY - timedelta(days=10))
    allocate_accounts([account.pk])
    assert account_arrears(account_id=account.pk, on=DAY)[0] == 5500
    daily_run(organisation=org, run_date=DAY)
    assert Case.objects.get().arrears_cents == 5500
