"""Schedules: cents that add up exactly, dates on the chosen day, policy boundaries."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vangnet.arrangements.constants import DownPaymentKind
from vangnet.arrangements.models import PlanPolicy
from vangnet.arrangements.policy import PlanTerms, down_payment_cents, plan_policy_decision
from vangnet.arrangements.schedule import (
    add_months,
    build_schedule,
    first_due_date,
    split_by_instalment,
    split_equal,
)


def test_equal_split_puts_the_remainder_on_the_last():
    assert split_equal(10000, 3) == [3333, 3333, 3334]
    assert split_equal(999, 1) == [999]
    with pytest.raises(ValueError):
        split_equal(2, 3)


def test_split_by_instalment_ends_with_what_is_left():
    assert split_by_instalment(10000, 3000) == [3000, 3000, 3000, 1000]
    assert split_by_instalment(9000, 3000) == [3000, 3000, 3000]


@given(total=st.integers(1, 10_000_000), months=st.integers(1, 60), count=st.integers(1, 120))
def test_schedules_always_sum_to_the_total(total, months, count):
    inst = max(1, -(-total // count))  # at most `count` instalments
    if total >= months:
        amounts = split_equal(total, months)
        assert sum(amounts) == total and len(amounts) == months
        assert max(amounts) - min(amounts) < months
    amounts = split_by_instalment(total, inst)
    assert sum(amounts) == total and all(0 < a <= inst for a in amounts)


def test_dates_follow_the_day_of_month_and_shorter_months():
    assert first_due_date(today=date(2025, 6, 10), day_of_month=25, lead_days=7) == date(
        2025, 6, 25
    )
    assert first_due_date(today=date(2025, 6, 20), day_of_month=25, lead_days=7) == date(
        2025, 7, 25
    )
    assert add_months(date(2025, 1, 31), 1, 31) == date(2025, 2, 28)
    assert add_months(date(2025, 1, 31), 2, 31) == date(2025, 3, 31)
    schedule = build_schedule(
        total_cents=10000,
        down_payment_cents=1000,
        amounts=[3000, 3000, 3000],
        first_due_on=date(2025, 1, 31),
        day_of_month=31,
    )
    assert [(s.number, s.due_on, s.amount_cents) for s in schedule] == [
        (0, date(2025, 1, 31), 1000),
        (1, date(2025, 2, 28), 3000),
        (2, date(2025, 3, 31), 3000),
        (3, date(2025, 4, 30), 3000),
    ]
    with pytest.raises(ValueError):
        build_schedule(
            total_cents=10000,
            down_payment_cents=0,
            amounts=[3000],
            first_due_on=date(2025, 1, 1),
            day_of_month=1,
        )


def _policy(**kw) -> PlanPolicy:
    return PlanPolicy(**kw)  # unsaved: defaults 12 months, € 10, 2 plans a year


def test_policy_boundaries():
    policy = _policy()
    inside = plan_policy_decision(PlanTerms(12000, 0, tuple([1000] * 12), 1), policy)
    assert inside.allowed and inside.code == "policy_ok"
    long = plan_policy_decision(PlanTerms(13000, 0, tuple([1000] * 13), 0), policy)
    assert long.blocking_codes() == ("policy_too_long",)
    small = plan_policy_decision(PlanTerms(2997, 0, (999, 999, 999), 0), policy)
    assert small.blocking_codes() == ("policy_instalment_too_small",)
    # the last instalment is what remains and may be small; a single one too
    assert plan_policy_decision(PlanTerms(2050, 0, (1000, 1000, 50), 0), policy).allowed
    assert plan_policy_decision(PlanTerms(500, 0, (500,), 0), policy).allowed
    many = plan_policy_decision(PlanTerms(3000, 0, (1000, 1000, 1000), 2), policy)
    assert many.blocking_codes() == ("policy_too_many_plans",)


def test_down_payment_by_percentage_or_amount():
    assert down_payment_cents(_policy(), 10000) == 0
    pct = _policy(down_payment_kind=DownPaymentKind.PERCENT, down_payment_value=15)
    assert down_payment_cents(pct, 10001) == 1500
    amount = _policy(down_payment_kind=DownPaymentKind.AMOUNT, down_payment_value=2500)
    assert down_payment_cents(amount, 10000) == 2500
    assert down_payment_cents(amount, 2000) == 2000
    short = plan_policy_decision(PlanTerms(10000, 1000, (3000, 3000, 3000), 0), amount)
    assert short.blocking_codes() == ("policy_down_payment",)
