"""Returned debits: reversal, plain-Dutch timeline, policy per reason code, idempotency."""

from __future__ import annotations

from datetime import date

import pytest

from tests.banking.directdebit.conftest import TODAY, invoice_for, open_case
from vangnet.banking.directdebit.constants import CollectionStatus, MandateStatus
from vangnet.banking.directdebit.models import Collection
from vangnet.banking.directdebit.services import (
    batch_export,
    collection_schedule,
    collections_schedule_open_invoices,
    collections_settle,
    debit_return_register,
    returns_import_csv,
)
from vangnet.core.errors import Invalid
from vangnet.core.models import AuditEvent
from vangnet.ledger.models import Payment
from vangnet.strategy.models import CaseEvent

DAY = date(2026, 11, 16)
RETURNED = date(2026, 11, 19)


@pytest.fixture
def collected(mandate, account, tmp_path):
    """An invoice collected on DAY and settled: the situation a return arrives in."""
    inv = invoice_for(account, 2350, due=date(2026, 11, 1), number="V202611")
    collections_schedule_open_invoices(organisation_id=account.organisation_id, on=TODAY)
    batch_export(
        organisation_id=account.organisation_id, collection_date=DAY, out=tmp_path / "b.xml"
    )
    collections_settle(organisation_id=account.organisation_id, on=DAY)
    inv.refresh_from_db()
    assert inv.open_amount_cents == 0
    return Collection.objects.get(invoice=inv)


def register(c: Collection, code: str, on: date = RETURNED, **kw) -> Collection:
    return debit_return_register(
        organisation_id=c.organisation_id,
        end_to_end_id=c.end_to_end_id,
        reason_code=code,
        returned_on=on,
        **kw,
    )


def test_am04_reverses_represents_once_and_signals_money_trouble(collected, account):
    case = open_case(account)
    c = register(collected, "AM04", amount_cents=2350, source="camt053:1")
    assert (c.status, c.return_reason, c.returned_on) == ("returned", "AM04", RETURNED)
    pay = Payment.objects.get(reference=c.end_to_end_id)
    assert (pay.reversed_on, pay.reversal_reason) == (RETURNED, "AM04")
    assert c.invoice.__class__.objects.get(pk=c.invoice_id).open_amount_cents == 2350
    again = Collection.objects.get(represents=c)
    # The customer's next collection day (15th) at least 14 days after the return.
    assert again.collection_date == date(2026, 12, 15)
    assert (again.status, again.amount_cents, again.invoice_id) == ("scheduled", 2350, c.invoice_id)
    events = {e.cause: e for e in CaseEvent.objects.filter(case=case)}
    assert "onvoldoende saldo — signaal van geldzorgen, geen onwil" in events["debit_returned"].text
    assert "15-12-2026" in events["debit_returned"].text
    assert events["debit_returned"].details["reason_code"] == "AM04"
    assert events["geldzorgen-signaal"].details["reason_code"] == "AM04"
    # A returned FRST is no first success: the mandate stays FRST.
    c.mandate.refresh_from_db()
    assert c.mandate.sequence_type == "FRST"


def test_same_return_twice_changes_nothing(collected, account):
    open_case(account)
    register(collected, "AM04")
    n_events, n_collections = CaseEvent.objects.count(), Collection.objects.count()
    register(collected, "AM04", on=date(2026, 11, 20))
    assert (CaseEvent.objects.count(), Collection.objects.count()) == (n_events, n_collections)
    with pytest.raises(Invalid) as exc:
        register(collected, "MD06")
    assert exc.value.code == "return_conflict"


def test_a_returned_representment_is_not_tried_a_third_time(collected, account, tmp_path):
    case = open_case(account)
    first = register(collected, "AM04")
    again = Collection.objects.get(represents=first)
    batch_export(
        organisation_id=account.organisation_id,
        collection_date=again.collection_date,
        out=tmp_path / "again.xml",
    )
    register(again, "AM04", on=date(2026, 12, 18))
    assert not Collection.objects.filter(represents=again).exists()
    assert CaseEvent.objects.filter(case=case, cause="debit_contact_needed").count() == 1
    # And the invoice is not picked up again by the open-invoice schedule.
    assert (
        collections_schedule_open_invoices(
            organisation_id=account.organisation_id, on=date(2026, 12, 20)
        )
        == 0
    )


def test_md06_no_representment_but_contact(collected, account):
    case = open_case(account)
    register(collected, "MD06")
    assert Collection.objects.filter(status=CollectionStatus.SCHEDULED).count() == 0
    causes = set(CaseEvent.objects.filter(case=case).values_list("cause", flat=True))
    assert causes == {"debit_returned", "debit_contact_needed"}
    text = CaseEvent.objects.get(case=case, cause="debit_returned").text
    assert "terugboeking door klant" in text
    assert (
        collections_schedule_open_invoices(
            organisation_id=account.organisation_id, on=date(2026, 11, 20)
        )
        == 0
    )


