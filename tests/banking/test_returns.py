"""Returned direct debits on a statement reach the direct-debit app (real, not a stub)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.banking.directdebit.conftest import account, invoice_for, mandate, profile  # noqa: F401
from vangnet.banking.constants import EntryStatus
from vangnet.banking.directdebit.models import Collection
from vangnet.banking.directdebit.services import (
    batch_export,
    collections_schedule_open_invoices,
    collections_settle,
)
from vangnet.banking.models import StatementEntry
from vangnet.banking.services import statement_import
from vangnet.ledger.models import Payment
from vangnet.simulation.camt import StatementPayment, write_camt053

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 16)
RETURNED = date(2026, 11, 19)


@pytest.fixture
def collected(mandate, account, tmp_path):  # noqa: F811
    from tests.banking.directdebit.conftest import TODAY

    inv = invoice_for(account, 2350, due=date(2026, 11, 1), number="V202611")
    collections_schedule_open_invoices(organisation_id=account.organisation_id, on=TODAY)
    batch_export(
        organisation_id=account.organisation_id, collection_date=DAY, out=tmp_path / "b.xml"
    )
    collections_settle(organisation_id=account.organisation_id, on=DAY)
    return Collection.objects.get(invoice=inv)


def _statement(tmp_path, *payments):
    path = tmp_path / "returns.xml"
    write_camt053(list(payments), path, account_iban="NL02ABNA0123456789", statement_id="R-1")
    return path


def test_returned_debit_is_registered_once(organisation, collected, tmp_path):
    path = _statement(
        tmp_path,
        StatementPayment(
            2350,
            RETURNED,
            "J. Jansen",
            "NL91ABNA0417164300",
            end_to_end_id=collected.end_to_end_id,
            return_reason="AM04",
            bank_reference="RTR-1",
        ),
    )
    result = statement_import(organisation=organisation, source=path)
    assert (result.returns.registered, result.returns.waiting) == (1, 0)
    collected.refresh_from_db()
    assert (collected.status, collected.return_reason) == ("returned", "AM04")
    payment = Payment.objects.get(reference=collected.end_to_end_id)
    assert payment.reversed_on == RETURNED
    entry = StatementEntry.objects.get()
    assert entry.status == EntryStatus.RETURNED and entry.return_registered_at is not None
    again = statement_import(organisation=organisation, source=path)
    assert again.new == 0 and again.returns.registered == 0


def test_unknown_return_waits_with_a_reason(organisation, collected, tmp_path):
    path = _statement(
        tmp_path,
        StatementPayment(
            999,
            RETURNED,
            "X",
            "NL91ABNA0417164300",
            end_to_end_id="NOT-OURS-1",
            return_reason="AM04",
            bank_reference="RTR-2",
        ),
    )
    result = statement_import(organisation=organisation, source=path)
    assert (result.returns.registered, result.returns.waiting) == (0, 1)
    (problem,) = result.returns.problems
    assert "NOT-OURS-1" in problem
    assert StatementEntry.objects.get().return_registered_at is None
