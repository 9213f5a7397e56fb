"""Holds and the actions each still allows."""

from __future__ import annotations

from datetime import date

import pytest

from vangnet.rules.actions import ActionType
from vangnet.rules.holds import (
    HOLD_ALLOWS,
    Hold,
    HoldType,
    active_holds,
    help_accepted_hold,
    hold_decision,
)

A = ActionType
DAY = date(2024, 5, 15)

# Written out by hand (not derived from HOLD_ALLOWS) so a change to the table is noticed.
EXPECTED = {
    HoldType.DECEASED: set(),
    HoldType.DEBT_HELP_MORATORIUM: {A.REFERRAL},
    HoldType.MEDICAL_NECESSITY: set(A) - {A.DISCONNECTION_REQUEST},
    HoldType.DISPUTE: {A.MESSAGE, A.CALL_TASK, A.REFERRAL},
    HoldType.HELP_ACCEPTED: {A.REFERRAL, A.OFFER_PLAN},
    HoldType.PAYMENT_PLAN: {A.MESSAGE, A.CALL_TASK, A.OFFER_PLAN, A.REFERRAL},
    HoldType.PROMISE_TO_PAY: {A.MESSAGE, A.OFFER_PLAN, A.REFERRAL},
}


def test_table_matches_documented_expectations():
    assert {k: set(v) for k, v in HOLD_ALLOWS.items()} == EXPECTED


@pytest.mark.parametrize("hold_type", list(HoldType))
@pytest.mark.parametrize("action", list(ActionType))
def test_each_hold_and_action(hold_type, action):
    d = hold_decision(action, [Hold(hold_type, DAY)], DAY)
    assert d.allowed is (action in EXPECTED[hold_type])
    if d.blocked:
        assert d.code == f"hold_{hold_type.value}"


@pytest.mark.parametrize("action", [A.FOURTEEN_DAY_LETTER, A.CHARGE_COSTS, A.HANDOVER])
def test_payment_plan_blocks_escalation(action):
    assert hold_decision(action, [Hold(HoldType.PAYMENT_PLAN, DAY)], DAY).code == (
        "hold_payment_plan"
    )


def test_no_hold():
    assert hold_decision("charge_costs", [], DAY).code == "no_active_hold"


def test_inactive_holds_are_ignored():
    past = Hold(HoldType.PROMISE_TO_PAY, date(2024, 5, 1), date(2024, 5, 14))
    future = Hold(HoldType.DISPUTE, date(2024, 5, 16))
    assert hold_decision("charge_costs", [past, future], DAY).allowed
    assert Hold(HoldType.PROMISE_TO_PAY, DAY, DAY).active_on(DAY)


def test_help_accepted_pauses_30_days():
    hold = help_accepted_hold(date(2024, 5, 1))
    assert hold.until == date(2024, 5, 31)
    assert hold_decision("message", [hold], date(2024, 5, 31)).code == "hold_help_accepted"
    assert hold_decision("message", [hold], date(2024, 6, 1)).allowed


def test_most_severe_hold_reported_first_and_all_kept():
    holds = [Hold(HoldType.PAYMENT_PLAN, DAY), Hold(HoldType.DECEASED, DAY)]
    assert [h.type for h in active_holds(holds, DAY)] == [
        HoldType.DECEASED,
        HoldType.PAYMENT_PLAN,
    ]
    d = hold_decision("message", holds, DAY)
    assert d.code == "hold_deceased"
    assert d.codes() == ("hold_deceased", "hold_payment_plan_allows")


def test_allowed_under_hold_says_so():
    d = hold_decision("offer_plan", [Hold(HoldType.PAYMENT_PLAN, DAY)], DAY)
    assert d.allowed and d.code == "hold_allows_action"
