"""Import + reconciliation on a real database: the five rules, idempotence, dry run, CLI."""

from __future__ import annotations

import io
from datetime import date

from django.core.management import CommandError, call_command

import pytest

from vangnet.banking import services
from vangnet.banking.constants import EntryStatus, MatchRule
from vangnet.banking.models import Statement, StatementEntry
from vangnet.banking.services import statement_import
from vangnet.ledger.models import Allocation, Invoice, Payment
from vangnet.simulation.camt import StatementPayment, write_camt053
from vangnet.simulation.water import betalingskenmerk

from ..ledger.factories import make_account, make_invoice
from .conftest import DAY

pytestmark = pytest.mark.django_db

KNOWN_IBAN = "NL91ABNA0417164300"
SHARED_IBAN = "NL20INGB0001234567"
STRANGER_IBAN = "NL39RABO0300065264"


@pytest.fixture
def ledger(organisation):
    """Five accounts with open invoices; A and (D, E) have paid before from known IBANs."""
    a = make_account(organisation, number="10000001")
    b = make_account(organisation, number="10000002")
    c = make_account(organisation, number="10000003")
    d = make_account(organisation, number="10000004")
    e = make_account(organisation, number="10000005")
    inv = {
        "a1": make_invoice(
            a,
            2500,
            date(2025, 5, 15),
            number="V202505000001",
            payment_reference=betalingskenmerk("100000001202505"),
        ),
        "a2": make_invoice(
            a,
            2500,
            date(2025, 6, 15),
            number="V202506000001",
            payment_reference=betalingskenmerk("100000001202506"),
        ),
        "b1": make_invoice(
            b,
            3100,
            date(2025, 6, 15),
            number="V202506000002",
            payment_reference=betalingskenmerk("100000002202506"),
        ),
        "c1": make_invoice(
            c,
            1800,
            date(2025, 6, 15),
            number="V202506000003",
            payment_reference=betalingskenmerk("100000003202506"),
        ),
        "d1": make_invoice(
            d,
            4200,
            date(2025, 6, 15),
            number="V202506000004",
            payment_reference=betalingskenmerk("100000004202506"),
        ),
        "e1": make_invoice(
            e,
            3900,
            date(2025, 6, 15),
            number="V202506000005",
            payment_reference=betalingskenmerk("100000005202506"),
        ),
    }
    # Earlier payments (fully allocated elsewhere) teach the payer IBANs.
    for account, iban, ref in (
        (a, KNOWN_IBAN, "OLD-A"),
        (d, SHARED_IBAN, "OLD-D"),
        (e, SHARED_IBAN, "OLD-E"),
    ):
        Payment.objects.create(
            organisation=organisation,
            account=account,
            booked_on=date(2025, 1, 5),
            amount_cents=100,
            unallocated_cents=0,
            reference=ref,
            payer_iban=iban,
        )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, **inv}


def _payments(ledger) -> list[StatementPayment]:
    kenmerk_c = ledger["c1"].payment_reference
    spaced = " ".join(kenmerk_c[i : i + 4] for i in range(0, 16, 4))
    return [
        StatementPayment(
            2500,
            DAY,
            "J. Jansen",
            STRANGER_IBAN,
            structured_reference=ledger["a2"].payment_reference,
            bank_reference="R1",
        ),
        StatementPayment(
            3100,
            DAY,
            "P. Bakker",
            STRANGER_IBAN,
            remittance="Factuur v202506000002 juni",
            bank_reference="R2",
        ),
        StatementPayment(
            1000,
            DAY,
            "K. Smit",
            STRANGER_IBAN,
            remittance="klantnr. 10000003 water",
            bank_reference="R3",
        ),
        StatementPayment(
            2500, DAY, "J. Jansen", KNOWN_IBAN, remittance="water", bank_reference="R4"
        ),
        StatementPayment(
            1800,
            DAY,
            "K. Smit",
            STRANGER_IBAN,
            remittance=f"betalingskenmerk {spaced}",
            bank_reference="R5",
        ),
        StatementPayment(
            3900, DAY, "Bewindvoering Oost", SHARED_IBAN, remittance="", bank_reference="R6"
        ),
        StatementPayment(
            1234, DAY, "Onbekend", "NL44RABO0123456789", remittance="Gift", bank_reference="R7"
        ),
        StatementPayment(
            2700,
            DAY,
            "J. de Vries",
            KNOWN_IBAN,
            end_to_end_id="WBV-COLL-1",
            return_reason="AM04",
            bank_reference="R8",
        ),
    ]


