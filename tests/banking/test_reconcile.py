"""Reconciliation rules in isolation: check digits, tokens, and never guessing."""

from __future__ import annotations

from datetime import date

import pytest

from vangnet.banking.models import StatementEntry
from vangnet.banking.reconcile import is_valid_betalingskenmerk, reconcile, tokens_of
from vangnet.ledger.models import Payment
from vangnet.simulation.water import betalingskenmerk

from ..ledger.factories import make_account, make_invoice


def test_betalingskenmerk_check_digit():
    good = betalingskenmerk("100000001202506")
    assert is_valid_betalingskenmerk(good)
    wrong = str((int(good[0]) + 1) % 10) + good[1:]
    assert not is_valid_betalingskenmerk(wrong)
    assert not is_valid_betalingskenmerk(good[:-1])


def test_tokens_ignore_short_numbers_and_keep_invoice_like_words():
    assert tokens_of("Factuur v2025-0012, klantnr: 10000003 juni 2025 nr 12") == [
        "V2025-0012",
        "10000003",
    ]


def _entry(**kwargs) -> StatementEntry:
    values = {"amount_cents": 1000, "creditor_reference": "", "remittance": "", "party_iban": ""}
    values.update(kwargs)
    return StatementEntry(**values)


@pytest.mark.django_db
def test_ambiguous_keys_are_never_guessed(organisation):
    a = make_account(organisation, number="20000001")
    b = make_account(organisation, number="20000002")
    make_invoice(a, 1500, date(2025, 6, 1), number="V-A-00001")
    make_invoice(b, 1500, date(2025, 6, 1), number="V-B-00001")
    for account, ref in ((a, "P1"), (b, "P2")):
        Payment.objects.create(
            organisation=organisation,
            account=account,
            reference=ref,
            booked_on=date(2025, 1, 1),
            amount_cents=100,
            payer_iban="NL20INGB0001234567",
        )
    results = reconcile(
        organisation_id=organisation.pk,
        entries=[
            # Shared IBAN, amount fits an open invoice on both accounts: unmatched.
            _entry(amount_cents=1500, party_iban="NL20INGB0001234567"),
            # Two invoice numbers of two accounts in one text: unmatched.
            _entry(remittance="V-A-00001 en V-B-00001", amount_cents=3000),
            # A number that is no invoice, customer or contract: unmatched.
            _entry(remittance="ordernummer 99999999"),
        ],
    )
    assert results == [None, None, None]


@pytest.mark.django_db
def test_other_organisations_invoices_are_not_matched(organisation):
    from vangnet.parties.models import Organisation

    other = Organisation.objects.create(name="Ander", slug="ander")
    theirs = make_account(other, number="30000001")
    ref = betalingskenmerk("300000001202506")
    make_invoice(theirs, 1000, date(2025, 6, 1), number="X-000001", payment_reference=ref)
    (result,) = reconcile(organisation_id=organisation.pk, entries=[_entry(creditor_reference=ref)])
    assert result is None