def test_ac04_voids_the_mandate_and_asks_for_a_new_account(collected, account, mandate):
    case = open_case(account)
    other = collection_schedule(
        mandate=mandate,
        amount_cents=1000,
        reference="PLAN-1",
        remittance="Termijn 1",
        earliest=date(2026, 12, 1),
        today=TODAY,
    )
    register(collected, "AC04")
    mandate.refresh_from_db()
    account.refresh_from_db()
    other.refresh_from_db()
    assert mandate.status == MandateStatus.VOID and "AC04" in mandate.status_reason
    assert other.status == CollectionStatus.CANCELLED
    assert account.sepa_mandate_reference == ""
    void = CaseEvent.objects.get(case=case, cause="mandate_void")
    assert "rekening opgeheven" in void.text and "nieuw rekeningnummer" in void.text


def test_without_a_case_the_return_goes_to_the_audit_log(collected):
    register(collected, "AM04")
    audit = AuditEvent.objects.get(action="directdebit_debit_returned")
    assert audit.details["reason_code"] == "AM04" and "geen onwil" in audit.summary


def test_a_return_before_the_settle_run_books_debit_and_return(mandate, account, tmp_path):
    inv = invoice_for(account, 2350, due=date(2026, 11, 1), number="V1")
    c = collection_schedule(
        mandate=mandate,
        amount_cents=2350,
        reference="V1",
        remittance="V1",
        earliest=TODAY,
        invoice=inv,
        today=TODAY,
    )
    batch_export(
        organisation_id=account.organisation_id, collection_date=DAY, out=tmp_path / "x.xml"
    )
    register(c, "MS02")
    pay = Payment.objects.get(reference=c.end_to_end_id)
    assert (pay.amount_cents, pay.reversal_reason, pay.allocations.count()) == (2350, "MS02", 0)
    inv.refresh_from_db()
    assert inv.open_amount_cents == 2350
    # Settling later does not book it again.
    collections_settle(organisation_id=account.organisation_id, on=DAY)
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    "code, change, error",
    [
        ("AM04", {"end_to_end_id": "NOPE"}, "return_unknown"),
        ("XX", {}, "reason_code"),
        ("AM04", {"amount_cents": 100}, "return_amount"),
    ],
)
def test_bad_returns_are_refused(collected, code, change, error):
    kwargs = dict(
        organisation_id=collected.organisation_id,
        end_to_end_id=collected.end_to_end_id,
        reason_code=code,
        returned_on=RETURNED,
    )
    kwargs.update(change)
    with pytest.raises(Invalid) as exc:
        debit_return_register(**kwargs)
    assert exc.value.code == error
    collected.refresh_from_db()
    assert collected.status == "settled"


def test_a_scheduled_collection_cannot_be_returned(mandate):
    c = collection_schedule(
        mandate=mandate,
        amount_cents=100,
        reference="S",
        remittance="s",
        earliest=TODAY,
        today=TODAY,
    )
    with pytest.raises(Invalid) as exc:
        register(c, "AM04")
    assert exc.value.code == "return_not_collected"


def test_returns_csv_with_per_line_errors_and_rerun(collected, tmp_path):
    path = tmp_path / "returns.csv"
    path.write_text(
        "end_to_end_id;reason_code;date;amount\n"
        f"{collected.end_to_end_id};AM04;2026-11-19;23,50\n"
        "UNKNOWN;AM04;2026-11-19;1,00\n"
        f"{collected.end_to_end_id};AM04;19-11-2026;23,50\n"
        f"{collected.end_to_end_id};AM04;2026-11-19;twee\n",
        encoding="utf-8",
    )
    report = returns_import_csv(organisation_id=collected.organisation_id, path=path)
    assert report.registered == 1
    assert [n for n, _ in report.errors] == [3, 4, 5]
    assert "Geen incasso" in report.errors[0][1] and "JJJJ-MM-DD" in report.errors[1][1]
    collected.refresh_from_db()
    assert (collected.status, collected.return_source) == ("returned", "returns.csv")
    again = returns_import_csv(organisation_id=collected.organisation_id, path=path)
    assert (again.registered, again.already_known) == (0, 1)
    assert Collection.objects.filter(represents=collected).count() == 1


def test_returns_csv_without_the_columns(collected, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,code\n1,AM04\n", encoding="utf-8")
    report = returns_import_csv(organisation_id=collected.organisation_id, path=path)
    assert report.errors == [(1, "kolommen ontbreken: end_to_end_id, reason_code, date")]
