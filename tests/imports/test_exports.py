"""Exports re-import unchanged, for all three kinds."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from vangnet.imports.runner import run_import
from vangnet.ledger.models import Invoice, Payment

from .conftest import CUSTOMERS_NL

INVOICES = (
    "invoice_number;account_number;kind;issue_date;due_date;period_start;period_end;amount;"
    "payment_reference;description\n"
    'F1;C1;invoice;2026-01-01;2026-01-15;2025-12-01;2025-12-31;1234,56;KEN 1;"Water; december"\n'
    'F2;C2;credit_note;2026-01-02;2026-01-02;;;10;;"Correctie; ""meter"""\n'
    "F3;C3;;2026-01-03;2026-01-17;;;0,01;;\n"
)
PAYMENTS = (
    "reference;account_number;booked_on;amount;source;invoice_reference;payer_iban;payer_name\n"
    "P1;C1;2026-01-10;100,00;incasso;F1;NL91ABNA0417164300;J. de Vries\n"
    "P2;K2;2026-01-11;5;;;;\n"
)


def _export(kind, tmp_path, organisation):
    out = tmp_path / f"{kind}-export.csv"
    stdout = StringIO()
    call_command("export", kind, "--out", str(out), stdout=stdout)
    assert stdout.getvalue().startswith("exported ")
    return out


def test_round_trip_all_kinds(write, tmp_path, organisation):
    for kind, text in (("customers", CUSTOMERS_NL), ("invoices", INVOICES), ("payments", PAYMENTS)):
        result = run_import(kind=kind, path=write(f"{kind}.csv", text), organisation=organisation)
        assert result.rejected == 0, result.rejections
    assert Invoice.objects.get(number="F1").description == "Water; december"
    for kind, rows in (("customers", 3), ("invoices", 3), ("payments", 2)):
        exported = _export(kind, tmp_path, organisation)
        result = run_import(kind=kind, path=exported, organisation=organisation)
        assert result.summary() == f"imported 0, updated 0, unchanged {rows}, rejected 0", kind
    text = (tmp_path / "customers-export.csv").read_text(encoding="utf-8")
    assert "111222333" not in text  # no BSN in exports
    assert text.splitlines()[0].startswith("customer_number;account_number;kind;")
    assert Payment.objects.get(reference="P1").source == "direct_debit"
