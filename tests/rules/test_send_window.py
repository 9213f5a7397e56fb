"""Send window: hand-checked dates (2025/2026 calendars checked against a wall calendar)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from vangnet.rules.send_window import (
    SendWindowPolicy,
    holiday_name,
    is_working_day,
    next_allowed,
    next_allowed_many,
    preferred_channel,
    quiet_holidays,
)

AMS = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")


def at(y, m, d, hh=10, mm=0, zone=AMS) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=zone)


def test_inside_the_window_stays_put():
    slot = next_allowed(channel="sms", desired=at(2026, 3, 10, 10, 15))  # a Tuesday
    assert slot.at == at(2026, 3, 10, 10, 15) and not slot.moved and slot.code == "in_window"
    assert slot.decision.allowed


def test_before_eight_moves_to_eight_the_same_day():
    slot = next_allowed(channel="whatsapp", desired=at(2026, 3, 10, 6, 45))
    assert slot.at == at(2026, 3, 10, 8, 0) and slot.code == "before_day_start"


def test_half_past_nine_in_the_evening_goes_the_next_day_at_eight():
    slot = next_allowed(channel="sms", desired=at(2026, 3, 10, 21, 30))
    assert slot.at == at(2026, 3, 11, 8, 0)
    assert slot.code == "after_day_end" and slot.moved


def test_twenty_one_sharp_is_already_too_late():
    assert next_allowed(channel="phone", desired=at(2026, 3, 10, 21, 0)).at == at(2026, 3, 11, 8)


def test_sunday_moves_to_monday_keeping_the_hour():
    slot = next_allowed(channel="sms", desired=at(2026, 3, 8, 10, 0))  # Sunday 8 March 2026
    assert slot.at == at(2026, 3, 9, 10, 0) and slot.code == "sunday"


def test_saturday_evening_skips_sunday_and_kings_day():
    # Sat 25 Apr 2026 21:30 -> Sun 26 (quiet) -> Mon 27 April = Koningsdag -> Tue 28 08:00.
    assert date(2026, 4, 27) in quiet_holidays(2026)
    slot = next_allowed(channel="sms", desired=at(2026, 4, 25, 21, 30))
    assert slot.at == at(2026, 4, 28, 8, 0)
    assert slot.code == "after_day_end"
    assert next_allowed(channel="sms", desired=at(2026, 4, 27, 11)).code == "public_holiday"


def test_kings_day_moves_to_the_26th_when_the_27th_is_a_sunday():
    # 27 April 2025 was a Sunday, so Koningsdag was Saturday 26 April 2025.
    assert date(2025, 4, 26) in quiet_holidays(2025)
    slot = next_allowed(channel="sms", desired=at(2025, 4, 26, 12))
    assert slot.at == at(2025, 4, 28, 12)  # Saturday holiday, Sunday, then Monday


def test_christmas_and_boxing_day_are_skipped():
    slot = next_allowed(channel="whatsapp", desired=at(2025, 12, 25, 9, 0))  # Thursday
    assert slot.at == at(2025, 12, 27, 9, 0) and slot.code == "public_holiday"  # Saturday


def test_liberation_day_counts_every_year_and_good_friday_too():
    # 5 May 2026 is not in holidays.NL (lustrum rule) but is in the Algemene termijnenwet.
    assert next_allowed(channel="sms", desired=at(2026, 5, 5, 10)).at == at(2026, 5, 6, 10)
    assert holiday_name(date(2026, 5, 5)) == "Liberation Day"
    assert next_allowed(channel="sms", desired=at(2026, 4, 3, 10)).at == at(2026, 4, 4, 10)


def test_preferred_window_evening():
    window = (time(18, 0), time(20, 0))
    morning = next_allowed(channel="sms", desired=at(2026, 3, 10, 10, 0), window=window)
    assert morning.at == at(2026, 3, 10, 18, 0) and morning.code == "outside_preferred_window"
    inside = next_allowed(channel="sms", desired=at(2026, 3, 10, 19, 5), window=window)
    assert inside.at == at(2026, 3, 10, 19, 5) and not inside.moved
    late = next_allowed(channel="sms", desired=at(2026, 3, 10, 20, 15), window=window)
    assert late.at == at(2026, 3, 11, 18, 0)
    sunday = next_allowed(channel="sms", desired=at(2026, 3, 8, 19, 0), window=window)
    assert sunday.at == at(2026, 3, 9, 19, 0)


def test_preferred_window_outside_contact_hours_is_ignored_not_dropped():
    window = (time(6, 0), time(7, 30))
    slot = next_allowed(channel="sms", desired=at(2026, 3, 10, 6, 30), window=window)
    assert slot.at == at(2026, 3, 10, 8, 0)
    assert slot.evidence["person_window"] == "ignored"


def test_window_wrapping_midnight_is_narrowed_to_contact_hours():
    window = (time(20, 0), time(2, 0))
    slot = next_allowed(channel="sms", desired=at(2026, 3, 10, 10), window=window)
    assert slot.at == at(2026, 3, 10, 20, 0)


def test_email_may_go_any_time_even_on_sunday_night():
    desired = at(2026, 3, 8, 23, 40)
    slot = next_allowed(channel="email", desired=desired)
    assert slot.at == desired and slot.code == "any_time"
    windowed = next_allowed(channel="email", desired=desired, window=(time(18), time(20)))
    assert windowed.at == at(2026, 3, 9, 18, 0)


def test_letters_go_on_working_days():
    assert is_working_day(date(2025, 12, 24)) and not is_working_day(date(2025, 12, 27))
    slot = next_allowed(channel="letter", desired=at(2025, 12, 25, 9))
    assert slot.at == at(2025, 12, 29, 9) and slot.code == "working_day"  # Monday
    assert next_allowed(channel="letter", desired=at(2025, 12, 24, 23, 0)).at == at(
        2025, 12, 24, 23, 0
    )


def test_answer_is_in_the_zone_asked_and_dst_is_respected():
    # 29 March 2026: clocks go forward (Sunday). 06:30 UTC Monday 30 March = 08:30 CEST.
    desired = datetime(2026, 3, 28, 20, 30, tzinfo=UTC)  # Saturday 21:30 CET
    slot = next_allowed(channel="sms", desired=desired)
    assert slot.at.tzinfo == UTC
    assert slot.at == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # Monday 08:00 CEST


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_allowed(channel="sms", desired=datetime(2026, 3, 10, 10))
    with pytest.raises(ValueError, match="unknown channel"):
        next_allowed(channel="pigeon", desired=at(2026, 3, 10))
    with pytest.raises(ValueError, match="same length"):
        next_allowed_many(channels=["sms"], desired=[], windows=[None])


def test_policy_is_configuration():
    saturdays_too = SendWindowPolicy(quiet_weekdays=frozenset({5, 6}), day_start=time(9))
    slot = next_allowed(channel="sms", desired=at(2026, 3, 7, 8), policy=saturdays_too)
    assert slot.at == at(2026, 3, 9, 9)


def test_batch_equals_one_by_one():
    channels = ["sms", "email", "letter", "whatsapp", "sms", "visit"] * 20
    desired = [at(2026, 4, 20 + (i % 9), (i * 5) % 24, (i * 7) % 60) for i in range(120)]
    windows = [None, (time(18), time(20)), None, (time(9), time(12)), None, None] * 20
    batch = next_allowed_many(channels=channels, desired=desired, windows=windows)
    for c, d, w, slot in zip(channels, desired, windows, batch, strict=True):
        assert slot == next_allowed(channel=c, desired=d, window=w)


def test_preferred_channel_first():
    assert preferred_channel(["whatsapp", "email"], ["email", "whatsapp"]) == "whatsapp"
    assert preferred_channel(["phone"], ["email", "sms"]) == "email"
    assert preferred_channel([], []) is None
