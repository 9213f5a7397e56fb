"""Holds: situations in which collection pauses and only some actions remain allowed.

Sources (DOMAIN.md): payment arrangement and dispute — KSVI / Schuldeiserscoalitie good
practice [practice]; debt-help moratorium — Wgs (breathing space) and the practice that
creditors stop collection during debt help [practice]; deceased — nothing automatic, the
estate is handled by a person [practice]; medical necessity — water regulation (no
disconnection after a physician's statement) and energy regulation (serious health risk)
[law]; help accepted after a signal — creditor pauses collection for 30 days [practice:
covenant; Divosa 2023]; promise to pay — wait until the promised date [practice].

The table :data:`HOLD_ALLOWS` is data; docs/rules.md shows it. Several holds: an action is
allowed only when every active hold allows it; the most severe hold is reported first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from vangnet.rules.actions import ActionType
from vangnet.rules.decision import Decision, allow, block, combine

A = ActionType

HELP_ACCEPTED_PAUSE = timedelta(days=30)  # DOMAIN.md: pause collection 30 days [practice]


class HoldType(StrEnum):
    # in order of severity (reported first when several holds block)
    DECEASED = "deceased"
    DEBT_HELP_MORATORIUM = "debt_help_moratorium"
    MEDICAL_NECESSITY = "medical_necessity"
    DISPUTE = "dispute"
    HELP_ACCEPTED = "help_accepted"
    PAYMENT_PLAN = "payment_plan"
    PROMISE_TO_PAY = "promise_to_pay"


#: Which actions remain allowed during each hold.
HOLD_ALLOWS: Mapping[HoldType, frozenset[ActionType]] = MappingProxyType(
    {
        # Nothing automatic at all: a person handles the estate.
        HoldType.DECEASED: frozenset(),
        # Only contact about the help route; creditors stop collecting.
        HoldType.DEBT_HELP_MORATORIUM: frozenset({A.REFERRAL}),
        # Contact and collection go on; disconnection never.
        HoldType.MEDICAL_NECESSITY: frozenset(set(A) - {A.DISCONNECTION_REQUEST}),
        # Talk about the dispute; no escalation and no plan for a disputed amount.
        HoldType.DISPUTE: frozenset({A.MESSAGE, A.CALL_TASK, A.REFERRAL}),
        # 30-day pause after help was accepted: only help and a plan.
        HoldType.HELP_ACCEPTED: frozenset({A.REFERRAL, A.OFFER_PLAN}),
        # Plan-related messages and calls, (re)offering the plan, help; no escalation.
        HoldType.PAYMENT_PLAN: frozenset({A.MESSAGE, A.CALL_TASK, A.OFFER_PLAN, A.REFERRAL}),
        # Wait for the promised date: a reminder message, a plan, help; no escalation.
        HoldType.PROMISE_TO_PAY: frozenset({A.MESSAGE, A.OFFER_PLAN, A.REFERRAL}),
    }
)

_TEXT: Mapping[HoldType, tuple[str, str]] = MappingProxyType(
    {
        HoldType.DECEASED: (
            "De klant is overleden. Een medewerker handelt dit af.",
            "The customer has died; nothing automatic, a person handles the case.",
        ),
        HoldType.DEBT_HELP_MORATORIUM: (
            "De klant krijgt hulp bij geldzaken. We wachten.",
            "Debt help (moratorium) is running; only contact about the help route.",
        ),
        HoldType.MEDICAL_NECESSITY: (
            "Er is een medische reden. Afsluiten mag nooit.",
            "Medical necessity: never disconnect.",
        ),
        HoldType.DISPUTE: (
            "De klant is het niet eens met de rekening. Eerst dat oplossen.",
            "The claim is disputed; resolve the dispute before collecting.",
        ),
        HoldType.HELP_ACCEPTED: (
            "De klant heeft hulp aangenomen. We wachten 30 dagen.",
            "Help was accepted after a signal; collection pauses for 30 days.",
        ),
        HoldType.PAYMENT_PLAN: (
            "Er loopt een betalingsregeling. Alleen berichten over de regeling.",
            "A payment plan is running; only plan-related contact, no escalation.",
        ),
        HoldType.PROMISE_TO_PAY: (
            "De klant heeft beloofd te betalen. We wachten tot die datum.",
            "The customer promised to pay; wait until the promised date.",
        ),
    }
)


@dataclass(frozen=True)
class Hold:
    """A hold from ``start`` up to and including ``until`` (``None``: until lifted)."""

    type: HoldType
    start: date
    until: date | None = None

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


def help_accepted_hold(accepted_on: date) -> Hold:
    """The 30-day pause after help was accepted (DOMAIN.md, covenant)."""
    return Hold(HoldType.HELP_ACCEPTED, accepted_on, accepted_on + HELP_ACCEPTED_PAUSE)


def active_holds(holds: Iterable[Hold], on: date) -> tuple[Hold, ...]:
    """Active holds, most severe first."""
    order = list(HoldType)
    return tuple(sorted((h for h in holds if h.active_on(on)), key=lambda h: order.index(h.type)))


def hold_decision(action: ActionType | str, holds: Iterable[Hold], on: date) -> Decision:
    """Is ``action`` allowed on ``on`` given the case's holds?"""
    action = ActionType(action)
    active = active_holds(holds, on)
    checks: list[Decision] = []
    for hold in active:
        nl, en = _TEXT[hold.type]
        if action in HOLD_ALLOWS[hold.type]:
            checks.append(
                allow(
                    f"hold_{hold.type.value}_allows",
                    f"{nl} Deze stap mag wel.",
                    f"{en} This action is allowed.",
                    hold=hold.type.value,
                )
            )
        else:
            checks.append(
                block(
                    f"hold_{hold.type.value}",
                    nl,
                    en,
                    hold=hold.type.value,
                    action=action.value,
                    until=hold.until,
                )
            )
    if not active:
        return allow("no_active_hold", "Er is geen pauze.", "No hold is active.")
    return combine(
        checks,
        code="hold_allows_action",
        nl="Er is een pauze, maar deze stap mag.",
        en="A hold is active but allows this action.",
    )
