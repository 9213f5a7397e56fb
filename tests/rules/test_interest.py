"""Statutory interest for consumers (art. 6:119 BW)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from vangnet.rules.interest import (
    RatePeriod,
    RateTableError,
    interest_lines,
    statutory_interest,
    statutory_interest_decision,
)

D = Decimal


def test_domain_vector_full_year_2024():
    """DOMAIN.md: €1,000 in default 2024-01-01 → 2025-01-01 at 7% = €70.00."""
    assert statutory_interest(D("1000"), date(2024, 1, 1), date(2025, 1, 1)) == D("70.00")


def test_rate_change_inside_one_interest_year():
    """€1,000 from 2023-10-01 to 2024-04-01.

    Interest year 2023-10-01 → 2024-10-01 has 366 days (29 Feb 2024).
    2023-10-01 → 2024-01-01: 92 days at 6%: 1000 × 0.06 × 92/366 = 15.0820
    2024-01-01 → 2024-04-01: 91 days at 7%: 1000 × 0.07 × 91/366 = 17.4044
    total 32.4863 → €32.49 (no anniversary reached, so no compounding).
    """
    assert statutory_interest(D("1000"), date(2023, 10, 1), date(2024, 4, 1)) == D("32.49")


def test_compounding_at_the_anniversary():
    """€1,000 from 2023-07-01 to 2025-01-01.

    Year 1, 2023-07-01 → 2024-07-01 (366 days): 184 days at 6% + 182 days at 7%
      = 1000 × (0.06 × 184 + 0.07 × 182) / 366 = 23780 / 366 = 64.9727 → €64.97 booked,
      added to the principal (art. 6:119 lid 2): base €1,064.97.
    Year 2, 2024-07-01 → 2025-01-01: 184 of 365 days at 7%:
      1064.97 × 0.07 × 184 / 365 = 37.5803.
    Total 64.97 + 37.5803 = 102.5503 → €102.55 (simple interest would give €101.09).
    """
    assert statutory_interest(D("1000"), date(2023, 7, 1), date(2025, 1, 1)) == D("102.55")
    lines = interest_lines(D("1000"), date(2023, 7, 1), date(2025, 1, 1))
    assert [line.base for line in lines] == [D("1000"), D("1000"), D("1064.97")]


def test_zero_length_and_zero_principal():
    assert statutory_interest(D("1000"), date(2024, 3, 1), date(2024, 3, 1)) == D("0.00")
    assert statutory_interest(D("0"), date(2024, 1, 1), date(2025, 1, 1)) == D("0.00")


def test_outside_table_raises_clear_error():
    with pytest.raises(RateTableError, match="2025-01-01"):
        statutory_interest(D("1000"), date(2024, 7, 1), date(2025, 2, 1))
    with pytest.raises(RateTableError, match="2023-06-01"):
        statutory_interest(D("1000"), date(2023, 6, 1), date(2023, 8, 1))


def test_table_is_a_parameter():
    table = (RatePeriod(date(2020, 1, 1), date(2030, 1, 1), D("0.02")),)
    assert statutory_interest(D("1000"), date(2021, 1, 1), date(2022, 1, 1), table=table) == D(
        "20.00"
    )
    # two years, compounded: 20.00 + 1020 × 0.02 = 40.40
    assert statutory_interest(D("1000"), date(2021, 1, 1), date(2023, 1, 1), table=table) == D(
        "40.40"
    )


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        statutory_interest(D("-1"), date(2024, 1, 1), date(2024, 2, 1))
    with pytest.raises(ValueError):
        statutory_interest(D("1"), date(2024, 2, 1), date(2024, 1, 1))


def test_decision():
    d = statutory_interest_decision(D("1000"), date(2024, 1, 1), date(2025, 1, 1))
    assert d.code == "interest_statutory" and d.evidence["amount"] == D("70.00")
    assert "€ 70,00" in d.nl
