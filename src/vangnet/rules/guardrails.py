"""The one entry point the engine calls before any action goes into the outbox.

``check_action`` composes the rules in order of importance — holds first, then the moment
and frequency of contact, then the action's own legal gate (14-day letter, WIK costs, early
signal, disconnection with the winter stop, eviction) — and returns the first block with
every evaluated reason kept in ``Decision.reasons``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from vangnet.rules.actions import CONTACT_ACTIONS, ActionType
from vangnet.rules.contact import (
    DEFAULT_CONTACT_POLICY,
    ContactPolicy,
    ContactRecord,
    ContactWindow,
    contact_decision,
)
from vangnet.rules.decision import Decision, block, combine
from vangnet.rules.disconnection import (
    DEFAULT_DISCONNECTION_POLICY,
    DisconnectionPolicy,
    disconnection_decision,
    eviction_decision,
)
from vangnet.rules.facts import CaseFacts
from vangnet.rules.fourteen_day_letter import (
    POSTAL_DAYS,
    LetterContent,
    SentLetter,
    costs_allowed,
    letter_content_decision,
)
from vangnet.rules.holds import Hold, hold_decision
from vangnet.rules.signals import DEFAULT_SIGNAL_POLICY, SignalPolicy, personal_contact_check
from vangnet.rules.signals import signal_decision as _signal_decision
from vangnet.rules.wik import DEFAULT_SCALE, WikScale


@dataclass(frozen=True)
class Policy:
    """Every configurable value the guardrails use; the defaults cite DOMAIN.md in the
    policy classes they come from."""

    contact: ContactPolicy = DEFAULT_CONTACT_POLICY  # contact.py: quiet hours and caps
    signal: SignalPolicy = DEFAULT_SIGNAL_POLICY  # signals.py: windows, energy counts
    disconnection: DisconnectionPolicy = DEFAULT_DISCONNECTION_POLICY  # winter, 20 days
    wik: WikScale = DEFAULT_SCALE  # wik.py: staffel, €40, €6,775, 21% VAT
    postal_days: int = POSTAL_DAYS  # DOMAIN.md: postal delivery, default 2 working days


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class ProposedAction:
    """What the engine wants to do, and when (a timezone-aware moment)."""

    action: ActionType
    at: datetime
    letter_content: LetterContent | None = None  # for fourteen_day_letter


@dataclass(frozen=True)
class CaseContext:
    """What is known about the case when the action is proposed."""

    facts: CaseFacts
    holds: tuple[Hold, ...] = ()
    letter: SentLetter | None = None  # the 14-day letter sent for the current claim
    principal: Decimal = Decimal(0)  # principal named in that letter, open when sent
    paid_within_term: Decimal = Decimal(0)
    contact_history: tuple[ContactRecord, ...] = ()
    preferred_window: ContactWindow | None = field(default=None)


def check_action(
    action: ProposedAction, context: CaseContext, policy: Policy = DEFAULT_POLICY
) -> Decision:
    """May ``action`` go ahead for this case? First block wins; all reasons are kept."""
    kind = ActionType(action.action)
    if action.at.tzinfo is None or action.at.utcoffset() is None:
        raise ValueError("ProposedAction.at must be timezone-aware")
    today = action.at.astimezone(policy.contact.zone).date()
    facts = context.facts

    decisions = [hold_decision(kind, context.holds, today)]
    if kind in CONTACT_ACTIONS:
        decisions.append(
            contact_decision(
                kind,
                action.at,
                history=context.contact_history,
                preferred=context.preferred_window,
                policy=policy.contact,
            )
        )
    if kind is ActionType.FOURTEEN_DAY_LETTER:
        if action.letter_content is None:
            decisions.append(
                block(
                    "letter_content_missing",
                    "De inhoud van de brief is niet bekend. Eerst controleren.",
                    "The letter's content is missing, so it cannot be checked.",
                )
            )
        else:
            decisions.append(
                letter_content_decision(
                    action.letter_content,
                    scale=policy.wik,
                    sent_on=today,
                    postal_days=policy.postal_days,
                )
            )
    elif kind is ActionType.CHARGE_COSTS:
        decisions.append(
            costs_allowed(
                context.letter,
                today=today,
                principal=context.principal,
                paid_within_term=context.paid_within_term,
                postal_days=policy.postal_days,
                scale=policy.wik,
            )
        )
    elif kind is ActionType.SIGNAL:
        decisions.append(_signal_decision(facts, today, policy.signal))
    elif kind is ActionType.DISCONNECTION_REQUEST:
        decisions.append(disconnection_decision(facts, today, policy.disconnection, policy.signal))
    elif kind is ActionType.EVICTION_REQUEST:
        decisions.append(eviction_decision(facts, today, policy.disconnection, policy.signal))
    elif kind is ActionType.HANDOVER:
        # Schuldeiserscoalitie/KSVI: attempt personal contact before handing over [practice].
        decisions.extend(personal_contact_check(facts, today, policy.signal, prefix="handover"))
    return combine(
        decisions,
        code="action_allowed",
        nl="Deze stap mag.",
        en="The action is allowed.",
        action=kind.value,
    )
