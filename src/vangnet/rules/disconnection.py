"""Disconnection (water, energy) and eviction (rent): last resorts with hard preconditions.

Sources (DOMAIN.md "Disconnection and eviction"): Regeling afsluitbeleid voor
kleinverbruikers van drinkwater (Stcrt. 2012, 7964, amended 2018) [law]; Regeling
afsluitbeleid voor kleinverbruikers van elektriciteit en gas (2011; 2023 changes,
Stcrt. 2023, 10020) [law; winter wording verify]; eviction — only a court can dissolve a
lease [law], courts generally require ≥ 3 months of arrears and look at early signalling
[practice]. Hof Den Haag 19-03-2024 (minors keep water) [practice] is why a water
disconnection with minors in the household is flagged for the human reviewer.

Every allowed outcome still needs a person's approval (``facts.human_approved``) by
default: the engine never disconnects or evicts on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vangnet.rules.calendar_nl import HolidayCheck, add_working_days, is_dutch_public_holiday
from vangnet.rules.decision import Decision, block, combine
from vangnet.rules.facts import CaseFacts, Sector
from vangnet.rules.signals import (
    DEFAULT_SIGNAL_POLICY,
    SignalPolicy,
    energy_checks,
    personal_contact_check,
    reminder_checks,
)
from vangnet.rules.text import date_nl


@dataclass(frozen=True)
class DisconnectionPolicy:
    # DOMAIN.md: energy winter period 1 October – 1 April (2011 text; verify wording).
    # (month, day); start inclusive, end exclusive.
    winter_start: tuple[int, int] = (10, 1)
    winter_end: tuple[int, int] = (4, 1)
    # DOMAIN.md: end-of-supply signal at least 20 working days before supply ends (energy).
    end_of_supply_working_days: int = 20
    # DOMAIN.md: rent — courts generally require ≥ 3 months of arrears [practice].
    eviction_min_months: Decimal = Decimal(3)
    # DESIGN.md: last resorts; a person approves (policy, not law).
    requires_human_approval: bool = True


DEFAULT_DISCONNECTION_POLICY = DisconnectionPolicy()


def in_winter_period(day: date, policy: DisconnectionPolicy = DEFAULT_DISCONNECTION_POLICY) -> bool:
    """True from ``winter_start`` up to (not including) ``winter_end``."""
    md = (day.month, day.day)
    if policy.winter_start <= policy.winter_end:
        return policy.winter_start <= md < policy.winter_end
    return md >= policy.winter_start or md < policy.winter_end


def _planned(facts: CaseFacts, on: date, prefix: str) -> list[Decision]:
    if facts.planned_disconnection_on is None:
        return [
            block(
                f"{prefix}_no_planned_date",
                "Er is geen datum gepland.",
                "No planned date is given.",
            )
        ]
    if facts.planned_disconnection_on < on:
        return [
            block(
                f"{prefix}_planned_in_past",
                "De geplande datum is al voorbij.",
                "The planned date lies in the past.",
            )
        ]
    return []


def _signal_sent(facts: CaseFacts, on: date, prefix: str) -> list[Decision]:
    if facts.signal_sent_on is None or facts.signal_sent_on > on:
        return [
            block(
                f"{prefix}_no_signal",
                "Er is nog geen vroegsignaal naar de gemeente gestuurd.",
                "No early signal has been sent to the municipality.",
            )
        ]
    return []


def _approval(facts: CaseFacts, policy: DisconnectionPolicy, prefix: str) -> list[Decision]:
    if policy.requires_human_approval and not facts.human_approved:
        return [
            block(
                f"{prefix}_needs_human_approval",
                "Dit is een laatste middel. Een medewerker moet eerst akkoord geven.",
                "This is a last resort; a person must approve it first.",
                requires_human_approval=True,
            )
        ]
    return []


def water_disconnection_decision(
    facts: CaseFacts,
    on: date,
    policy: DisconnectionPolicy = DEFAULT_DISCONNECTION_POLICY,
    signal_policy: SignalPolicy = DEFAULT_SIGNAL_POLICY,
) -> Decision:
    """Drinking water: reminder + contact + signal, announcement with water containers, and
    never with a physician's statement of serious health risk. No winter stop for water."""
    p = "disconnection"
    checks: list[Decision] = []
    if facts.medical_statement:
        checks.append(
            block(
                "disconnection_medical_necessity",
                "Er is een medische verklaring. Afsluiten mag niet.",
                "A physician's statement of serious health risk: no disconnection.",
            )
        )
    checks += reminder_checks(facts, on, prefix=p)
    checks += personal_contact_check(facts, on, signal_policy, prefix=p)
    checks += _signal_sent(facts, on, p)
    if facts.announcement_sent_on is None or facts.announcement_sent_on > on:
        checks.append(
            block(
                "disconnection_no_announcement",
                "De klant heeft nog geen aankondiging van de afsluiting gekregen.",
                "The disconnection has not been announced to the customer.",
            )
        )
    elif not facts.announcement_mentions_water_containers:
        checks.append(
            block(
                "disconnection_announcement_no_containers",
                "De aankondiging noemt de waterpakketten (watercontainers) niet.",
                "The announcement does not mention the water containers available on request.",
            )
        )
    checks += _planned(facts, on, p)
    checks += _approval(facts, policy, p)
    return combine(
        checks,
        code="disconnection_allowed",
        nl="Alle stappen zijn gezet. Afsluiten is het laatste middel.",
        en="All prerequisites are met; disconnection remains a last resort.",
        last_resort=True,
        minors_in_household=facts.minors_in_household,
    )


