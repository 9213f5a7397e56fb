"""Early-signal preconditions per sector (Bgs art. 2; water and energy regulations; covenant)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.rules.facts_helpers import TODAY, complete, reminder
from vangnet.rules.facts import Channel, ContactAttempt, Sector
from vangnet.rules.signals import SignalPolicy, signal_decision

SIGNALLING = [Sector.RENT, Sector.DRINKING_WATER, Sector.ENERGY, Sector.HEALTH_INSURANCE]


@pytest.mark.parametrize("sector", SIGNALLING)
def test_complete_case_may_signal(sector):
    d = signal_decision(complete(sector), TODAY)
    assert d.allowed and d.code == "signal_allowed", d.blocking_codes()


@pytest.mark.parametrize("sector", SIGNALLING)
def test_objection_blocks(sector):
    assert signal_decision(complete(sector, objection_registered=True), TODAY).code == (
        "signal_objection"
    )


@pytest.mark.parametrize("sector", SIGNALLING)
def test_window_from_30_days(sector):
    early = complete(sector, arrears_since=TODAY - timedelta(days=29))
    assert signal_decision(early, TODAY).code == "signal_window_too_early"
    on_time = complete(sector, arrears_since=TODAY - timedelta(days=30))
    assert signal_decision(on_time, TODAY).allowed


def test_health_window_30_to_100_days():
    assert signal_decision(
        complete(Sector.HEALTH_INSURANCE, arrears_since=TODAY - timedelta(days=100)), TODAY
    ).allowed
    late = complete(Sector.HEALTH_INSURANCE, arrears_since=TODAY - timedelta(days=101))
    assert signal_decision(late, TODAY).code == "signal_health_window_passed"
    wider = SignalPolicy(health_window_to_days=120)
    assert signal_decision(late, TODAY, wider).allowed


@pytest.mark.parametrize("sector", [Sector.RENT, Sector.DRINKING_WATER, Sector.ENERGY])
def test_no_upper_window_for_rent_water_energy(sector):
    old = complete(sector, arrears_since=TODAY - timedelta(days=2000))
    assert signal_decision(old, TODAY).allowed


@pytest.mark.parametrize("sector", SIGNALLING)
def test_municipal_minimum(sector):
    small = complete(sector, arrears_amount=Decimal("74.99"))
    d = signal_decision(small, TODAY)
    assert d.code == "signal_below_municipal_minimum" and "€ 75,00" in d.nl
    assert signal_decision(
        complete(sector, municipal_minimum=None, arrears_amount=Decimal(5)), TODAY
    ).allowed


@pytest.mark.parametrize("sector", SIGNALLING)
def test_no_reminder(sector):
    d = signal_decision(complete(sector, reminders=()), TODAY)
    expected = (
        "signal_energy_needs_three_reminders"
        if sector is Sector.ENERGY
        else ("signal_no_written_reminder")
    )
    assert d.code == expected


def test_reminders_after_today_do_not_count():
    future = complete(Sector.RENT, reminders=(reminder(-1),))
    assert signal_decision(future, TODAY).code == "signal_no_written_reminder"


def test_rent_reminder_must_point_to_help_and_offer_sharing():
    d = signal_decision(
        complete(
            Sector.RENT, reminders=(reminder(50, points_to_help=False, offers_data_sharing=False),)
        ),
        TODAY,
    )
    assert d.blocking_codes() == ("signal_no_help_referral", "signal_no_data_sharing_offer")
    # medical exception is not needed for rent
    assert signal_decision(
        complete(Sector.RENT, reminders=(reminder(50, states_medical_exception=False),)), TODAY
    ).allowed


def test_water_reminder_must_state_medical_exception():
    d = signal_decision(
        complete(Sector.DRINKING_WATER, reminders=(reminder(50, states_medical_exception=False),)),
        TODAY,
    )
    assert d.code == "signal_no_medical_exception_notice"


def test_water_elements_spread_over_reminders_is_incomplete():
    spread = (
        reminder(60, offers_data_sharing=False),
        reminder(50, points_to_help=False),
    )
    d = signal_decision(complete(Sector.DRINKING_WATER, reminders=spread), TODAY)
    assert d.code == "signal_reminder_incomplete"


@pytest.mark.parametrize("sector", [Sector.RENT, Sector.DRINKING_WATER])
def test_personal_contact_needed(sector):
    written_only = (ContactAttempt(TODAY - timedelta(days=5), Channel.EMAIL),)
    d = signal_decision(complete(sector, contact_attempts=written_only), TODAY)
    assert d.code == "signal_no_contact_effort"


class TestEnergy:
    def test_two_reminders_are_not_enough(self):
        d = signal_decision(complete(Sector.ENERGY, reminders=(reminder(60), reminder(40))), TODAY)
        assert d.code == "signal_energy_needs_three_reminders" and d.evidence["reminders"] == 2

    def test_reminder_terms_must_be_14_days(self):
        short = (reminder(90), reminder(70), reminder(50, payment_term_days=7))
        d = signal_decision(complete(Sector.ENERGY, reminders=short), TODAY)
        assert d.code == "signal_energy_needs_three_reminders"

    def test_several_channels(self):
        one_channel = (
            ContactAttempt(TODAY - timedelta(days=9), Channel.PHONE),
            ContactAttempt(TODAY - timedelta(days=8), Channel.PHONE),
        )
        d = signal_decision(complete(Sector.ENERGY, contact_attempts=one_channel), TODAY)
        assert d.code == "signal_energy_needs_several_channels"

    def test_plan_offered(self):
        d = signal_decision(complete(Sector.ENERGY, plan_offered=False), TODAY)
        assert d.code == "signal_no_plan_offered"


def test_other_sector_and_no_arrears():
    assert signal_decision(complete(Sector.OTHER), TODAY).code == "signal_sector_not_covered"
    none = complete(Sector.RENT, arrears_since=None)
    assert signal_decision(none, TODAY).code == "signal_no_arrears"
