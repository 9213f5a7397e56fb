from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vangnet.core.money import (
    AmountError,
    cents_to_decimal,
    decimal_to_cents,
    format_euro,
    parse_amount,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,50", "12.50"),
        ("12.50", "12.50"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("€ 7,5", "7.50"),
        ("-3", "-3.00"),
        ("3-", "-3.00"),
        ("0", "0.00"),
        ("1.000.000,00", "1000000.00"),
    ],
)
def test_parse_amount(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["", "abc", "12,345,6", "1.2.3,4,5", "12,505", "€", "1e5"])
def test_parse_amount_rejects(raw):
    with pytest.raises(AmountError):
        parse_amount(raw)


def test_format_euro():
    assert format_euro(123456) == "€ 1.234,56"
    assert format_euro(-5) == "-€ 0,05"
    assert format_euro(0) == "€ 0,00"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_cents_round_trip(cents):
    assert decimal_to_cents(cents_to_decimal(cents)) == cents
    assert parse_amount(format_euro(cents).replace("€ ", "")) == cents_to_decimal(cents)
