"""WIK collection costs against every DOMAIN.md vector (art. 6:96 BW; Besluit BIK)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vangnet.rules.wik import (
    collection_costs,
    collection_costs_decision,
    cumulated_collection_costs,
)

D = Decimal

# DOMAIN.md "Collection costs (WIK)": principal → costs (with VAT where given).
VECTORS = [
    ("50", "40.00", "48.40"),
    ("266.67", "40.00", None),
    ("267", "40.05", "48.46"),
    ("300", "45.00", None),
    ("500", "75.00", None),
    ("1000", "150.00", "181.50"),
    ("2500", "375.00", None),
    ("3000", "425.00", None),
    ("5000", "625.00", None),
    ("7500", "750.00", None),
    ("10000", "875.00", None),
    ("20000", "975.00", None),
    ("100000", "1775.00", None),
    ("200000", "2775.00", None),
    ("400000", "3775.00", None),
    ("1000000", "6775.00", "8197.75"),
    ("2000000", "6775.00", None),
]


@pytest.mark.parametrize(("principal", "costs", "with_vat"), VECTORS)
def test_domain_vectors(principal, costs, with_vat):
    assert collection_costs(D(principal)) == D(costs)
    if with_vat is not None:
        assert collection_costs(D(principal), vat=True) == D(with_vat)


def test_result_has_cents():
    assert collection_costs(D("1000")).as_tuple().exponent == -2


def test_negative_principal_rejected():
    with pytest.raises(ValueError):
        collection_costs(D("-0.01"))


def test_float_rejected():
    with pytest.raises(TypeError):
        collection_costs(100.0)  # type: ignore[arg-type]


def test_decision_explains_minimum_staffel_and_maximum():
    low = collection_costs_decision(D("50"))
    assert low.code == "wik_minimum" and low.evidence["amount"] == D("40.00")
    mid = collection_costs_decision(D("3000"), vat=True)
    assert mid.code == "wik_staffel" and mid.evidence["amount"] == D("514.25")
    assert mid.evidence["staffel"] == (("2500", "0.15", "375.00"), ("500", "0.10", "50.00"))
    assert "btw" in mid.nl and "€ 514,25" in mid.nl and "€514.25" in mid.en
    high = collection_costs_decision(D("2000000"))
    assert high.code == "wik_maximum" and "€ 6.775,00" in high.nl


class TestCumulation:
    """Cumulation rule [verify]: off by default; halved costs, max €20."""

    def test_off_by_default(self):
        d = cumulated_collection_costs(
            D("50"), missed_on=date(2025, 3, 1), earlier_claim_on=date(2025, 2, 1)
        )
        assert d.code == "wik_cumulation_disabled" and d.evidence["amount"] == D("40.00")

    def test_applied_within_six_months(self):
        d = cumulated_collection_costs(
            D("50"), missed_on=date(2025, 3, 1), earlier_claim_on=date(2025, 2, 1), enabled=True
        )
        assert d.code == "wik_cumulation_applied" and d.evidence["amount"] == D("20.00")

    def test_not_after_six_months_or_above_threshold(self):
        late = cumulated_collection_costs(
            D("50"), missed_on=date(2025, 9, 1), earlier_claim_on=date(2025, 2, 1), enabled=True
        )
        big = cumulated_collection_costs(
            D("300"), missed_on=date(2025, 3, 1), earlier_claim_on=date(2025, 2, 1), enabled=True
        )
        first = cumulated_collection_costs(
            D("50"), missed_on=date(2025, 3, 1), earlier_claim_on=None, enabled=True
        )
        assert {late.code, big.code, first.code} == {"wik_cumulation_not_applicable"}
        assert big.evidence["amount"] == D("45.00")


principals = st.decimals(min_value=0, max_value=5_000_000, places=2, allow_nan=False)


@given(principals, principals)
def test_monotonic_non_decreasing(a, b):
    low, high = sorted((a, b))
    assert collection_costs(low) <= collection_costs(high)
    assert collection_costs(low, vat=True) <= collection_costs(high, vat=True)


@given(principals)
def test_bounds(p):
    assert D("40") <= collection_costs(p) <= D("6775")
    assert D("48.40") <= collection_costs(p, vat=True) <= D("8197.75")
    with_vat = (collection_costs(p) * D("1.21")).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert collection_costs(p, vat=True) == with_vat


def test_vat_rounds_half_up():
    # 12,949.50 → 904.50 (staffel); × 1.21 = 1,094.445 → 1,094.45 (half-up, not half-even)
    assert collection_costs(D("12949.50"), vat=True) == D("1094.45")
