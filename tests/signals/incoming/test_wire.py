from __future__ import annotations

from datetime import date

import pytest

from tests.signals.incoming.conftest import signal_body
from vangnet.signals.incoming.wire import RecordInvalid, euros_to_cents, parse_envelope

TODAY = date(2026, 3, 10)


def _fields(body) -> dict[str, str]:
    with pytest.raises(RecordInvalid) as info:
        parse_envelope(body, today=TODAY)
    return {e.field: e.message for e in info.value.errors}


def test_a_good_signal_is_parsed_and_normalised():
    record = parse_envelope(signal_body(postcode="3511ab", house_number="012"), today=TODAY)
    assert record.client["postcode"] == "3511 AB"
    assert record.client["house_number"] == "12"
    assert record.amount_cents == 18750
    assert record.client["phone"] == "+31612345678"


def test_every_bad_field_is_reported_at_once():
    body = signal_body(postcode="99", house_number="x", dob="1850-01-01")
    body["signal"]["amount_cents"] = 12.5
    body["signal"]["signalled_on"] = "2026-13-01"
    errors = _fields(body)
    assert set(errors) >= {
        "signal.client.postcode",
        "signal.client.house_number",
        "signal.client.date_of_birth",
        "signal.amount_cents",
        "signal.signalled_on",
    }


def test_a_bsn_is_refused_with_the_reason():
    errors = _fields(signal_body(bsn="111222333"))
    assert "data minimisation" in errors["signal.client.bsn"]


def test_unknown_top_level_fields_and_format_are_refused():
    body = signal_body()
    body["format"] = "other/1"
    body["why"] = "lost job"
    errors = _fields(body)
    assert "format" in errors and "why" in errors


def test_close_needs_a_known_reason():
    errors = _fields({"format": "vangnet-signal/1", "event": "close", "signal": {"id": "S-1"}})
    assert "signal.reason" in errors
    ok = parse_envelope(
        {"format": "vangnet-signal/1", "event": "close", "signal": {"id": "S-1", "reason": "paid"}}
    )
    assert ok.reason == "paid"


def test_end_of_supply_only_with_crisis():
    body = signal_body()
    body["signal"]["end_of_supply_on"] = "2026-04-01"
    assert "signal.end_of_supply_on" in _fields(body)
    body["signal"]["crisis"] = True
    assert parse_envelope(body, today=TODAY).end_of_supply_on == date(2026, 4, 1)


@pytest.mark.parametrize(
    ("raw", "cents"), [("123,45", 12345), ("1.234,56", 123456), ("€ 7.50", 750), ("10", 1000)]
)
def test_euros_to_cents(raw, cents):
    assert euros_to_cents(raw) == cents


def test_euros_with_three_decimals_is_an_error():
    with pytest.raises(ValueError):
        euros_to_cents("1,005")
