"""Ledgers with an open case, and a local Mollie sandbox the real adapter talks to."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

import pytest

from tests.ledger.factories import make_account, make_invoice
from vangnet.ledger.models import Account
from vangnet.parties.models import Organisation
from vangnet.payments.contrib.mollie.sandbox import DEFAULT_KEY, MollieSandbox
from vangnet.strategy.models import Case


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def org(db) -> Organisation:
    return Organisation.objects.create(
        name="Waterbedrijf Test", slug="water-test", sector="drinking_water"
    )


def account_with_case(
    organisation: Organisation, *, overdue_cents: int = 5000, not_due_cents: int = 0
) -> Account:
    """An account with one overdue invoice (and optionally one not yet due) and an open case."""
    account = make_account(organisation)
    make_invoice(account, overdue_cents, today() - timedelta(days=20))
    if not_due_cents:
        make_invoice(account, not_due_cents, today() + timedelta(days=10))
    Case.objects.create(
        organisation=organisation,
        account=account,
        opened_on=today() - timedelta(days=5),
        arrears_cents=overdue_cents,
        next_step_on=today() + timedelta(days=2),
    )
    return account


@pytest.fixture
def account(org) -> Account:
    return account_with_case(org)


@pytest.fixture
def sandbox():
    with MollieSandbox(webhook_timeout=5) as server:
        yield server


@pytest.fixture
def mollie(settings, sandbox) -> MollieSandbox:
    """Payments go to the sandbox through the real Mollie adapter."""
    settings.VANGNET_PAYMENT_PROVIDER = "mollie"
    settings.MOLLIE_API_KEY = DEFAULT_KEY
    settings.MOLLIE_API_BASE_URL = sandbox.base_url
    settings.MOLLIE_TIMEOUT_SECONDS = 2
    return sandbox


@pytest.fixture
def testprovider(settings) -> None:
    settings.VANGNET_PAYMENT_PROVIDER = "testprovider"
