"""The bridge from the engine's data to ``vangnet.rules.guardrails.check_action``.

The rules package is pure Python and knows nothing of Django; this module turns a case's
history (its earlier actions and the facts of the templates they used), its holds and
the person's flags into the rules' ``CaseFacts``/``CaseContext``, calls ``check_action``
and turns the decision into what the run stores: planned (possibly postponed to the next
allowed moment when only the moment was wrong — quiet hours, Sunday, the person's own
window, a frequency cap) or blocked, with every reason kept.

Speed: ``check_action`` costs ~50 µs. For action types whose rules do not read the case
facts (messages, calls, visits, plan offers, referrals, the 14-day letter itself) the
context carries only the sector, so identical contexts repeat and the decision is
memoised; gate types (signal, costs, disconnection, eviction, hand-over) get the full
facts. The property test in tests/strategy rebuilds the *full* context for every written
action and checks that ``check_action`` allows it, so a rule that starts reading facts
for a message would fail that test rather than pass silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from vangnet.rules.actions import CONTACT_ACTIONS
from vangnet.rules.actions import ActionType as RuleAction
from vangnet.rules.contact import ContactPolicy, ContactRecord, ContactWindow, next_allowed_moment
from vangnet.rules.decision import Decision
from vangnet.rules.disconnection import DisconnectionPolicy
from vangnet.rules.facts import CaseFacts, ContactAttempt, WrittenReminder
from vangnet.rules.facts import Channel as RuleChannel
from vangnet.rules.facts import Sector as RuleSector
from vangnet.rules.fourteen_day_letter import LetterContent, SentLetter, TermWording
from vangnet.rules.guardrails import CaseContext, Policy, ProposedAction, check_action
from vangnet.rules.holds import Hold as RuleHold
from vangnet.rules.holds import HoldType
from vangnet.rules.signals import SignalPolicy
from vangnet.rules.wik import collection_costs
from vangnet.strategy.constants import ActionType, HoldKind

HOLD_TYPES: dict[str, HoldType] = {
    HoldKind.PAYMENT_PLAN: HoldType.PAYMENT_PLAN,
    HoldKind.DISPUTE: HoldType.DISPUTE,
    HoldKind.MORATORIUM: HoldType.DEBT_HELP_MORATORIUM,
    HoldKind.DECEASED: HoldType.DECEASED,
    HoldKind.MEDICAL: HoldType.MEDICAL_NECESSITY,
    HoldKind.PROMISE_TO_PAY: HoldType.PROMISE_TO_PAY,
    HoldKind.HELP_ACCEPTED: HoldType.HELP_ACCEPTED,
}

# Blocks that only concern the moment: the run postpones to the next allowed moment.
POSTPONABLE: frozenset[str] = frozenset(
    {
        "quiet_hours",
        "quiet_day",
        "quiet_day_sunday",
        "quiet_day_holiday",
        "outside_preferred_window",
        "frequency_day_cap",
        "frequency_week_cap",
        "frequency_call_cap",
        "frequency_visit_cap",
    }
)

# Action types whose rules read the case facts (DOMAIN.md gates).
FACT_GATED: frozenset[str] = frozenset(
    {
        ActionType.SIGNAL,
        ActionType.DISCONNECTION_REQUEST,
        ActionType.EVICTION_REQUEST,
        ActionType.HANDOVER,
    }
)

# Days between a disconnection request and the planned disconnection date [policy; the
# regulations name no number — the announcement and the 20 working days for energy are
# checked separately].
DEFAULT_DISCONNECTION_NOTICE_DAYS = 14

_MESSAGE_CHANNELS = {c.value for c in RuleChannel}


@dataclass(frozen=True)
class HistoryItem:
    """One earlier effective action of the case, as the rules need it."""

    action_type: str
    channel: str
    template: str
    on: date  # local date of scheduled_for
    at: datetime
    amount_cents: int | None = None
    principal_cents: int | None = None


@dataclass(frozen=True)
class CaseInfo:
    """What the guardrails need to know about one case besides its history."""

    sector: str
    arrears_cents: int
    arrears_since: date | None
    holds: tuple[RuleHold, ...] = ()
    share_refused: bool = False
    medical_necessity: bool = False
    in_debt_help: bool = False
    window: ContactWindow | None = None


@dataclass(frozen=True)
class EngineSettings:
    """The rules policy plus the engine's own values, from ``StrategyPolicy``."""

    policy: Policy = field(default_factory=Policy)
    vat: bool = False
    disconnection_notice_days: int = DEFAULT_DISCONNECTION_NOTICE_DAYS


