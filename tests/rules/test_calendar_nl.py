"""Dutch public holidays (Algemene termijnenwet art. 3) and working days."""

from __future__ import annotations

from datetime import date

import pytest

from vangnet.rules.calendar_nl import (
    add_working_days,
    dutch_public_holidays,
    easter_sunday,
    is_working_day,
    kings_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2019, date(2019, 4, 21)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
     (2026, date(2026, 4, 5)), (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22))],
)  # fmt: skip
def test_easter(year, easter):
    assert easter_sunday(year) == easter


def test_holidays_2024_hand_listed():
    assert dutch_public_holidays(2024) == {
        date(2024, 1, 1),
        date(2024, 4, 1),  # Easter Monday
        date(2024, 4, 27),  # King's Day (Saturday)
        date(2024, 5, 5),  # Liberation Day (Sunday)
        date(2024, 5, 9),  # Ascension
        date(2024, 5, 20),  # Whit Monday
        date(2024, 12, 25),
        date(2024, 12, 26),
    }


def test_holidays_2025_kings_day_moves_to_saturday():
    days = dutch_public_holidays(2025)
    assert kings_day(2025) == date(2025, 4, 26)  # 27 April 2025 is a Sunday
    assert {date(2025, 4, 21), date(2025, 5, 29), date(2025, 6, 9), date(2025, 5, 5)} <= days
    assert date(2025, 4, 18) not in days  # Good Friday is not a general holiday


def test_liberation_day_options():
    assert date(2024, 5, 5) not in dutch_public_holidays(2024, liberation_day="lustrum")
    assert date(2025, 5, 5) in dutch_public_holidays(2025, liberation_day="lustrum")
    assert date(2025, 5, 5) not in dutch_public_holidays(2025, liberation_day="never")


def test_working_days():
    assert not is_working_day(date(2024, 4, 1))  # Easter Monday
    assert not is_working_day(date(2024, 3, 30))  # Saturday
    assert add_working_days(date(2024, 3, 28), 2) == date(2024, 4, 2)  # over Easter
    assert add_working_days(date(2024, 3, 28), 0) == date(2024, 3, 28)
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 2)) == 2
    with pytest.raises(ValueError):
        add_working_days(date(2024, 1, 1), -1)
