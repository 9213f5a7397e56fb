"""Builders for complete (all-prerequisites-met) case facts per sector."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from vangnet.rules.facts import CaseFacts, Channel, ContactAttempt, Sector, WrittenReminder

TODAY = date(2024, 5, 15)


def reminder(days_ago: int, **kw: Any) -> WrittenReminder:
    flags = {"points_to_help": True, "offers_data_sharing": True, "states_medical_exception": True}
    return WrittenReminder(TODAY - timedelta(days=days_ago), **{**flags, **kw})


def complete(sector: Sector, **changes: Any) -> CaseFacts:
    """Facts that satisfy every precondition of ``sector`` on TODAY (2024-05-15)."""
    facts = CaseFacts(
        sector=sector,
        arrears_since=TODAY - timedelta(days=120),
        arrears_amount=Decimal("900"),
        reminders=(reminder(90), reminder(70), reminder(50)),
        contact_attempts=(
            ContactAttempt(TODAY - timedelta(days=40), Channel.PHONE),
            ContactAttempt(TODAY - timedelta(days=35), Channel.SMS),
            ContactAttempt(TODAY - timedelta(days=30), Channel.VISIT),
        ),
        plan_offered=True,
        municipal_minimum=Decimal("75"),
        signal_sent_on=TODAY - timedelta(days=30),
        planned_disconnection_on=TODAY + timedelta(days=14),
        announcement_sent_on=TODAY - timedelta(days=10),
        announcement_mentions_water_containers=True,
        end_of_supply_signal_on=TODAY - timedelta(days=30),
        court_order=True,
        monthly_rent=Decimal("300"),
        human_approved=True,
    )
    if sector is Sector.HEALTH_INSURANCE:
        facts = replace(facts, arrears_since=TODAY - timedelta(days=60))
    return replace(facts, **changes)
