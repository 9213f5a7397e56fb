"""MT940 via mt-940 against the jejik/mt940 corpus, and the Dutch ``:86:`` dialects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import yaml

from vangnet.banking.mt940 import Mt940Reader, parse_details
from vangnet.banking.records import ParsedEntry
from vangnet.banking.safexml import open_source

from .conftest import MT940

SAMPLES = sorted(p.stem for p in MT940.glob("*.yml"))


def _parse(path):
    reader = Mt940Reader(open_source(path))
    items = list(reader)
    assert all(isinstance(i, ParsedEntry) for i in items)
    return reader, items


@pytest.mark.parametrize("name", SAMPLES)
def test_corpus_matches_expected_parse(name):
    # The expected parses are the corpus's own pickled mt940 objects (trusted test data).
    expected = yaml.unsafe_load((MT940 / f"{name}.yml").read_text()).transactions
    _, entries = _parse(MT940 / f"{name}.sta")
    assert len(entries) == len(expected) > 0
    for got, exp in zip(entries, expected, strict=True):
        data = exp.data
        amount = Decimal(data["amount"].amount)
        assert got.amount == abs(amount)
        assert got.direction == ("debit" if amount < 0 else "credit")
        assert got.currency == data["amount"].currency
        value_date = data["date"]
        assert got.value_date == date(value_date.year, value_date.month, value_date.day)
        booked = data.get("entry_date") or value_date
        assert got.booking_date == date(booked.year, booked.month, booked.day)
        assert got.bank_code == (data.get("id") or "")


def test_asn_statement_with_swift_blocks_parses():
    reader, entries = _parse(MT940 / "asnb.sta")
    assert len(reader.statements) == 31
    first = entries[0]
    assert (first.amount, first.direction) == (Decimal("65.00"), "debit")
    assert first.party_iban == "NL47INGB9999999999"
    assert first.party_name == "hr gjlm paulissen"
    assert first.remittance == "Betaling sieraden"
    assert first.position == "entry 1 (line 6)"


def test_rabobank_sepa_fields_and_counterparty_from_the_61_line():
    _, entries = _parse(MT940 / "rabobank-iban.sta")
    first, second = entries[0], entries[1]
    assert first.end_to_end_id == "01-01-2013 12:00 0030000987654321"
    assert first.party_name == "CONTRA ACCOUNT HOLDER"
    assert first.party_iban == "NL70ABNA0987654321"
    assert second.remittance == "Reference 201301234"
    assert second.party_name == "JOHN DOE"


def test_knab_labelled_counterparty():
    _, entries = _parse(MT940 / "knab.sta")
    entry = entries[1]
    assert entry.party_iban == "NL65INGB0123456789"
    assert entry.party_name == "PICQER"
    assert entry.remittance == "FACTUUR 201403110, 201403113"
    assert entry.account_servicer_reference == "B4G29PGCVO7Q06US"


def test_abn_amro_old_style_betalingskenmerk():
    _, entries = _parse(MT940 / "abnamro.sta")
    assert entries[0].creditor_reference == "000000042188659"


def test_statements_are_told_apart_by_number_and_opening_date():
    reader, entries = _parse(MT940 / "rabobank-iban.sta")
    ids = [s.statement_id for s in reader.statements]
    assert len(set(ids)) == 2
    assert len({e.key for e in entries}) == len(entries) == 4


def test_ing_sepa_structured_details():
    details = (
        "/CNTP/NL91ABNA0417164300/ABNANL2A/J. de Vries/AMSTERDAM//REMI/USTD//Factuur V2025"
        "0600000012 water/\n/EREF/E2E-123//MARF/WBV-MND-1/"
    )
    out = parse_details(details)
    assert out["party_iban"] == "NL91ABNA0417164300"
    assert out["party_name"] == "J. de Vries"
    assert out["remittance"] == "Factuur V20250600000012 water"
    assert out["end_to_end_id"] == "E2E-123"
    assert out["mandate_id"] == "WBV-MND-1"


def test_ing_structured_reference_and_return_code():
    out = parse_details(
        "/RTRN/AM04//EREF/WBV00000012-003//CNTP/NL91ABNA0417164300/ABNANL2A/J. de Vries/"
        "/REMI/STRD/CUR/1000000120250601/"
    )
    assert out["return_reason"] == "AM04"
    assert out["creditor_reference"] == "1000000120250601"
    assert out["end_to_end_id"] == "WBV00000012-003"


def test_abn_amro_sepa_text_labels():
    out = parse_details(
        "SEPA OVERBOEKING                 IBAN: NL91ABNA0417164300        BIC: ABNANL2A\n"
        "NAAM: J. DE VRIES                OMSCHRIJVING: KLANTNR 10000012\nKENMERK: 123-45"
    )
    assert out["party_iban"] == "NL91ABNA0417164300"
    assert out["party_name"] == "J. DE VRIES"
    assert out["remittance"] == "KLANTNR 10000012"
    assert out["end_to_end_id"] == "123-45"


def test_unreadable_mt940_is_refused(write):
    from vangnet.banking.errors import StatementRefused

    path = write("bad.sta", ":20:X\n:25:NL71RABO0123456789\n:28C:0\n:60F:C13XX01EUR1,00\n")
    with pytest.raises(StatementRefused):
        _parse(path)
