"""Collection dates: the customer's collection day, moved to a SEPA business day.

SEPA settles on TARGET2 business days only, so a collection day that falls on a weekend
or TARGET2 holiday moves to the next business day — as the simulator's
``simulation.dates.next_business_day`` does, so simulated and real collections agree.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from vangnet.rules.calendar_nl import easter_sunday


@lru_cache(maxsize=64)
def target_holidays(year: int) -> frozenset[date]:
    """TARGET2 closing days: New Year, Good Friday, Easter Monday, 1 May, 25/26 Dec."""
    easter = easter_sunday(year)
    return frozenset(
        {
            date(year, 1, 1),
            easter - timedelta(days=2),
            easter + timedelta(days=1),
            date(year, 5, 1),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in target_holidays(day.year)


def next_business_day(day: date) -> date:
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def _month_start(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day."""
    first = _month_start(day, months)
    last = (_month_start(first, 1) - timedelta(days=1)).day
    return first.replace(day=min(day.day, last))


def next_collection_date(*, collection_day: int, earliest: date) -> date:
    """The first collection date on or after ``earliest`` for this day of the month.

    The date is the business day on or after ``collection_day`` of a month; a month whose
    (moved) date falls before ``earliest`` is skipped.
    """
    month = _month_start(earliest, 0)
    while True:
        day = next_business_day(month.replace(day=collection_day))
        if day >= earliest:
            return day
        month = _month_start(month, 1)
