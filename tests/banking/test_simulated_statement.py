"""The simulator's CAMT.053: valid against the official XSDs, and importable end to end."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

from django.core.management import call_command

import pytest
from lxml import etree

from vangnet.banking.camt053 import CamtReader
from vangnet.banking.safexml import open_source
from vangnet.simulation.camt import PayableInvoice, StatementPayment, plan_payments, write_camt053

from .conftest import CAMT

DAY = date(2025, 6, 10)


def _invoices(n: int) -> list[PayableInvoice]:
    return [
        PayableInvoice(
            number=f"V202506{i:08d}",
            payment_reference=f"{i:016d}",
            customer_number=f"{10_000_000 + i:08d}",
            amount_cents=2000 + i,
            payer_name=f"A. van der Berg-{i} & Zn <test>",
            known_iban="NL91ABNA0417164300" if i % 2 else "",
        )
        for i in range(n)
    ]


def _payments() -> list[StatementPayment]:
    payments = plan_payments(_invoices(200), booked_on=DAY, seed=3)
    payments.append(
        StatementPayment(
            2700,
            DAY,
            "J. de Vries",
            "NL91ABNA0417164300",
            end_to_end_id="WBV00000012-003",
            return_reason="AM04",
            bank_reference="RTR1",
        )
    )
    return payments


@pytest.mark.parametrize("version", ["001.02", "001.08"])
def test_written_statement_is_valid_against_the_xsd(tmp_path, version):
    path = tmp_path / f"sim-{version}.xml"
    write_camt053(
        _payments(), path, account_iban="NL02ABNA0123456789", statement_id="SIM-1", version=version
    )
    schema = etree.XMLSchema(etree.parse(str(CAMT / "xsd" / f"camt.053.{version}.xsd")))
    document = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    assert schema.validate(document), schema.error_log.last_error


@pytest.mark.parametrize("version", ["001.02", "001.08"])
def test_written_statement_reads_back(tmp_path, version):
    payments = _payments()
    path = tmp_path / "sim.xml"
    write_camt053(
        payments, path, account_iban="NL02ABNA0123456789", statement_id="SIM-1", version=version
    )
    entries = list(CamtReader(open_source(path)))
    assert len(entries) == len(payments)
    for got, sent in zip(entries, payments, strict=True):
        assert got.cents == sent.amount_cents
        assert got.creditor_reference == sent.structured_reference
        assert got.remittance == sent.remittance
        assert got.party_iban == sent.payer_iban
        assert got.party_name == sent.payer_name
        assert got.return_reason == sent.return_reason
        assert got.direction == ("debit" if sent.return_reason else "credit")


def test_remittance_variety_has_the_intended_shares():
    payments = plan_payments(_invoices(4000), booked_on=DAY, seed=5)
    kinds = Counter(
        "structured"
        if p.structured_reference
        else "text"
        if any(
            w in p.remittance
            for w in ("Factuur V", "factuurnr", "lantnummer", "klantnr. ", "Betaling 1")
        )
        or p.remittance.startswith("V2025")
        else "other"
        for p in payments
    )
    assert 0.66 < kinds["structured"] / 4000 < 0.74
    assert 0.16 < kinds["text"] / 4000 < 0.24
    assert len({p.bank_reference for p in payments}) == 4000


@pytest.mark.django_db
def test_demo_statement_command_round_trip(organisation, tmp_path):
    """A simulated ledger, a statement of its open invoices, imported: mostly matched."""
    from vangnet.simulation.generator import Horizon
    from vangnet.simulation.loader import population_load

    population_load(
        organisation=organisation,
        households=300,
        horizon=Horizon(today=DAY, months=6),
        seed=11,
        chunk_size=300,
    )
    path = tmp_path / "demo.xml"
    out = io.StringIO()
    call_command(
        "simulate_statement",
        "--out",
        str(path),
        "--count",
        "200",
        "--returns",
        "2",
        "--date",
        "2025-06-11",
        stdout=out,
    )
    assert "wrote 202 entries" in out.getvalue()
    result = io.StringIO()
    call_command("bank", "import", str(path), stdout=result)
    last = result.getvalue().strip().splitlines()[-1]
    matched, _, total, _ = last.removeprefix("matched ").split(" ", 3)
    assert int(total) == 200
    assert int(matched) / int(total) >= 0.9