def energy_disconnection_decision(
    facts: CaseFacts,
    on: date,
    policy: DisconnectionPolicy = DEFAULT_DISCONNECTION_POLICY,
    signal_policy: SignalPolicy = DEFAULT_SIGNAL_POLICY,
    holidays: HolidayCheck = is_dutch_public_holiday,
) -> Decision:
    """Energy: winter stop, health risk, pending debt help, the 2023 steps and the
    end-of-supply signal ≥ 20 working days before the planned date."""
    p = "disconnection"
    checks: list[Decision] = []
    planned = facts.planned_disconnection_on
    winter_days = [d for d in (on, planned) if d is not None and in_winter_period(d, policy)]
    if winter_days:
        checks.append(
            block(
                "winter_stop",
                "Van 1 oktober tot 1 april wordt energie niet afgesloten.",
                "Energy is not disconnected for non-payment in the winter period "
                "(1 October – 1 April).",
                dates=tuple(winter_days),
            )
        )
    if facts.serious_health_risk or facts.medical_statement:
        checks.append(
            block(
                "disconnection_health_risk",
                "Afsluiten geeft een ernstig gezondheidsrisico. Dat mag niet.",
                "Disconnection would cause a serious health risk; not allowed.",
            )
        )
    if facts.debt_help_request_pending:
        checks.append(
            block(
                "disconnection_debt_help_pending",
                "De klant heeft hulp bij geldzaken gevraagd. Niet afsluiten.",
                "A debt-help request is pending; no disconnection.",
            )
        )
    checks += energy_checks(facts, on, signal_policy, prefix=p)
    eos = facts.end_of_supply_signal_on
    if eos is None or eos > on:
        checks.append(
            block(
                "disconnection_no_end_of_supply_signal",
                "De gemeente heeft nog geen melding van het einde van de levering.",
                "No end-of-supply signal has been sent to the municipality.",
            )
        )
    elif planned is not None:
        earliest = add_working_days(eos, policy.end_of_supply_working_days, holidays)
        if planned < earliest:
            checks.append(
                block(
                    "disconnection_end_of_supply_signal_too_late",
                    f"Afsluiten kan pas vanaf {date_nl(earliest)}: "
                    f"{policy.end_of_supply_working_days} werkdagen na de melding.",
                    f"Earliest date is {earliest.isoformat()}, "
                    f"{policy.end_of_supply_working_days} working days after the signal.",
                    earliest=earliest,
                )
            )
    checks += _planned(facts, on, p)
    checks += _approval(facts, policy, p)
    return combine(
        checks,
        code="disconnection_allowed",
        nl="Alle stappen zijn gezet. Afsluiten is het laatste middel.",
        en="All prerequisites are met; disconnection remains a last resort.",
        last_resort=True,
    )


def disconnection_decision(
    facts: CaseFacts,
    on: date,
    policy: DisconnectionPolicy = DEFAULT_DISCONNECTION_POLICY,
    signal_policy: SignalPolicy = DEFAULT_SIGNAL_POLICY,
) -> Decision:
    """Dispatch by sector; other sectors cannot disconnect anything."""
    if facts.sector is Sector.DRINKING_WATER:
        return water_disconnection_decision(facts, on, policy, signal_policy)
    if facts.sector is Sector.ENERGY:
        return energy_disconnection_decision(facts, on, policy, signal_policy)
    return block(
        "disconnection_not_applicable",
        "Afsluiten bestaat niet voor deze sector.",
        f"Disconnection does not apply to sector {facts.sector.value!r}.",
    )


def eviction_decision(
    facts: CaseFacts,
    on: date,
    policy: DisconnectionPolicy = DEFAULT_DISCONNECTION_POLICY,
    signal_policy: SignalPolicy = DEFAULT_SIGNAL_POLICY,
) -> Decision:
    """Rent: an eviction request is the very last resort (court, ≥ 3 months, signal sent,
    personal contact tried, plan offered, a person approves)."""
    p = "eviction"
    if facts.sector is not Sector.RENT:
        return block(
            "eviction_not_applicable",
            "Uitzetten bestaat alleen bij huur.",
            "Eviction only applies to rent.",
        )
    checks: list[Decision] = []
    if not facts.court_order:
        checks.append(
            block(
                "eviction_no_court_order",
                "Alleen de rechter kan de huur ontbinden. Er is geen uitspraak.",
                "Only a court can dissolve the lease; there is no court order.",
            )
        )
    if facts.monthly_rent is None or facts.monthly_rent <= 0:
        checks.append(
            block(
                "eviction_rent_unknown",
                "De maandhuur is niet bekend.",
                "The monthly rent is unknown, so the arrears in months cannot be checked.",
            )
        )
    else:
        months = facts.arrears_amount / facts.monthly_rent
        if months < policy.eviction_min_months:
            checks.append(
                block(
                    "eviction_arrears_below_threshold",
                    f"De achterstand is minder dan {policy.eviction_min_months} maanden huur.",
                    f"Arrears are below {policy.eviction_min_months} months of rent.",
                    months=months,
                )
            )
    checks += _signal_sent(facts, on, p)
    checks += personal_contact_check(facts, on, signal_policy, prefix=p)
    if not facts.plan_offered:
        checks.append(
            block(
                "eviction_no_plan_offered",
                "Er is nog geen betalingsregeling aangeboden.",
                "No payment arrangement has been offered.",
            )
        )
    checks += _approval(facts, policy, p)
    return combine(
        checks,
        code="eviction_last_resort",
        nl="Alle stappen zijn gezet. Uitzetten blijft het allerlaatste middel.",
        en="All prerequisites are met; eviction remains the very last resort.",
        last_resort=True,
        requires_human_approval=True,
    )
