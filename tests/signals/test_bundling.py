"""Meldingen, meervoudig, opeenvolgend and herhaald on hand-computed examples."""

from __future__ import annotations

from datetime import date

from vangnet.signals.bundling import Incoming, address_key, bundle, months_before

A = address_key("1234 ab", "10", "")
B = address_key("5678CD", 3, "a")


def sig(id, addr, partner, on, cents, arose=None):
    return Incoming(id, addr, partner, on, cents, arose)


def test_address_key_normalises_spelling():
    assert address_key("1234 ab", "010", " A") == address_key("1234AB", 10, "a") == "1234AB|10|a"


def test_months_before_clamps_to_month_end():
    assert months_before(date(2025, 8, 31), 6) == date(2025, 2, 28)
    assert months_before(date(2025, 3, 15), 6) == date(2024, 9, 15)


def test_two_signals_same_address_same_month_make_one_multiple_melding():
    result = bundle(
        [
            sig("w1", A, "water:1", date(2025, 3, 3), 10_000),
            sig("e1", A, "energy:9", date(2025, 3, 20), 40_000),
            sig("w2", B, "water:2", date(2025, 3, 5), 8_000),
        ]
    )
    assert [(m.address_key, m.signal_ids, m.multiple) for m in result] == [
        (A, ("w1", "e1"), True),
        (B, ("w2",), False),
    ]
    assert not any(m.consecutive for m in result)


def test_same_address_in_a_later_month_is_a_new_melding():
    result = bundle(
        [
            sig("w1", A, "water:1", date(2025, 3, 3), 10_000),
            sig("e1", A, "energy:9", date(2025, 4, 2), 40_000),
        ]
    )
    assert [(m.month, m.multiple, m.consecutive) for m in result] == [
        (date(2025, 3, 1), False, False),
        (date(2025, 4, 1), False, True),
    ]


def test_opeenvolgend_looks_back_six_months_only():
    history = [
        sig("old", A, "rent:1", date(2024, 9, 10), 50_000),
        sig("older", B, "rent:2", date(2024, 9, 9), 50_000),
    ]
    result = bundle(
        [
            sig("n1", A, "water:1", date(2025, 3, 10), 10_000),  # 2024-09-10 is exactly 6 months
            sig("n2", B, "water:2", date(2025, 3, 10), 10_000),
        ],  # 2024-09-09 is one day too early
        history=history,
    )
    assert {m.address_key: m.consecutive for m in result} == {A: True, B: False}


def test_herhaalde_melding_same_partner_same_arrears_not_increased():
    history = [sig("first", A, "water:1", date(2025, 2, 1), 12_000, date(2025, 1, 1))]
    result = bundle(
        [sig("same", A, "water:1", date(2025, 3, 1), 12_000, date(2025, 1, 1))], history=history
    )
    assert result[0].repeated_ids == ("same",)


def test_increased_arrears_or_other_partner_is_not_a_repeat():
    history = [sig("first", A, "water:1", date(2025, 2, 1), 12_000, date(2025, 1, 1))]
    result = bundle(
        [
            sig("more", A, "water:1", date(2025, 3, 1), 12_001, date(2025, 1, 1)),
            sig("other", A, "energy:1", date(2025, 3, 2), 5_000),
        ],
        history=history,
    )
    assert result[0].repeated_ids == ()
    assert result[0].multiple and result[0].consecutive
