"""Affordability: protected income and room, hand-computed from the 2025 norms.

Norms (DEFAULT_NORMS, 1 January 2025): single € 1.345,45, couple € 1.922,07; BVV = 95%.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vangnet.rules.affordability import (
    AffordabilityParams,
    Budget,
    Household,
    NormPeriod,
    NormTableError,
    affordability,
    assess_plan,
    max_affordable_instalment,
)

ON = date(2025, 6, 10)
D = Decimal


def test_single_person_protected_by_the_bvv():
    # bvv = 0.95 × 1345.45 = 1278.1775 → 1278.18; essentials = 700 + 200 + 300 = 1200
    b = Budget(net_income=D("1800"), housing_costs=D("700"), fixed_costs=D("200"))
    result = affordability(b, on=ON)
    assert result.norm == D("1345.45")
    assert result.bvv == D("1278.18")
    assert result.essentials == D("1200.00")
    assert (result.protected_income, result.basis) == (D("1278.18"), "bvv")
    assert result.room == D("521.82")  # 1800 − 1278.18


def test_couple_with_children_protected_by_their_real_costs():
    # bvv = 0.95 × 1922.07 = 1825.9665 → 1825.97
    # essentials = 950 + 350 + 2 × 300 + 2 × 150 = 2200 > bvv
    # room = 2600 − 100 (other debts first) − 2200 = 300
    b = Budget(
        net_income=D("2600"),
        household=Household.COUPLE,
        children=2,
        housing_costs=D("950"),
        fixed_costs=D("350"),
        other_debt_payments=D("100"),
    )
    result = affordability(b, on=ON)
    assert result.bvv == D("1825.97")
    assert (result.protected_income, result.basis) == (D("2200.00"), "essentials")
    assert result.room == D("300.00")
    assert max_affordable_instalment(b, on=ON) == D("300.00")


def test_instalment_just_inside_and_just_outside_the_room():
    b = Budget(net_income=D("1300"))  # room = 1300 − 1278.18 = 21.82
    ok = assess_plan(b, instalment=D("21.82"), months=6, on=ON)
    assert ok.allowed and ok.code == "plan_affordable"
    assert ok.evidence["room"] == D("21.82")
    too_much = assess_plan(b, instalment=D("21.83"), months=6, on=ON)
    assert too_much.blocked and too_much.code == "plan_unaffordable"
    assert "€ 21,82" in too_much.nl  # says what would fit
    assert "€ 1.278,18" in too_much.nl  # and what must remain


def test_no_room_at_all_refers_to_help():
    b = Budget(net_income=D("1250"), other_debt_payments=D("50"))
    decision = assess_plan(b, instalment=D("10"), months=3, on=ON)
    assert decision.blocked and decision.code == "plan_no_room"
    assert "hulp bij geldzaken" in decision.nl
    assert decision.evidence["room"] == D("0")


def test_norms_are_a_dated_table():
    params = AffordabilityParams(
        norms=(
            NormPeriod(date(2025, 1, 1), D("1000"), D("1500"), "test"),
            NormPeriod(date(2025, 7, 1), D("1100"), D("1600"), "test"),
        )
    )
    b = Budget(net_income=D("2000"))
    assert affordability(b, on=date(2025, 6, 30), params=params).bvv == D("950.00")
    assert affordability(b, on=date(2025, 7, 1), params=params).bvv == D("1045.00")
    with pytest.raises(NormTableError):
        affordability(b, on=date(2024, 12, 31), params=params)


def test_bad_input_is_refused_clearly():
    with pytest.raises(TypeError):
        Budget(net_income=1800.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Budget(net_income=D("-1"))
    with pytest.raises(ValueError):
        Budget(net_income=D("1000"), children=-1)
    with pytest.raises(ValueError):
        assess_plan(Budget(net_income=D("2000")), instalment=D("0"), months=3, on=ON)
    with pytest.raises(ValueError):
        assess_plan(Budget(net_income=D("2000")), instalment=D("10"), months=0, on=ON)


@given(
    income=st.integers(min_value=0, max_value=1_000_000),
    housing=st.integers(min_value=0, max_value=300_000),
    debts=st.integers(min_value=0, max_value=300_000),
    children=st.integers(min_value=0, max_value=6),
    couple=st.booleans(),
)
def test_never_below_the_protected_income(income, housing, debts, children, couple):
    b = Budget(
        net_income=D(income) / 100,
        housing_costs=D(housing) / 100,
        other_debt_payments=D(debts) / 100,
        children=children,
        household=Household.COUPLE if couple else Household.SINGLE,
    )
    result = affordability(b, on=ON)
    assert result.room >= 0
    if result.room > 0:
        left = b.net_income - b.other_debt_payments - result.room
        assert left == result.protected_income
        assert assess_plan(b, instalment=result.room, months=1, on=ON).allowed
        assert assess_plan(b, instalment=result.room + D("0.01"), months=1, on=ON).blocked