def _coerce(value: Any, current: Any) -> Any:
    if isinstance(current, bool):
        return bool(value)
    if isinstance(current, time):
        return time.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(current, timedelta):
        return timedelta(days=value) if isinstance(value, int | float) else value
    if isinstance(current, frozenset):
        return frozenset(value)
    if isinstance(current, tuple):
        return tuple(value)
    if isinstance(current, Decimal):
        return Decimal(str(value))
    return value


def _replace(obj: Any, overrides: Mapping[str, Any]) -> Any:
    fields = {f.name for f in dataclasses.fields(obj)}
    changes = {k: _coerce(v, getattr(obj, k)) for k, v in overrides.items() if k in fields}
    return dataclasses.replace(obj, **changes) if changes else obj


def settings_from(config: Mapping[str, Any] | None) -> EngineSettings:
    """Build the settings from ``StrategyPolicy.guardrail_policy``.

    Example: ``{"contact": {"day_start": "09:00", "max_messages_per_window": 2},
    "disconnection": {"requires_human_approval": true}, "postal_days": 3, "vat": false}``.
    Unknown keys are ignored; the rules' defaults (with their DOMAIN.md citations) apply.
    """
    config = config or {}
    base = Policy()
    policy = dataclasses.replace(
        base,
        contact=_replace(base.contact, config.get("contact", {})),
        signal=_replace(base.signal, config.get("signal", {})),
        disconnection=_replace(base.disconnection, config.get("disconnection", {})),
        postal_days=int(config.get("postal_days", base.postal_days)),
    )
    return EngineSettings(
        policy=policy,
        vat=bool(config.get("vat", False)),
        disconnection_notice_days=int(
            config.get("disconnection_notice_days", DEFAULT_DISCONNECTION_NOTICE_DAYS)
        ),
    )


def rule_holds(kinds_and_periods: Sequence[tuple[str, date, date | None]]) -> tuple[RuleHold, ...]:
    return tuple(
        RuleHold(HOLD_TYPES[kind], start, until)
        for kind, start, until in kinds_and_periods
        if kind in HOLD_TYPES
    )


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def euros(amount_cents: int) -> Decimal:
    return (Decimal(int(amount_cents)) / 100).quantize(Decimal("0.01"))


def letter_content(
    facts: Mapping[str, Any], *, principal_cents: int, stated_cents: int | None, vat: bool
) -> LetterContent:
    """What a 14-day letter says, from its template's facts and the amounts we state."""
    return LetterContent(
        principal=euros(principal_cents),
        stated_costs=None if stated_cents is None else euros(stated_cents),
        default_established=bool(facts.get("default_established", False)),
        consequences_stated=bool(facts.get("consequences_stated", False)),
        term_days=int(facts.get("term_days", 14)),
        term_wording=TermWording(facts.get("term_wording", "after_receipt")),
        vat=vat,
    )


def stated_costs_cents(principal_cents: int, *, settings: EngineSettings) -> int:
    """The exact WIK costs a 14-day letter must state for this principal."""
    return cents(
        collection_costs(euros(principal_cents), vat=settings.vat, scale=settings.policy.wik)
    )


