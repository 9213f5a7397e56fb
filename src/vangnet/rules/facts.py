"""The evidence rules decide on: what the case history proves.

Plain frozen dataclasses, filled by the engine from the ledger, the contact log and the
outbox. The sector and channel values equal those in ``vangnet.parties.constants`` so the
engine can pass them through unchanged (this package imports nothing of ours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Sector(StrEnum):
    DRINKING_WATER = "drinking_water"
    ENERGY = "energy"
    RENT = "rent"
    HEALTH_INSURANCE = "health_insurance"
    OTHER = "other"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    LETTER = "letter"
    PHONE = "phone"
    VISIT = "visit"


@dataclass(frozen=True)
class WrittenReminder:
    """A written reminder (herinnering/aanmaning) and what it said."""

    sent_on: date
    payment_term_days: int = 14
    points_to_help: bool = False  # pointed to (debt) help — Bgs art. 2; water art. 3
    offers_data_sharing: bool = False  # offered to pass data to the municipality
    states_medical_exception: bool = False  # water art. 3: the medical exception


@dataclass(frozen=True)
class ContactAttempt:
    """An attempt to reach the person (DDAS ``Contactpoging``)."""

    on: date
    channel: Channel
    reached: bool = False


@dataclass(frozen=True)
class CaseFacts:
    """Everything the sector rules need to know about one case.

    Defaults describe a case with no history, so a missing fact never opens a gate.
    """

    sector: Sector
    arrears_since: date | None = None  # ontstaansdatum: first unpaid due date
    arrears_amount: Decimal = Decimal(0)
    reminders: tuple[WrittenReminder, ...] = ()
    contact_attempts: tuple[ContactAttempt, ...] = ()
    plan_offered: bool = False
    objection_registered: bool = False  # objection to sharing data with the municipality
    municipal_minimum: Decimal | None = None  # the municipality's minimum signal amount
    signal_sent_on: date | None = None  # vroegsignaal sent to the municipality
    # disconnection
    planned_disconnection_on: date | None = None
    announcement_sent_on: date | None = None
    announcement_mentions_water_containers: bool = False
    medical_statement: bool = False  # water: non-treating physician's statement
    serious_health_risk: bool = False  # energy: serious health risk in the household
    debt_help_request_pending: bool = False
    end_of_supply_signal_on: date | None = None  # energy: signal to the municipality
    minors_in_household: bool = False
    # eviction (rent)
    court_order: bool = False
    monthly_rent: Decimal | None = None
    # a person (not the engine) approved this last-resort step
    human_approved: bool = False

    def days_in_arrears(self, today: date) -> int:
        return 0 if self.arrears_since is None else max(0, (today - self.arrears_since).days)