@pytest.fixture
def statement_file(tmp_path, ledger):
    path = tmp_path / "afschrift.xml"
    write_camt053(
        _payments(ledger), path, account_iban="NL02ABNA0123456789", statement_id="STMT-2025-06-10"
    )
    return path


def _entries() -> dict[str, StatementEntry]:
    return {e.account_servicer_reference: e for e in StatementEntry.objects.all()}


def test_each_rule_matches_and_books_payments(organisation, ledger, statement_file):
    result = statement_import(organisation=organisation, source=statement_file)

    entries = _entries()
    expect = {
        "R1": (ledger["a"], MatchRule.REFERENCE, ledger["a2"]),
        "R2": (ledger["b"], MatchRule.INVOICE_NUMBER, ledger["b1"]),
        "R3": (ledger["c"], MatchRule.CUSTOMER_NUMBER, None),
        "R4": (ledger["a"], MatchRule.IBAN, None),
        "R5": (ledger["c"], MatchRule.REFERENCE, ledger["c1"]),
        "R6": (ledger["e"], MatchRule.AMOUNT, ledger["e1"]),
    }
    for ref, (account, rule, invoice) in expect.items():
        entry = entries[ref]
        assert (entry.status, entry.account_id, entry.match_rule) == (
            EntryStatus.MATCHED,
            account.pk,
            rule,
        ), ref
        if invoice is not None:
            assert entry.invoice_id == invoice.pk, ref
        assert entry.payment.reference == entry.entry_key
        assert entry.payment.amount_cents == entry.amount_cents
        assert entry.payment.source == "bank_transfer"
    # Two open invoices of 25,00 on A: no invoice is guessed; allocation takes the oldest.
    assert entries["R4"].invoice_id is None
    assert entries["R1"].payment.invoice_reference == ledger["a2"].payment_reference
    assert entries["R1"].payment.payer_iban == STRANGER_IBAN
    assert entries["R7"].status == EntryStatus.UNMATCHED
    assert entries["R8"].status == EntryStatus.RETURNED
    assert entries["R8"].return_reason == "AM04"
    assert entries["R8"].end_to_end_id == "WBV-COLL-1"

    assert result.credits == 7
    assert result.matched == 6
    assert result.summary == "matched 6 of 7 entries"
    assert result.payments_created == 6
    # Allocated at once: R1 pays a2 by reference, R4 pays the oldest (a1).
    for key in ("a1", "a2", "b1", "c1", "e1"):
        ledger[key].refresh_from_db()
    assert ledger["a1"].open_amount_cents == 0
    assert ledger["a2"].open_amount_cents == 0
    assert ledger["b1"].open_amount_cents == 0
    assert ledger["c1"].open_amount_cents == 0  # 1000 + 1800 over 1800 open: 1000 left over
    assert ledger["e1"].open_amount_cents == 0
    statement = Statement.objects.get()
    assert (
        statement.entry_count,
        statement.matched_count,
        statement.unmatched_count,
        statement.returned_count,
    ) == (8, 6, 1, 1)
    assert statement.file_hash and len(statement.file_hash) == 64


def test_returned_debit_is_registered_or_waits(organisation, ledger, statement_file):
    result = statement_import(organisation=organisation, source=statement_file)
    try:
        from vangnet.banking.directdebit.services import debit_return_register  # noqa: F401
    except ImportError:
        assert result.returns.waiting == 1
        assert "waiting" in result.returns.how
        assert StatementEntry.objects.get(status="returned").return_registered_at is None
    else:
        assert result.returns.registered + result.returns.waiting == 1


def test_reimport_changes_nothing(organisation, ledger, statement_file):
    first = statement_import(organisation=organisation, source=statement_file)
    counts = (
        StatementEntry.objects.count(),
        Payment.objects.count(),
        Allocation.objects.count(),
        Statement.objects.count(),
    )
    opens = list(Invoice.objects.order_by("id").values_list("open_amount_cents", flat=True))
    second = statement_import(organisation=organisation, source=statement_file)
    assert (
        StatementEntry.objects.count(),
        Payment.objects.count(),
        Allocation.objects.count(),
        Statement.objects.count(),
    ) == counts
    assert list(Invoice.objects.order_by("id").values_list("open_amount_cents", flat=True)) == opens
    assert second.new == 0 and second.already_imported == first.entries == 8
    assert second.summary == first.summary
    assert second.payments_created == 0 and second.allocations == 0


def test_dry_run_writes_nothing(organisation, ledger, statement_file):
    result = statement_import(organisation=organisation, source=statement_file, dry_run=True)
    assert result.summary == "matched 6 of 7 entries"
    assert StatementEntry.objects.count() == 0
    assert Statement.objects.count() == 0
    assert Payment.objects.count() == 3  # only the fixture's earlier payments


