"""The action types the engine proposes and the guardrails judge."""

from __future__ import annotations

from enum import StrEnum


class ActionType(StrEnum):
    MESSAGE = "message"  # e-mail, SMS, WhatsApp, letter (non-statutory)
    CALL_TASK = "call_task"  # a call by staff or a contact centre
    VISIT_TASK = "visit_task"  # a home visit
    FOURTEEN_DAY_LETTER = "fourteen_day_letter"  # WIK letter, art. 6:96(6) BW
    CHARGE_COSTS = "charge_costs"  # book WIK costs
    OFFER_PLAN = "offer_plan"  # offer a payment arrangement
    SIGNAL = "signal"  # early signal to the municipality
    REFERRAL = "referral"  # refer to (debt) help
    HANDOVER = "handover"  # hand over to a collection agency or bailiff
    DISCONNECTION_REQUEST = "disconnection_request"
    EVICTION_REQUEST = "eviction_request"


#: Actions that contact the person at a moment: quiet hours and frequency caps apply.
CONTACT_ACTIONS: frozenset[ActionType] = frozenset(
    {ActionType.MESSAGE, ActionType.CALL_TASK, ActionType.VISIT_TASK}
)
