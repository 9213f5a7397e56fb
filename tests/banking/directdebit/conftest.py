"""Direct-debit fixtures: a creditor profile, accounts with invoices, signed mandates.

Dates are fixed so collection days, weekends and TARGET2 holidays give the same answers
on any day the suite runs.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.ledger.factories import make_account, make_invoice
from vangnet.banking.directdebit.models import DirectDebitProfile, Mandate
from vangnet.banking.directdebit.services import mandate_sign
from vangnet.ledger.models import Account
from vangnet.strategy.models import Case

TODAY = date(2026, 11, 2)  # a Monday
# Real-format Dutch IBANs with valid check digits (public examples / eleven-test).
IBAN_ABN = "NL91ABNA0417164300"
IBAN_ING = "NL69INGB0123456789"
CREDITOR_ID = "NL69ZZZ123456780000"  # check digits computed by EPC262 (see test_validation)


@pytest.fixture
def profile(organisation) -> DirectDebitProfile:
    return DirectDebitProfile.objects.create(
        organisation=organisation,
        creditor_id=CREDITOR_ID,
        creditor_name="Waterbedrijf Test",
        iban="NL20INGB0001234567",
        bic="INGBNL2A",
    )


def sign(
    account: Account,
    *,
    day: int = 15,
    iban: str = IBAN_ABN,
    name: str = "J. Jansen",
    signed_on: date = date(2026, 1, 5),
) -> Mandate:
    return mandate_sign(
        account=account,
        iban=iban,
        holder_name=name,
        collection_day=day,
        signed_on=signed_on,
        channel="portal",
    )


def open_case(account: Account, on: date = TODAY) -> Case:
    return Case.objects.create(
        organisation_id=account.organisation_id, account=account, opened_on=on
    )


@pytest.fixture
def account(organisation) -> Account:
    return make_account(organisation)


@pytest.fixture
def mandate(profile, account) -> Mandate:
    return sign(account)


def invoice_for(account: Account, cents: int = 2350, due: date = TODAY, number: str | None = None):
    return make_invoice(account, cents, due, number=number)
