"""Disconnection (water, energy) and eviction (rent) as last resorts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.rules.facts_helpers import TODAY, complete, reminder
from vangnet.rules.disconnection import (
    DisconnectionPolicy,
    disconnection_decision,
    eviction_decision,
    in_winter_period,
)
from vangnet.rules.facts import Channel, ContactAttempt, Sector

WATER, ENERGY, RENT = Sector.DRINKING_WATER, Sector.ENERGY, Sector.RENT


@pytest.mark.parametrize(
    ("day", "winter"),
    [
        (date(2024, 9, 30), False),
        (date(2024, 10, 1), True),
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), True),
        (date(2025, 3, 31), True),
        (date(2025, 4, 1), False),
        (date(2025, 7, 1), False),
    ],
)
def test_winter_period(day, winter):
    assert in_winter_period(day) is winter


def test_winter_dates_configurable():
    policy = DisconnectionPolicy(winter_start=(11, 15), winter_end=(3, 1))
    assert not in_winter_period(date(2024, 10, 20), policy)
    assert in_winter_period(date(2024, 11, 15), policy)
    assert not in_winter_period(date(2025, 3, 1), policy)


class TestWater:
    def test_complete(self):
        d = disconnection_decision(complete(WATER), TODAY)
        assert d.allowed and d.code == "disconnection_allowed" and d.evidence["last_resort"]

    def test_no_winter_stop_for_water(self):
        winter = date(2024, 12, 10)
        facts = complete(WATER, planned_disconnection_on=winter + timedelta(days=7))
        assert disconnection_decision(facts, winter).allowed

    def test_medical_statement_blocks_first(self):
        d = disconnection_decision(complete(WATER, medical_statement=True), TODAY)
        assert d.code == "disconnection_medical_necessity"

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"reminders": ()}, "disconnection_no_written_reminder"),
            (
                {"reminders": (reminder(50, states_medical_exception=False),)},
                "disconnection_no_medical_exception_notice",
            ),
            ({"contact_attempts": ()}, "disconnection_no_contact_effort"),
            ({"signal_sent_on": None}, "disconnection_no_signal"),
            ({"announcement_sent_on": None}, "disconnection_no_announcement"),
            (
                {"announcement_mentions_water_containers": False},
                "disconnection_announcement_no_containers",
            ),
            ({"planned_disconnection_on": None}, "disconnection_no_planned_date"),
            ({"human_approved": False}, "disconnection_needs_human_approval"),
        ],
    )
    def test_each_prerequisite(self, change, code):
        d = disconnection_decision(complete(WATER, **change), TODAY)
        assert d.blocked and d.code == code

    def test_human_approval_is_configurable(self):
        policy = DisconnectionPolicy(requires_human_approval=False)
        assert disconnection_decision(complete(WATER, human_approved=False), TODAY, policy).allowed


class TestEnergy:
    def test_complete(self):
        assert disconnection_decision(complete(ENERGY), TODAY).allowed

    def test_winter_stop_on_planned_date_or_request_date(self):
        planned_in_winter = complete(ENERGY, planned_disconnection_on=date(2024, 10, 1))
        d = disconnection_decision(planned_in_winter, date(2024, 9, 1))
        assert d.code == "winter_stop"
        request_in_winter = complete(
            ENERGY,
            planned_disconnection_on=date(2025, 4, 15),
            end_of_supply_signal_on=date(2025, 3, 1),
        )
        assert disconnection_decision(request_in_winter, date(2025, 3, 20)).code == "winter_stop"
        assert disconnection_decision(request_in_winter, date(2025, 4, 1)).allowed

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"serious_health_risk": True}, "disconnection_health_risk"),
            ({"medical_statement": True}, "disconnection_health_risk"),
            ({"debt_help_request_pending": True}, "disconnection_debt_help_pending"),
            ({"reminders": (reminder(50),)}, "disconnection_energy_needs_three_reminders"),
            (
                {"contact_attempts": (ContactAttempt(TODAY, Channel.PHONE),)},
                "disconnection_energy_needs_several_channels",
            ),
            (
                {
                    "contact_attempts": (
                        ContactAttempt(TODAY, Channel.SMS),
                        ContactAttempt(TODAY, Channel.EMAIL),
                    )
                },
                "disconnection_no_contact_effort",
            ),
            ({"plan_offered": False}, "disconnection_no_plan_offered"),
            ({"end_of_supply_signal_on": None}, "disconnection_no_end_of_supply_signal"),
            ({"human_approved": False}, "disconnection_needs_human_approval"),
        ],
    )
    def test_each_prerequisite(self, change, code):
        d = disconnection_decision(complete(ENERGY, **change), TODAY)
        assert d.blocked and d.code == code

    def test_end_of_supply_signal_20_working_days(self):
        # Signal Mon 15 Apr 2024; 20 working days later, skipping 27 Apr (Sat anyway),
        # 5 May (Sun anyway), 9 May (Ascension): 14 May 2024.
        facts = complete(ENERGY, end_of_supply_signal_on=date(2024, 4, 15))
        early = complete(
            ENERGY,
            end_of_supply_signal_on=date(2024, 4, 15),
            planned_disconnection_on=date(2024, 5, 13),
        )
        d = disconnection_decision(early, date(2024, 5, 1))
        assert d.code == "disconnection_end_of_supply_signal_too_late"
        assert d.evidence["earliest"] == date(2024, 5, 14)
        ok = complete(
            ENERGY,
            end_of_supply_signal_on=date(2024, 4, 15),
            planned_disconnection_on=date(2024, 5, 14),
        )
        assert disconnection_decision(ok, date(2024, 5, 1)).allowed
        assert disconnection_decision(facts, TODAY).allowed


@pytest.mark.parametrize("sector", [RENT, Sector.HEALTH_INSURANCE, Sector.OTHER])
def test_no_disconnection_outside_water_and_energy(sector):
    assert disconnection_decision(complete(sector), TODAY).code == "disconnection_not_applicable"


class TestEviction:
    def test_complete_is_last_resort(self):
        d = eviction_decision(complete(RENT), TODAY)
        assert d.allowed and d.code == "eviction_last_resort"
        assert d.evidence["requires_human_approval"] and d.evidence["last_resort"]

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"court_order": False}, "eviction_no_court_order"),
            ({"arrears_amount": Decimal("899.99")}, "eviction_arrears_below_threshold"),
            ({"monthly_rent": None}, "eviction_rent_unknown"),
            ({"signal_sent_on": None}, "eviction_no_signal"),
            ({"contact_attempts": ()}, "eviction_no_contact_effort"),
            ({"plan_offered": False}, "eviction_no_plan_offered"),
            ({"human_approved": False}, "eviction_needs_human_approval"),
        ],
    )
    def test_each_prerequisite(self, change, code):
        d = eviction_decision(complete(RENT, **change), TODAY)
        assert d.blocked and d.code == code

    def test_only_for_rent(self):
        assert eviction_decision(complete(ENERGY), TODAY).code == "eviction_not_applicable"
