"""Dutch public holidays and working days, pure and small.

Used for the postal delivery days of the 14-day letter, for the 20 working days of the
energy end-of-supply signal and for quiet days. The list follows the Algemene termijnenwet
art. 3 (New Year, Easter Monday, Ascension Day, Whit Monday, Christmas Day and Boxing Day,
King's Day, and 5 May); Good Friday is not a general holiday. 5 May counts every year by
default, because the Algemene termijnenwet names it without a lustrum condition; for
collective labour agreements it is often a day off only in lustrum years (2025, 2030, …),
so ``liberation_day="lustrum"`` or ``"never"`` is available [verify per use].
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

LiberationDay = Literal["every_year", "lustrum", "never"]
HolidayCheck = Callable[[date], bool]


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous Gregorian computus, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def kings_day(year: int) -> date:
    """27 April (26 April when the 27th is a Sunday); Queen's Day 30 April before 2014."""
    day = date(year, 4, 27) if year >= 2014 else date(year, 4, 30)
    return day - timedelta(days=1) if day.weekday() == 6 else day


@lru_cache(maxsize=512)
def dutch_public_holidays(
    year: int, *, liberation_day: LiberationDay = "every_year"
) -> frozenset[date]:
    """The general public holidays of ``year`` (see the module docstring)."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1),
        easter + timedelta(days=1),  # Tweede Paasdag
        easter + timedelta(days=39),  # Hemelvaartsdag
        easter + timedelta(days=50),  # Tweede Pinksterdag
        kings_day(year),
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if liberation_day == "every_year" or (liberation_day == "lustrum" and year % 5 == 0):
        days.add(date(year, 5, 5))
    return frozenset(days)


def is_dutch_public_holiday(day: date) -> bool:
    """Default holiday check (5 May every year)."""
    return day in dutch_public_holidays(day.year)


def is_working_day(day: date, holidays: HolidayCheck = is_dutch_public_holiday) -> bool:
    return day.weekday() < 5 and not holidays(day)


def add_working_days(
    start: date, days: int, holidays: HolidayCheck = is_dutch_public_holiday
) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    current = start
    for _ in range(days):
        current += timedelta(days=1)
        while not is_working_day(current, holidays):
            current += timedelta(days=1)
    return current


def working_days_between(
    start: date, end: date, holidays: HolidayCheck = is_dutch_public_holiday
) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            count += 1
    return count


def next_working_day_from(day: date, holidays: HolidayCheck = is_dutch_public_holiday) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day
