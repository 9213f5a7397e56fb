"""Calendar helpers for the simulator: months and bank (TARGET2) business days.

Income and direct debits can only arrive on days the banks settle, so pay days and
collection dates move to a business day like they do in reality.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from vangnet.rules.calendar_nl import easter_sunday


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(day, 1) - timedelta(days=1)


@lru_cache(maxsize=64)
def target_holidays(year: int) -> frozenset[date]:
    """TARGET2 closing days: no SEPA settlement, so no salary or debit arrives."""
    easter = easter_sunday(year)
    return frozenset(
        {
            date(year, 1, 1),
            easter - timedelta(days=2),  # Good Friday
            easter + timedelta(days=1),  # Easter Monday
            date(year, 5, 1),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in target_holidays(day.year)


def next_business_day(day: date) -> date:
    """``day`` itself when it is a business day, else the first one after it."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def previous_business_day(day: date) -> date:
    """``day`` itself when it is a business day, else the last one before it."""
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def add_business_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day
