"""Building a plan's schedule: amounts in cents that add up exactly, dates on a fixed day.

Pure functions (no database) so the arithmetic is tested on its own.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ScheduledInstalment:
    number: int  # 0 = down payment
    due_on: date
    amount_cents: int


def split_equal(total_cents: int, months: int) -> list[int]:
    """``months`` equal instalments; the remainder (a few cents) goes on the last one."""
    if months < 1:
        raise ValueError("a plan needs at least one instalment")
    if total_cents < months:
        raise ValueError("the total is too small for this many instalments")
    base, rest = divmod(total_cents, months)
    return [base] * (months - 1) + [base + rest]


def split_by_instalment(total_cents: int, instalment_cents: int) -> list[int]:
    """Instalments of ``instalment_cents``; the last one is what remains (never zero)."""
    if instalment_cents < 1:
        raise ValueError("an instalment must be at least one cent")
    full, rest = divmod(total_cents, instalment_cents)
    amounts = [instalment_cents] * full
    if rest:
        amounts.append(rest)
    return amounts


def on_day(year: int, month: int, day: int) -> date:
    """``day`` of that month, or its last day when the month is shorter (31 → 30 June)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def add_months(start: date, months: int, day: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    return on_day(index // 12, index % 12 + 1, day)


def first_due_date(*, today: date, day_of_month: int, lead_days: int) -> date:
    """The first ``day_of_month`` at least ``lead_days`` after ``today``."""
    if not 1 <= day_of_month <= 31:
        raise ValueError("day of month must be 1 to 31")
    earliest = date.fromordinal(today.toordinal() + lead_days)
    candidate = on_day(earliest.year, earliest.month, day_of_month)
    if candidate < earliest:
        candidate = add_months(candidate, 1, day_of_month)
    return candidate


def build_schedule(
    *,
    total_cents: int,
    down_payment_cents: int,
    amounts: list[int],
    first_due_on: date,
    day_of_month: int,
) -> list[ScheduledInstalment]:
    """Down payment (number 0) on the first due date, then one instalment a month.

    Without a down payment instalment 1 falls on the first due date.
    """
    if sum(amounts) + down_payment_cents != total_cents:
        raise ValueError("instalments must add up to the total")
    out: list[ScheduledInstalment] = []
    offset = 0
    if down_payment_cents:
        out.append(ScheduledInstalment(0, first_due_on, down_payment_cents))
        offset = 1
    for k, amount in enumerate(amounts):
        out.append(
            ScheduledInstalment(k + 1, add_months(first_due_on, k + offset, day_of_month), amount)
        )
    return out
