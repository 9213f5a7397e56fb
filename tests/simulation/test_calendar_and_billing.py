"""Calendar, income, billing and responsiveness building blocks."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from vangnet.simulation.dates import add_months, easter_sunday, is_business_day
from vangnet.simulation.generator import Horizon, simulate
from vangnet.simulation.income import Income, IncomeKind, pay_days
from vangnet.simulation.responsiveness import best_hours, response_probability
from vangnet.simulation.water import (
    COLLECTION_DAYS,
    CREDIT_NOTE,
    betalingskenmerk,
    is_valid_betalingskenmerk,
)


def test_easter_and_business_days():
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert not is_business_day(date(2025, 4, 21))  # Easter Monday
    assert not is_business_day(date(2025, 12, 25))
    assert not is_business_day(date(2025, 6, 7))  # Saturday
    assert is_business_day(date(2025, 6, 10))


def test_add_months_wraps_years():
    assert add_months(date(2025, 11, 17), 3) == date(2026, 2, 1)
    assert add_months(date(2025, 1, 31), -1) == date(2024, 12, 1)


def test_pay_days():
    start, end = date(2025, 1, 1), date(2025, 6, 30)
    salary = pay_days(Income(IncomeKind.SALARY_25TH, 250000), start, end)
    # 25 January 2025 is a Saturday: paid on Friday the 24th.
    assert salary[0] == date(2025, 1, 24)
    assert len(salary) == 6
    last = pay_days(Income(IncomeKind.SALARY_LAST_DAY, 250000), start, end)
    assert date(2025, 5, 30) in last  # 31 May is a Saturday
    four = pay_days(Income(IncomeKind.SALARY_FOUR_WEEKLY, 250000, date(2025, 1, 3)), start, end)
    assert all((b - a).days in (27, 28, 29, 30) for a, b in itertools.pairwise(four))
    assert len(four) == 7
    aow = pay_days(Income(IncomeKind.AOW, 150000), start, end)
    assert all(is_business_day(d) and d.day <= 23 for d in aow)


def test_betalingskenmerk_check_digit():
    ref = betalingskenmerk("100000005202506")
    assert len(ref) == 16 and ref.isdigit()
    assert is_valid_betalingskenmerk(ref)
    wrong = ref[:-1] + str((int(ref[-1]) + 1) % 10)
    assert not is_valid_betalingskenmerk(wrong)
    with pytest.raises(ValueError):
        betalingskenmerk("123")


def test_invoices_follow_the_water_company_rules():
    horizon = Horizon(today=date(2025, 6, 10), months=24)
    advances = settlements = credit_notes = direct_debit = 0
    for i in range(300):
        sim = simulate(2, i, horizon)
        if sim.account.direct_debit:
            direct_debit += 1
            assert sim.account.collection_day in COLLECTION_DAYS
            assert sim.account.mandate_reference
        for inv in sim.invoices:
            assert inv.issue_date <= horizon.today
            assert inv.amount_cents > 0
            if inv.number.startswith("V"):
                advances += 1
                assert 1400 <= inv.amount_cents <= 3900
                assert inv.issue_date.day == 1 or inv.issue_date == sim.account.start_date
                if not sim.account.direct_debit:
                    assert (inv.due_date - inv.issue_date).days == 14
                assert is_valid_betalingskenmerk(inv.payment_reference)
            elif inv.kind == CREDIT_NOTE:
                credit_notes += 1
            else:
                settlements += 1
                assert inv.issue_date.month == sim.account.start_date.month
    assert advances > 300 * 20
    assert settlements > 20 and credit_notes > 20
    assert 0.5 < direct_debit / 300 < 0.7


def test_responsiveness_table():
    for channel in ("email", "sms", "whatsapp", "phone", "letter", "visit"):
        for hour in range(24):
            assert 0 <= response_probability(channel, hour, age=40) <= 1
    assert response_probability("phone", 3) == 0
    assert 18 in best_hours("visit") or 19 in best_hours("visit")
    assert response_probability("whatsapp", 19, age=25) > response_probability(
        "whatsapp", 19, age=80
    )
    with pytest.raises(ValueError):
        response_probability("sms", 24)