def test_a_crash_mid_run_can_be_rerun(organisation, ledger, statement_file, monkeypatch):
    real = services.reconcile
    calls = {"n": 0}

    def failing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "reconcile", failing)
    with pytest.raises(RuntimeError):
        statement_import(organisation=organisation, source=statement_file, batch_size=3)
    assert StatementEntry.objects.count() == 3  # the first batch was committed
    monkeypatch.setattr(services, "reconcile", real)
    result = statement_import(organisation=organisation, source=statement_file, batch_size=3)
    assert result.already_imported == 3 and result.new == 5
    assert result.summary == "matched 6 of 7 entries"
    assert (
        Payment.objects.filter(source="bank_transfer").exclude(reference__startswith="OLD").count()
        == 6
    )
    ledger["a1"].refresh_from_db()
    assert ledger["a1"].open_amount_cents == 0


def test_duplicate_entry_in_one_file_is_reported(organisation, ledger, tmp_path):
    path = tmp_path / "dup.xml"
    twice = [
        StatementPayment(100, DAY, "X", STRANGER_IBAN, remittance="x", bank_reference="SAME")
    ] * 2
    write_camt053(twice, path, account_iban="NL02ABNA0123456789", statement_id="S")
    result = statement_import(organisation=organisation, source=path)
    assert result.new == 1
    (problem,) = result.problems
    assert problem.position.startswith("entry 2 (line ")
    assert "duplicate" in problem.en


MT940_ING = """:20:P250610000000001
:25:NL02ABNA0123456789
:28C:00161
:60F:C250609EUR1000,00
:61:2506100610C25,00NTRFNONREF//2506100001
/TRCD/00100/
:86:/EREF/NOTPROVIDED//CNTP/NL91ABNA0417164300/ABNANL2A/J. Jansen/AMSTERDAM//REMI/STRD/
CUR/{ref}/
:61:2506100610C31,00NTRFNONREF//2506100002
:86:/EREF/NOTPROVIDED//CNTP/NL39RABO0300065264/RABONL2U/P. Bakker///REMI/USTD//factuur V2
02506000002/
:62F:C250610EUR1056,00
"""


def test_mt940_statement_is_reconciled_the_same_way(organisation, ledger, tmp_path):
    path = tmp_path / "ing.sta"
    path.write_text(MT940_ING.format(ref=ledger["a2"].payment_reference))
    result = statement_import(organisation=organisation, source=path)
    assert result.version == "mt940"
    assert result.summary == "matched 2 of 2 entries"
    rules = set(StatementEntry.objects.values_list("match_rule", flat=True))
    assert rules == {MatchRule.REFERENCE, MatchRule.INVOICE_NUMBER}


def test_cli_prints_problems_and_the_summary_last(organisation, ledger, statement_file):
    out = io.StringIO()
    call_command("bank", "import", str(statement_file), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "matched 6 of 7 entries"
    assert any("8 entries (8 new, 0 already imported)" in line for line in lines)
    again = io.StringIO()
    call_command("bank", "import", str(statement_file), "--dry-run", stdout=again)
    assert again.getvalue().strip().splitlines()[-1] == "matched 6 of 7 entries"
    assert "0 new, 8 already imported" in again.getvalue()


def test_cli_refuses_an_unknown_file(organisation, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("datum;bedrag\n")
    with pytest.raises(CommandError, match="unknown file format") as exc:
        call_command("bank", "import", str(path))
    assert exc.value.returncode == 2
    assert StatementEntry.objects.count() == 0


def test_paid_case_is_reevaluated_and_closed(organisation, ledger, statement_file):
    from vangnet.strategy.constants import CaseStatus
    from vangnet.strategy.models import Case

    case = Case.objects.create(
        organisation=organisation,
        account=ledger["b"],
        status=CaseStatus.OPEN,
        opened_on=date(2025, 6, 1),
        arrears_cents=3100,
    )
    untouched = Case.objects.create(
        organisation=organisation,
        account=ledger["d"],
        status=CaseStatus.OPEN,
        opened_on=date(2025, 6, 1),
        arrears_cents=4200,
    )
    result = statement_import(organisation=organisation, source=statement_file)
    assert "case_reevaluate" in result.reevaluation
    assert result.reevaluated == 1  # only B has a case and a new payment
    case.refresh_from_db()
    untouched.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.arrears_cents == 0
    assert untouched.status == CaseStatus.OPEN
    assert case.events.filter(text__contains="bankafschrift").exists()
