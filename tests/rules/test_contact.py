"""Quiet hours, preferred windows, frequency caps and next_allowed_moment."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from vangnet.rules.actions import ActionType
from vangnet.rules.contact import (
    ContactPolicy,
    ContactRecord,
    ContactWindow,
    contact_decision,
    contact_moment_decision,
    frequency_decision,
    next_allowed_moment,
)

AMS = ZoneInfo("Europe/Amsterdam")
A = ActionType


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


class TestQuietHours:
    @pytest.mark.parametrize(
        ("moment", "code"),
        [
            (at(2024, 5, 14, 7, 59), "quiet_hours"),
            (at(2024, 5, 14, 8, 0), "contact_moment_ok"),
            (at(2024, 5, 14, 20, 59), "contact_moment_ok"),
            (at(2024, 5, 14, 21, 0), "quiet_hours"),
            (at(2024, 5, 12, 12, 0), "quiet_day_sunday"),
            (at(2024, 5, 11, 12, 0), "contact_moment_ok"),  # Saturday is fine
            (at(2024, 5, 9, 12, 0), "quiet_day_holiday"),  # Ascension Day
            (at(2024, 12, 26, 12, 0), "quiet_day_holiday"),
        ],
    )
    def test_messages(self, moment, code):
        assert contact_moment_decision(A.MESSAGE, moment).code == code

    def test_visits_have_their_own_window(self):
        assert contact_moment_decision(A.VISIT_TASK, at(2024, 5, 14, 7, 30)).allowed
        assert contact_moment_decision(A.VISIT_TASK, at(2024, 5, 14, 7, 29)).blocked
        assert contact_moment_decision(A.VISIT_TASK, at(2024, 5, 14, 20, 59)).allowed
        assert contact_moment_decision(A.CALL_TASK, at(2024, 5, 14, 7, 45)).blocked

    def test_utc_input_is_converted_to_local_time_dst(self):
        # 06:30 UTC on 14 May = 08:30 CEST (allowed); 06:30 UTC on 14 Jan = 07:30 CET
        assert contact_moment_decision(A.MESSAGE, datetime(2024, 5, 14, 6, 30, tzinfo=UTC)).allowed
        assert contact_moment_decision(A.MESSAGE, datetime(2024, 1, 16, 6, 30, tzinfo=UTC)).blocked

    def test_naive_datetime_rejected(self):
        with pytest.raises(ValueError):
            contact_moment_decision(A.MESSAGE, datetime(2024, 5, 14, 10, 0))

    def test_non_contact_action(self):
        assert contact_moment_decision(A.SIGNAL, at(2024, 5, 12, 3)).code == "not_a_contact_moment"

    def test_configurable(self):
        policy = ContactPolicy(
            day_start=time(9), quiet_weekdays=frozenset({5, 6}), quiet_on_public_holidays=False
        )
        assert contact_moment_decision(A.MESSAGE, at(2024, 5, 14, 8, 30), policy=policy).blocked
        assert (
            contact_moment_decision(A.MESSAGE, at(2024, 5, 11, 12), policy=policy).code
            == "quiet_day"
        )
        assert contact_moment_decision(A.MESSAGE, at(2024, 5, 9, 12), policy=policy).allowed


def test_preferred_window():
    evenings = ContactWindow(time(18), time(20), frozenset({0, 1, 2, 3, 4}))
    assert (
        contact_moment_decision(A.CALL_TASK, at(2024, 5, 14, 10), preferred=evenings).code
        == "outside_preferred_window"
    )
    assert contact_moment_decision(A.CALL_TASK, at(2024, 5, 14, 18), preferred=evenings).allowed
    assert contact_moment_decision(A.CALL_TASK, at(2024, 5, 11, 18), preferred=evenings).blocked
    with pytest.raises(ValueError):
        ContactWindow(time(20), time(18))


class TestFrequency:
    def test_one_message_per_day(self):
        history = [ContactRecord(at(2024, 5, 14, 9), A.MESSAGE)]
        assert frequency_decision(A.MESSAGE, at(2024, 5, 14, 17), history).code == (
            "frequency_day_cap"
        )
        assert frequency_decision(A.MESSAGE, at(2024, 5, 15, 9), history).allowed
        # other action types do not count against the message cap
        assert frequency_decision(A.CALL_TASK, at(2024, 5, 14, 17), history).allowed

    def test_three_messages_per_seven_days(self):
        history = [ContactRecord(at(2024, 5, d, 10), A.MESSAGE) for d in (13, 14, 15)]
        assert frequency_decision(A.MESSAGE, at(2024, 5, 16, 10), history).code == (
            "frequency_week_cap"
        )
        # 13 May 10:00 + 7 days = 20 May 10:00: the window has moved on
        assert frequency_decision(A.MESSAGE, at(2024, 5, 20, 10), history).allowed
        assert frequency_decision(A.MESSAGE, at(2024, 5, 20, 9, 59), history).blocked

    def test_cap_looks_forward_at_planned_contacts(self):
        planned = [ContactRecord(at(2024, 5, d, 10), A.MESSAGE) for d in (14, 15, 16)]
        assert frequency_decision(A.MESSAGE, at(2024, 5, 13, 10), planned).blocked

    def test_two_calls_per_day(self):
        calls = [ContactRecord(at(2024, 5, 14, h), A.CALL_TASK) for h in (9, 12)]
        assert frequency_decision(A.CALL_TASK, at(2024, 5, 14, 18), calls).code == (
            "frequency_call_cap"
        )
        assert frequency_decision(A.CALL_TASK, at(2024, 5, 14, 18), calls[:1]).allowed

    def test_visits(self):
        visit = [ContactRecord(at(2024, 5, 14, 9), A.VISIT_TASK)]
        assert frequency_decision(A.VISIT_TASK, at(2024, 5, 14, 18), visit).code == (
            "frequency_visit_cap"
        )


class TestNextAllowedMoment:
    def test_allowed_moment_is_kept(self):
        assert next_allowed_moment(A.MESSAGE, at(2024, 5, 14, 10)) == at(2024, 5, 14, 10)

    def test_late_evening_moves_to_next_morning(self):
        assert next_allowed_moment(A.MESSAGE, at(2024, 5, 14, 22)) == at(2024, 5, 15, 8)

    def test_saturday_night_skips_sunday(self):
        assert next_allowed_moment(A.MESSAGE, at(2024, 5, 11, 22)) == at(2024, 5, 13, 8)

    def test_before_christmas_skips_holidays_and_sunday(self):
        # Tue 24 Dec 2024 22:00 → 25, 26 holidays → Fri 27 Dec 08:00
        assert next_allowed_moment(A.MESSAGE, at(2024, 12, 24, 22)) == at(2024, 12, 27, 8)

    def test_visit_early_morning(self):
        assert next_allowed_moment(A.VISIT_TASK, at(2024, 5, 14, 6)) == at(2024, 5, 14, 7, 30)

    def test_preferred_window(self):
        evenings = ContactWindow(time(18), time(20), frozenset({0, 1, 2, 3, 4}))
        got = next_allowed_moment(A.CALL_TASK, at(2024, 5, 10, 19, 30), preferred=evenings)
        assert got == at(2024, 5, 10, 19, 30)
        got = next_allowed_moment(A.CALL_TASK, at(2024, 5, 10, 20, 30), preferred=evenings)
        assert got == at(2024, 5, 13, 18)  # Friday evening past → Monday 18:00

    def test_frequency_postpones_to_when_the_window_moves(self):
        history = [ContactRecord(at(2024, 6, d, 10), A.MESSAGE) for d in (3, 4, 5)]
        got = next_allowed_moment(A.MESSAGE, at(2024, 6, 6, 9), history=history)
        assert got == at(2024, 6, 10, 10)  # 3 June 10:00 + 7 days
        assert contact_decision(A.MESSAGE, got, history=history).allowed

    def test_frequency_and_holiday_together(self):
        # 13–15 May: the window frees up on Mon 20 May 10:00, but that is Whit Monday;
        # on Tue 21 May 08:00 only 14 and 15 May are within 7 days, so 08:00 is fine.
        history = [ContactRecord(at(2024, 5, d, 10), A.MESSAGE) for d in (13, 14, 15)]
        got = next_allowed_moment(A.MESSAGE, at(2024, 5, 16, 9), history=history)
        assert got == at(2024, 5, 21, 8)

    def test_none_when_impossible(self):
        never = ContactWindow(time(22), time(23))
        assert next_allowed_moment(A.MESSAGE, at(2024, 5, 14), preferred=never) is None

    def test_non_contact_action_unchanged(self):
        moment = at(2024, 5, 12, 3)
        assert next_allowed_moment(A.SIGNAL, moment) == moment

    def test_result_is_always_allowed(self):
        start = at(2024, 3, 28, 23)
        for hours in range(0, 24 * 14, 5):
            proposed = start + timedelta(hours=hours)
            for action in (A.MESSAGE, A.CALL_TASK, A.VISIT_TASK):
                got = next_allowed_moment(action, proposed)
                assert got is not None and got >= proposed
                assert contact_decision(action, got).allowed