def latest_letter(
    history: Sequence[HistoryItem],
    templates: Mapping[str, Mapping[str, Any]],
    settings: EngineSettings,
) -> tuple[SentLetter | None, int]:
    """The most recent effective 14-day letter and the principal it named (cents)."""
    letters = [h for h in history if h.action_type == ActionType.FOURTEEN_DAY_LETTER]
    if not letters:
        return None, 0
    last = max(letters, key=lambda h: (h.on, h.at))
    principal = last.principal_cents or 0
    content = letter_content(
        templates.get(last.template, {}),
        principal_cents=principal,
        stated_cents=last.amount_cents,
        vat=settings.vat,
    )
    return SentLetter(content=content, sent_on=last.on), principal


def case_facts(
    info: CaseInfo,
    history: Sequence[HistoryItem],
    templates: Mapping[str, Mapping[str, Any]],
    *,
    today: date,
    settings: EngineSettings,
) -> CaseFacts:
    """The full facts the sector gates decide on, proven by the case's own history."""
    reminders: list[WrittenReminder] = []
    attempts: list[ContactAttempt] = []
    plan_offered = False
    signal_on: date | None = None
    end_of_supply_on: date | None = None
    announcement_on: date | None = None
    containers = False
    for item in sorted(history, key=lambda h: (h.on, h.at)):
        tf = templates.get(item.template, {})
        if tf.get("written_reminder"):
            reminders.append(
                WrittenReminder(
                    sent_on=item.on,
                    payment_term_days=int(tf.get("payment_term_days", 14)),
                    points_to_help=bool(tf.get("points_to_help")),
                    offers_data_sharing=bool(tf.get("offers_data_sharing")),
                    states_medical_exception=bool(tf.get("states_medical_exception")),
                )
            )
        if (
            item.action_type in (ActionType.MESSAGE, ActionType.CALL_TASK, ActionType.VISIT_TASK)
            and item.channel in _MESSAGE_CHANNELS
        ):
            attempts.append(ContactAttempt(on=item.on, channel=RuleChannel(item.channel)))
        if item.action_type == ActionType.OFFER_PLAN:
            plan_offered = True
        if item.action_type == ActionType.SIGNAL:
            if tf.get("end_of_supply"):
                end_of_supply_on = end_of_supply_on or item.on
            else:
                signal_on = signal_on or item.on
        if tf.get("disconnection_announcement"):
            announcement_on = item.on
            containers = bool(tf.get("mentions_water_containers"))
    sector = info.sector if info.sector in RuleSector._value2member_map_ else "other"
    return CaseFacts(
        sector=RuleSector(sector),
        arrears_since=info.arrears_since,
        arrears_amount=euros(info.arrears_cents),
        reminders=tuple(reminders),
        contact_attempts=tuple(attempts),
        plan_offered=plan_offered,
        objection_registered=info.share_refused,
        signal_sent_on=signal_on,
        planned_disconnection_on=today + timedelta(days=settings.disconnection_notice_days),
        announcement_sent_on=announcement_on,
        announcement_mentions_water_containers=containers,
        medical_statement=info.medical_necessity,
        serious_health_risk=info.medical_necessity,
        debt_help_request_pending=info.in_debt_help,
        end_of_supply_signal_on=end_of_supply_on,
    )


def contact_history(history: Sequence[HistoryItem]) -> tuple[ContactRecord, ...]:
    return tuple(
        ContactRecord(at=h.at, action=RuleAction(h.action_type))
        for h in sorted(history, key=lambda h: h.at)
        if h.action_type in CONTACT_ACTIONS
    )


def context_for(
    action_type: str,
    info: CaseInfo,
    history: Sequence[HistoryItem],
    templates: Mapping[str, Mapping[str, Any]],
    *,
    today: date,
    settings: EngineSettings,
    full: bool = False,
) -> CaseContext:
    """The ``CaseContext`` for one proposed action (trimmed unless ``full`` or gated)."""
    if full or action_type in FACT_GATED:
        facts = case_facts(info, history, templates, today=today, settings=settings)
    else:
        sector = info.sector if info.sector in RuleSector._value2member_map_ else "other"
        facts = CaseFacts(sector=RuleSector(sector))
    letter, principal_cents, paid = None, 0, 0
    if full or action_type == ActionType.CHARGE_COSTS:
        letter, principal_cents = latest_letter(history, templates, settings)
        paid = max(0, principal_cents - info.arrears_cents) if letter else 0
    return CaseContext(
        facts=facts,
        holds=info.holds,
        letter=letter,
        principal=euros(principal_cents),
        paid_within_term=euros(paid),
        contact_history=contact_history(history) if full or action_type in CONTACT_ACTIONS else (),
        preferred_window=info.window if full or action_type in CONTACT_ACTIONS else None,
    )


