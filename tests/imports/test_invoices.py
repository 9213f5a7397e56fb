"""Invoice import: formats, validation, idempotency, updates, allocation, atomic batches."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from vangnet.imports import runner
from vangnet.imports.errors import BatchFailed, FileRefused
from vangnet.imports.runner import run_import
from vangnet.ledger.models import Allocation, Invoice, Payment

HEADER_NL = "factuurnummer;contractnummer;soort;factuurdatum;vervaldatum;bedrag;betalingskenmerk\n"
HEADER_EN = "invoice_number,account_number,kind,issue_date,due_date,amount,payment_reference\n"


def _import(path, organisation, **kw):
    return run_import(kind="invoices", path=path, organisation=organisation, **kw)


def test_dutch_headers_semicolon_decimal_comma(write, organisation, accounts):
    path = write(
        "f.csv",
        HEADER_NL
        + "F1;A1;factuur;31-01-2026;14-02-2026;1.234,56;KEN1\n"
        + "F2;A2;;2026-01-31;28/02/2026;12,5;\n",
    )
    result = _import(path, organisation)
    assert result.summary() == "imported 2, updated 0, unchanged 0, rejected 0"
    f1 = Invoice.objects.get(number="F1")
    assert (f1.amount_cents, f1.open_amount_cents, f1.kind) == (123456, 123456, "invoice")
    assert f1.issue_date == date(2026, 1, 31) and f1.due_date == date(2026, 2, 14)
    assert Invoice.objects.get(number="F2").amount_cents == 1250


def test_english_headers_comma_decimal_point_and_bom(write, organisation, accounts):
    path = write(
        "f.csv",
        HEADER_EN
        + 'F1,A1,invoice,2026-01-31,2026-02-14,"1,234.56",\nF2,A3,,2026-01-31,2026-02-14,7.10,\n',
        bom=True,
    )
    result = _import(path, organisation)
    assert result.summary() == "imported 2, updated 0, unchanged 0, rejected 0"
    assert Invoice.objects.get(number="F1").amount_cents == 123456
    assert Invoice.objects.get(number="F2").amount_cents == 710


def test_tab_delimited(write, organisation, accounts):
    path = write("f.tsv", HEADER_EN.replace(",", "\t") + "F1\tA1\t\t2026-01-31\t2026-02-14\t5\t\n")
    assert _import(path, organisation).imported == 1


def test_reimport_is_a_noop(write, organisation, accounts):
    path = write(
        "f.csv",
        HEADER_NL + "F1;A1;;2026-01-01;2026-01-15;10,00;\nF2;A2;;2026-01-01;2026-01-15;20;\n",
    )
    _import(path, organisation)
    before = list(Invoice.objects.order_by("id").values())
    result = _import(path, organisation)
    assert result.summary() == "imported 0, updated 0, unchanged 2, rejected 0"
    assert list(Invoice.objects.order_by("id").values()) == before


def test_bad_rows_are_rejected_with_line_and_column_and_valid_rows_survive(
    write, organisation, accounts
):
    path = write(
        "f.csv",
        HEADER_NL
        + "F1;A1;;2026-01-01;2026-01-15;10,00;\n"  # line 2 ok
        + "F2;A1;;31-02-2026;2026-01-15;10,00;\n"  # line 3 impossible date
        + "F3;A1;;2026-01-01;2026-01-15;tien euro;\n"  # line 4 amount
        + "F4;ONBEKEND;;2026-01-01;2026-01-15;10;\n"  # line 5 unknown account
        + "F1;A2;;2026-01-01;2026-01-15;10;\n"  # line 6 duplicate key
        + "F5;A1;;2026-01-01;2026-01-15;1,234;\n"  # line 7 three decimals
        + "F6;A1;onzin;2026-01-01;2026-01-15;1;\n"  # line 8 unknown kind
        + "F7;A2;;2026-01-01;2026-01-15;99,99;\n",  # line 9 ok
    )
    result = _import(path, organisation)
    assert result.summary() == "imported 2, updated 0, unchanged 0, rejected 6"
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["F1", "F7"]
    got = {(r.line, r.column, r.code) for r in result.rejections}
    assert got == {
        (3, "factuurdatum", "date"),
        (4, "bedrag", "amount"),
        (5, "contractnummer", "unknown_account"),
        (6, "factuurnummer", "duplicate"),
        (7, "bedrag", "amount"),
        (8, "soort", "choice"),
    }
    dup = next(r for r in result.rejections if r.code == "duplicate")
    assert "dubbel factuurnummer 'F1' (ook op regel 2)" in dup.reason_nl
    assert "also on line 2" in dup.reason_en


def test_missing_columns_refuse_the_whole_file(write, organisation, accounts):
    path = write("f.csv", "factuurnummer;contractnummer;bedrag\nF1;A1;10\n")
    with pytest.raises(FileRefused) as exc:
        _import(path, organisation)
    assert exc.value.code == "missing_columns"
    assert "issue_date (issue_date, factuurdatum" in exc.value.en
    assert "due_date" in exc.value.nl
    assert not Invoice.objects.exists()


def test_wrong_delimiter_refuses_the_file(write, organisation, accounts):
    path = write("f.csv", HEADER_NL.replace(";", "|") + "F1|A1||2026-01-01|2026-01-15|10|\n")
    with pytest.raises(FileRefused) as exc:
        _import(path, organisation)
    assert exc.value.code == "missing_columns"
    assert "scheidingsteken" in exc.value.nl
    assert not Invoice.objects.exists()


def test_dry_run_counts_but_writes_nothing(write, organisation, accounts):
    path = write(
        "f.csv", HEADER_NL + "F1;A1;;2026-01-01;2026-01-15;10;\nF2;XX;;2026-01-01;2026-01-15;1;\n"
    )
    result = _import(path, organisation, dry_run=True)
    assert result.summary() == "imported 1, updated 0, unchanged 0, rejected 1"
    assert not Invoice.objects.exists()


def test_changed_amount_keeps_allocations(write, organisation, accounts):
    _import(write("a.csv", HEADER_NL + "F1;A1;;2026-01-01;2026-01-15;100;\n"), organisation)
    Payment.objects.create(
        organisation=organisation,
        account=accounts["A1"],
        booked_on=date(2026, 1, 10),
        amount_cents=4000,
        unallocated_cents=4000,
        reference="P1",
    )
    from vangnet.ledger.allocation import allocate_accounts

    allocate_accounts([accounts["A1"].pk])
    assert Invoice.objects.get(number="F1").open_amount_cents == 6000

    result = _import(
        write("b.csv", HEADER_NL + "F1;A1;;2026-01-01;2026-01-15;120;\n"), organisation
    )
    assert result.summary() == "imported 0, updated 1, unchanged 0, rejected 0"
    invoice = Invoice.objects.get(number="F1")
    assert (invoice.amount_cents, invoice.open_amount_cents) == (12000, 8000)

    result = _import(write("c.csv", HEADER_NL + "F1;A1;;2026-01-01;2026-01-15;30;\n"), organisation)
    assert result.rejected == 1
    assert result.rejections[0].code == "below_allocated"
    assert result.rejections[0].column == "bedrag"
    assert Invoice.objects.get(number="F1").amount_cents == 12000


def test_credit_notes_are_allocated(write, organisation, accounts):
    path = write(
        "f.csv",
        HEADER_NL
        + "F1;A1;factuur;2026-01-01;2026-01-15;100;\n"
        + "C1;A1;creditnota;2026-01-05;2026-01-05;30;\n"
        + "C2;A1;;2026-01-06;2026-01-06;-20;\n",  # negative, no kind: a credit note
    )
    result = _import(path, organisation)
    assert result.summary() == "imported 3, updated 0, unchanged 0, rejected 0"
    assert Invoice.objects.get(number="C2").kind == "credit_note"
    assert Invoice.objects.get(number="F1").open_amount_cents == 5000
    assert Allocation.objects.count() == 2
    assert _import(path, organisation).summary() == "imported 0, updated 0, unchanged 3, rejected 0"


def test_invoices_after_payments_meet_the_money(write, organisation, accounts):
    Payment.objects.create(
        organisation=organisation,
        account=accounts["A2"],
        booked_on=date(2026, 1, 1),
        amount_cents=500,
        unallocated_cents=500,
        reference="VOORUIT",
    )
    _import(write("f.csv", HEADER_NL + "F1;A2;;2026-01-01;2026-01-15;10;\n"), organisation)
    assert Invoice.objects.get(number="F1").open_amount_cents == 500


def test_a_failing_batch_is_rolled_back_and_earlier_batches_stay(
    write, organisation, accounts, monkeypatch
):
    """Let a negative amount slip past validation: the CHECK constraint fails mid-batch."""
    importer = runner.IMPORTERS["invoices"]
    monkeypatch.setitem(
        runner.IMPORTERS, "invoices", dataclasses.replace(importer, check_row=lambda values: [])
    )
    rows = [f"F{i};A1;factuur;2026-01-01;2026-01-15;10;\n" for i in range(1, 6)]
    rows.insert(4, "BAD;A1;factuur;2026-01-01;2026-01-15;-10;\n")  # in the second batch
    path = write("f.csv", HEADER_NL + "".join(rows))
    with pytest.raises(BatchFailed) as exc:
        _import(path, organisation, batch_size=3)
    assert exc.value.first_line == 5
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["F1", "F2", "F3"]


def test_xlsx_with_typed_cells(tmp_path, organisation, accounts):
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Factuurnummer", "Contractnummer", "Factuurdatum", "Vervaldatum", "Bedrag"])
    sheet.append([1001, "A1", dt.datetime(2026, 1, 31), dt.date(2026, 2, 14), 12.3])
    sheet.append(["F2", "A2", "31-01-2026", "2026-02-14", "1.000,01"])
    sheet.append(["F3", "A2", "gisteren", "2026-02-14", 1])
    path = tmp_path / "facturen.xlsx"
    workbook.save(path)
    result = _import(path, organisation)
    assert result.summary() == "imported 2, updated 0, unchanged 0, rejected 1"
    assert Invoice.objects.get(number="1001").amount_cents == 1230
    assert Invoice.objects.get(number="F2").amount_cents == 100001
    assert (result.rejections[0].line, result.rejections[0].column) == (4, "Factuurdatum")
    assert _import(path, organisation).unchanged == 2


def test_row_with_extra_cells_is_rejected(write, organisation, accounts):
    path = write(
        "f.csv",
        HEADER_NL + "F1;A1;;2026-01-01;2026-01-15;10;;\nF2;A1;;2026-01-01;2026-01-15;10;K;x;y\n",
    )
    result = _import(path, organisation)
    assert result.summary() == "imported 1, updated 0, unchanged 0, rejected 1"
    assert (result.rejections[0].line, result.rejections[0].code) == (3, "extra_cells")
