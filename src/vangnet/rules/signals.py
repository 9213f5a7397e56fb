"""When a creditor may send an early signal (vroegsignaal) to the municipality.

Sources (DOMAIN.md "When a creditor signals"): rent — Besluit gemeentelijke
schuldhulpverlening art. 2 [law]; drinking water — Regeling afsluitbeleid voor
kleinverbruikers van drinkwater art. 3–5 [law]; energy — Regeling afsluitbeleid voor
kleinverbruikers van elektriciteit en gas (Stcrt. 2023, 10020) [law, partly practice];
health insurance — Zvw art. 18a–18d [law; signal hook verify]; windows — Landelijk
Convenant Vroegsignalering (30 Nov 2022) [practice].

The gate is evidenced: each precondition must be proven by dated facts on or before
``today``; anything missing yields its own reason code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vangnet.rules.decision import Decision, block, combine
from vangnet.rules.facts import CaseFacts, Channel, ContactAttempt, Sector, WrittenReminder
from vangnet.rules.text import eur_en, eur_nl


@dataclass(frozen=True)
class SignalPolicy:
    window_from_days: int = 30  # DOMAIN.md: signal from 30 days in arrears (covenant 2022)
    health_window_to_days: int = 100  # DOMAIN.md: health insurance 30–100 days
    rent_window_to_days: int | None = None  # DOMAIN.md: no upper bound for rent
    energy_min_reminders: int = 3  # DOMAIN.md: at least 3 written reminders (energy)
    energy_min_term_days: int = 14  # DOMAIN.md: each with at least 14 days to pay
    energy_min_channels: int = 2  # DOMAIN.md: "repeatedly via several channels"
    energy_min_attempts: int = 2  # DOMAIN.md: "repeatedly"
    # Which channels count as an effort at *personal* contact [verify]: phone and home
    # visit; written channels are what the reminders already cover.
    personal_channels: frozenset[Channel] = frozenset({Channel.PHONE, Channel.VISIT})
    # DOMAIN.md: health insurance — contact effort not named in Zvw [verify]; off by default.
    health_requires_contact: bool = False


DEFAULT_SIGNAL_POLICY = SignalPolicy()

# Reminder content each sector's rule requires in (one) written reminder.
_REMINDER_FLAGS: dict[Sector, tuple[str, ...]] = {
    Sector.RENT: ("points_to_help", "offers_data_sharing"),  # Bgs art. 2 (b), (d)
    Sector.DRINKING_WATER: (  # Regeling drinkwater art. 3
        "points_to_help",
        "offers_data_sharing",
        "states_medical_exception",
    ),
    Sector.ENERGY: (),
    Sector.HEALTH_INSURANCE: (),
    Sector.OTHER: (),
}

_FLAG_TEXT: dict[str, tuple[str, str, str]] = {
    "points_to_help": (
        "signal_no_help_referral",
        "Geen herinnering wees de klant op hulp bij geldzaken.",
        "No written reminder pointed the customer to debt help.",
    ),
    "offers_data_sharing": (
        "signal_no_data_sharing_offer",
        "Geen herinnering bood aan de gegevens met de gemeente te delen.",
        "No written reminder offered to share the data with the municipality.",
    ),
    "states_medical_exception": (
        "signal_no_medical_exception_notice",
        "Geen herinnering noemde de medische uitzondering.",
        "No written reminder stated the medical exception (water regulation art. 3).",
    ),
}


def _reminders(facts: CaseFacts, today: date) -> list[WrittenReminder]:
    return [r for r in facts.reminders if r.sent_on <= today]


def _attempts(facts: CaseFacts, today: date) -> list[ContactAttempt]:
    return [a for a in facts.contact_attempts if a.on <= today]


def reminder_checks(facts: CaseFacts, today: date, prefix: str = "signal") -> list[Decision]:
    """At least one written reminder with the content the sector requires."""
    reminders = _reminders(facts, today)
    if not reminders:
        return [
            block(
                f"{prefix}_no_written_reminder",
                "Er is nog geen schriftelijke herinnering gestuurd.",
                "No written reminder has been sent yet.",
            )
        ]
    flags = _REMINDER_FLAGS[facts.sector]
    if any(all(getattr(r, f) for f in flags) for r in reminders):
        return []
    missing = [f for f in flags if not any(getattr(r, f) for r in reminders)]
    out = []
    for flag in missing:
        code, nl, en = _FLAG_TEXT[flag]
        out.append(block(code.replace("signal", prefix, 1), nl, en))
    if not out:
        out.append(
            block(
                f"{prefix}_reminder_incomplete",
                "Geen enkele herinnering bevatte alles wat nodig is.",
                "No single written reminder contained every required element.",
                required=flags,
            )
        )
    return out


def personal_contact_check(
    facts: CaseFacts, today: date, policy: SignalPolicy, prefix: str = "signal"
) -> list[Decision]:
    """An effort at personal contact (Bgs art. 2(a); water art. 4)."""
    if any(a.channel in policy.personal_channels for a in _attempts(facts, today)):
        return []
    return [
        block(
            f"{prefix}_no_contact_effort",
            "Er is nog niet geprobeerd de klant persoonlijk te spreken.",
            "No effort at personal contact (phone or home visit) is recorded.",
        )
    ]


def energy_checks(
    facts: CaseFacts, today: date, policy: SignalPolicy, prefix: str = "signal"
) -> list[Decision]:
    """Energy 2023: 3 reminders of ≥14 days, contact via several channels, a plan offered."""
    out: list[Decision] = []
    good = [
        r for r in _reminders(facts, today) if r.payment_term_days >= policy.energy_min_term_days
    ]
    if len(good) < policy.energy_min_reminders:
        out.append(
            block(
                f"{prefix}_energy_needs_three_reminders",
                f"Er zijn {len(good)} van de {policy.energy_min_reminders} herinneringen "
                f"met {policy.energy_min_term_days} dagen betaaltijd gestuurd.",
                f"{len(good)} of {policy.energy_min_reminders} written reminders with at least "
                f"{policy.energy_min_term_days} days to pay were sent.",
                reminders=len(good),
            )
        )
    attempts = _attempts(facts, today)
    channels = {a.channel for a in attempts if a.channel is not Channel.LETTER}
    if not any(a.channel in policy.personal_channels for a in attempts):
        out.extend(personal_contact_check(facts, today, policy, prefix))
    if len(channels) < policy.energy_min_channels or len(attempts) < policy.energy_min_attempts:
        out.append(
            block(
                f"{prefix}_energy_needs_several_channels",
                "Probeer de klant vaker en via meer kanalen te bereiken.",
                f"Energy needs repeated contact attempts via at least "
                f"{policy.energy_min_channels} channels.",
                channels=tuple(sorted(channels)),
                attempts=len(attempts),
            )
        )
    if not facts.plan_offered:
        out.append(
            block(
                f"{prefix}_no_plan_offered",
                "Er is nog geen betalingsregeling aangeboden.",
                "No reasonable payment arrangement has been offered.",
            )
        )
    return out


def signal_decision(
    facts: CaseFacts, today: date, policy: SignalPolicy = DEFAULT_SIGNAL_POLICY
) -> Decision:
    """May the creditor send an early signal about this case today?"""
    checks: list[Decision] = []
    if facts.sector is Sector.OTHER:
        checks.append(
            block(
                "signal_sector_not_covered",
                "Voor deze sector is er geen vroegsignaal.",
                "This sector has no early-signal arrangement.",
            )
        )
    if facts.objection_registered:
        checks.append(
            block(
                "signal_objection",
                "De klant wil niet dat we de gemeente inlichten.",
                "The customer objected to sharing data with the municipality.",
            )
        )
    days = facts.days_in_arrears(today)
    if facts.arrears_since is None or facts.arrears_amount <= 0:
        checks.append(
            block(
                "signal_no_arrears",
                "Er is geen achterstand.",
                "There are no arrears.",
            )
        )
    elif days < policy.window_from_days:
        checks.append(
            block(
                "signal_window_too_early",
                f"De achterstand is {days} dagen oud. Een signaal kan vanaf "
                f"{policy.window_from_days} dagen.",
                f"Arrears are {days} days old; a signal is possible from "
                f"{policy.window_from_days} days.",
                days_in_arrears=days,
            )
        )
    else:
        upper = (
            policy.health_window_to_days
            if facts.sector is Sector.HEALTH_INSURANCE
            else policy.rent_window_to_days
            if facts.sector is Sector.RENT
            else None
        )
        if upper is not None and days > upper:
            checks.append(
                block(
                    "signal_health_window_passed"
                    if facts.sector is Sector.HEALTH_INSURANCE
                    else "signal_window_passed",
                    f"De achterstand is {days} dagen oud. Een signaal kan tot {upper} dagen.",
                    f"Arrears are {days} days old; the signal window ends at {upper} days.",
                    days_in_arrears=days,
                )
            )
    if facts.municipal_minimum is not None and facts.arrears_amount < facts.municipal_minimum:
        checks.append(
            block(
                "signal_below_municipal_minimum",
                f"De achterstand is lager dan {eur_nl(facts.municipal_minimum)}. "
                "De gemeente wil dan nog geen signaal.",
                f"Arrears are below the municipality's minimum of "
                f"{eur_en(facts.municipal_minimum)}.",
            )
        )
    if facts.sector is Sector.ENERGY:
        checks.extend(energy_checks(facts, today, policy))
    elif facts.sector in (Sector.RENT, Sector.DRINKING_WATER):
        checks.extend(reminder_checks(facts, today))
        checks.extend(personal_contact_check(facts, today, policy))
    elif facts.sector is Sector.HEALTH_INSURANCE:
        checks.extend(reminder_checks(facts, today))
        if policy.health_requires_contact:
            checks.extend(personal_contact_check(facts, today, policy))
    return combine(
        checks,
        code="signal_allowed",
        nl="Alle stappen zijn gezet. Het signaal naar de gemeente mag.",
        en="All preconditions are met; the early signal may be sent.",
        days_in_arrears=days,
    )