@dataclass(frozen=True)
class Verdict:
    """The run's outcome for one proposed action."""

    allowed: bool
    at: datetime
    decision: Decision
    postponed_from: datetime | None = None
    first_decision: Decision | None = None

    @property
    def reason_code(self) -> str:
        if self.allowed:
            return (
                "postponed_" + self.first_decision.code
                if self.first_decision
                else self.decision.code
            )
        codes = self.decision.blocking_codes()
        return codes[0] if codes else self.decision.code


def costs_amount(decision: Decision) -> Decimal | None:
    """The WIK amount an allowed ``charge_costs`` decision carries (from its WIK rule)."""
    for leaf in decision.walk():
        if leaf.code == "wik_costs_allowed":
            return leaf.evidence.get("amount")
    return None


def decision_json(decision: Decision) -> dict[str, Any]:
    """A decision as stored in ``Action.explanation``: every rule that was evaluated.

    ``checks`` lists the code of every leaf rule; allowed ones as ``"code"``, blocking
    ones as ``{"code", "nl"}`` with their reason, so the page can say why without
    re-running the rules, and 100,000 allowed reminders do not each carry the same
    sentences. ``evidence`` (amounts, dates) is kept for blocked decisions and for the
    amounts of allowed costs.
    """
    checks: list[Any] = []
    for leaf in decision.walk():
        if leaf.reasons:
            continue
        checks.append(leaf.code if leaf.allowed else {"code": leaf.code, "nl": leaf.nl})
    out: dict[str, Any] = {
        "allowed": decision.allowed,
        "code": decision.code,
        "nl": decision.nl,
        "checks": checks,
    }
    if decision.blocked:
        out["evidence"] = dict(decision.evidence)
    amount = costs_amount(decision)
    if amount is not None:
        out["amount"] = amount
    return out


class Checker:
    """Calls ``check_action`` with memoisation and the postpone-or-block policy."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self._cache: dict[tuple[ProposedAction, CaseContext], Decision] = {}
        self.calls = 0

    def check(self, action: ProposedAction, context: CaseContext) -> Decision:
        key = (action, context)
        decision = self._cache.get(key)
        if decision is None:
            self.calls += 1
            decision = check_action(action, context, self.settings.policy)
            if len(self._cache) < 200_000:
                self._cache[key] = decision
        return decision

    def verdict(
        self,
        *,
        action_type: str,
        at: datetime,
        context: CaseContext,
        letter: LetterContent | None = None,
    ) -> Verdict:
        proposed = ProposedAction(RuleAction(action_type), at, letter)
        decision = self.check(proposed, context)
        if decision.allowed:
            return Verdict(True, at, decision)
        blocking = decision.blocking_codes()
        if blocking and all(code in POSTPONABLE for code in blocking):
            later = next_allowed_moment(
                RuleAction(action_type),
                at,
                history=context.contact_history,
                preferred=context.preferred_window,
                policy=self.settings.policy.contact,
            )
            if later is not None:
                again = self.check(ProposedAction(RuleAction(action_type), later, letter), context)
                if again.allowed:
                    return Verdict(True, later, again, postponed_from=at, first_decision=decision)
        return Verdict(False, at, decision)


__all__ = [
    "POSTPONABLE",
    "CaseInfo",
    "Checker",
    "ContactPolicy",
    "DisconnectionPolicy",
    "EngineSettings",
    "HistoryItem",
    "SignalPolicy",
    "Verdict",
    "case_facts",
    "context_for",
    "decision_json",
    "letter_content",
    "settings_from",
    "stated_costs_cents",
]
