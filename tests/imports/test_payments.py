"""Payment import: IBAN and amount validation, allocation, refusing changed amounts."""

from __future__ import annotations

from datetime import date

from vangnet.imports.runner import run_import
from vangnet.ledger.models import Invoice, Payment

HEADER = "bankreferentie;contractnummer;boekdatum;bedrag;factuurverwijzing;iban;naam betaler\n"


def _import(path, organisation, **kw):
    return run_import(kind="payments", path=path, organisation=organisation, **kw)


def _invoice(organisation, account, number, cents, due):
    return Invoice.objects.create(
        organisation=organisation,
        account=account,
        number=number,
        issue_date=due,
        due_date=due,
        amount_cents=cents,
        open_amount_cents=cents,
    )


def test_payments_are_imported_and_allocated(write, organisation, accounts):
    _invoice(organisation, accounts["A1"], "F1", 5000, date(2026, 1, 1))
    _invoice(organisation, accounts["A1"], "F2", 5000, date(2026, 2, 1))
    path = write(
        "p.csv",
        HEADER
        + "B1;A1;2026-02-10;30,00;F2;NL91 ABNA 0417 1643 00;J. de Vries\n"
        + "B2;K2;10-02-2026;5;;;\n",  # customer number with one account
    )
    result = _import(path, organisation)
    assert result.summary() == "imported 2, updated 0, unchanged 0, rejected 0"
    assert Invoice.objects.get(number="F2").open_amount_cents == 2000  # reference wins
    assert Invoice.objects.get(number="F1").open_amount_cents == 5000
    b1 = Payment.objects.get(reference="B1")
    assert b1.payer_iban == "NL91ABNA0417164300"
    assert b1.unallocated_cents == 0
    assert Payment.objects.get(reference="B2").account == accounts["A2"]
    assert _import(path, organisation).summary() == "imported 0, updated 0, unchanged 2, rejected 0"


def test_invalid_iban_amount_and_date_are_rejected(write, organisation, accounts):
    path = write(
        "p.csv",
        HEADER
        + "B1;A1;2026-02-10;30,00;;NL91ABNA0417164301;\n"  # line 2 IBAN checksum
        + "B2;A1;2026-02-10;0;;;\n"  # line 3 zero
        + "B3;A1;2026-02-10;-4;;;\n"  # line 4 negative
        + "B4;A1;2026-13-10;4;;;\n"  # line 5 date
        + "B5;A1;2026-02-10;4;;;\n",  # line 6 ok
    )
    result = _import(path, organisation)
    assert result.summary() == "imported 1, updated 0, unchanged 0, rejected 4"
    assert [(r.line, r.column, r.code) for r in result.rejections] == [
        (2, "iban", "iban"),
        (3, "bedrag", "amount"),
        (4, "bedrag", "amount"),
        (5, "boekdatum", "date"),
    ]
    assert list(Payment.objects.values_list("reference", flat=True)) == ["B5"]


def test_changed_amount_is_rejected_other_fields_update(write, organisation, accounts):
    _invoice(organisation, accounts["A1"], "F1", 5000, date(2026, 1, 1))
    _import(write("a.csv", HEADER + "B1;A1;2026-02-10;30;;;\n"), organisation)
    result = _import(write("b.csv", HEADER + "B1;A1;2026-02-10;35;;;Piet\n"), organisation)
    assert result.rejected == 1
    assert result.rejections[0].code == "amount_changed"
    assert "storno" in result.rejections[0].reason_nl
    assert Payment.objects.get(reference="B1").amount_cents == 3000
    result = _import(write("c.csv", HEADER + "B1;A1;2026-02-10;30;;;Piet\n"), organisation)
    assert result.summary() == "imported 0, updated 1, unchanged 0, rejected 0"
    assert Payment.objects.get(reference="B1").payer_name == "Piet"


def test_customer_with_several_accounts_is_ambiguous(write, organisation, accounts):
    from vangnet.ledger.models import Account

    Account.objects.create(organisation=organisation, customer=accounts["A1"].customer, number="A9")
    result = _import(
        write("p.csv", HEADER + "B1;K1;2026-02-10;30;;;\nB2;NIEMAND;2026-02-10;1;;;\n"),
        organisation,
    )
    assert [(r.code, r.column) for r in result.rejections] == [
        ("ambiguous_account", "contractnummer"),
        ("unknown_account", "contractnummer"),
    ]
    assert not Payment.objects.exists()
