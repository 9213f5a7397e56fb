"""Matching and bundling end to end, repeats, the crisis term and the BRP check."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.signals.incoming.conftest import receive, signal_body
from vangnet.core.errors import Invalid
from vangnet.parties.models import Address, Person
from vangnet.signals.incoming.constants import MeldingStatus
from vangnet.signals.incoming.meldingen import (
    BRP_DECISIONS,
    ManualBrpChecker,
    brp_check_run,
    melding_brp_decide,
    signals_process,
)
from vangnet.signals.incoming.models import IncomingSignal, Melding, PartnerFeedback

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def at(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=AMS)


def test_two_creditors_one_address_make_one_multiple_melding(partners):
    water, rent = partners["water"][0], partners["rent"][0]
    receive(water, signal_body("W-1", surname="Dijk"), at=at(2026, 3, 2))
    # The landlord spells the name differently and puts the prefix in the surname.
    receive(rent, signal_body("H-1", surname="van Dyk", postcode="3511 ab"), at=at(2026, 3, 9))
    report = signals_process(on=date(2026, 3, 9), now=at(2026, 3, 9, 12))
    assert report.meldingen_created == 1
    melding = Melding.objects.get()
    assert melding.multiple and not melding.consecutive
    assert melding.status == MeldingStatus.BRP_CHECK
    assert melding.month == date(2026, 3, 1)
    signals = IncomingSignal.objects.all()
    assert {s.melding_id for s in signals} == {melding.pk}
    # One resident was created for both signals (name + DOB + address), with the address.
    assert Person.objects.count() == 1 and Address.objects.count() == 1
    assert {s.person_id for s in signals} == {melding.person_id}


def test_a_later_signal_in_the_same_month_joins_the_melding(partners):
    water, rent = partners["water"][0], partners["rent"][0]
    receive(water, signal_body("W-1"), at=at(2026, 3, 2))
    signals_process(on=date(2026, 3, 2), now=at(2026, 3, 2, 12))
    receive(rent, signal_body("H-1"), at=at(2026, 3, 20))
    report = signals_process(on=date(2026, 3, 20), now=at(2026, 3, 20, 12))
    assert report.meldingen_created == 0 and report.meldingen_updated == 1
    melding = Melding.objects.get()
    assert melding.multiple and melding.signals.count() == 2


def test_matching_uses_an_existing_resident(partners):
    address = Address.objects.create(
        street="Dorpsstraat", house_number=12, postcode="3511 AB", city="Utrecht"
    )
    person = Person.objects.create(
        initials="J.", surname="Jansen", date_of_birth=date(1980, 5, 1), address=address
    )
    receive(partners["water"][0], signal_body("W-1", surname="Janssen"), at=at(2026, 3, 2))
    signals_process(on=date(2026, 3, 2))
    signal = IncomingSignal.objects.get()
    assert signal.person_id == person.pk and signal.match_method == "name_dob_address"
    assert Person.objects.count() == 1


def test_other_person_at_the_same_address_is_not_merged(partners):
    receive(partners["water"][0], signal_body("W-1"), at=at(2026, 3, 2))
    receive(
        partners["rent"][0],
        signal_body("H-1", surname="Bakker", dob="1960-01-01"),
        at=at(2026, 3, 3),
    )
    signals_process(on=date(2026, 3, 3))
    assert Person.objects.count() == 2
    assert Melding.objects.count() == 1  # bundled per address all the same


def test_repeat_is_not_picked_up_and_the_partner_hears_only_that(partners):
    water = partners["water"][0]
    receive(water, signal_body("W-1", amount_cents=20000), at=at(2026, 1, 10))
    signals_process(on=date(2026, 1, 10))
    # Same customer, same arrears, not increased, two months later.
    receive(water, signal_body("W-2", amount_cents=18000), at=at(2026, 3, 10))
    report = signals_process(on=date(2026, 3, 10))
    assert report.repeated == 1
    repeat = IncomingSignal.objects.get(external_id="W-2")
    assert repeat.status == "Niet opgepakt: herhaalde melding" and repeat.melding is None
    assert Melding.objects.count() == 1  # no new melding for March
    feedback = PartnerFeedback.objects.get(external_id="W-2")
    assert feedback.event == "niet_opgepakt"


def test_increased_arrears_is_not_a_repeat_and_is_consecutive(partners):
    water = partners["water"][0]
    receive(water, signal_body("W-1", amount_cents=20000), at=at(2026, 1, 10))
    signals_process(on=date(2026, 1, 10))
    receive(water, signal_body("W-2", amount_cents=30000), at=at(2026, 3, 10))
    signals_process(on=date(2026, 3, 10))
    march = Melding.objects.get(month=date(2026, 3, 1))
    assert march.consecutive and not march.multiple


def test_crisis_first_contact_is_due_in_three_working_days(partners):
    receive(partners["water"][0], signal_body("W-1", crisis=True), at=at(2026, 4, 24))
    # Friday 24 April 2026; Monday 27 April is King's Day: Tue 28, Wed 29, Thu 30.
    signals_process(on=date(2026, 4, 24))
    melding = Melding.objects.get()
    assert melding.crisis and melding.first_contact_due == date(2026, 4, 30)


def test_signal_withdrawn_before_processing_makes_no_melding(partners):
    from vangnet.signals.incoming.intake import signal_receive
    from vangnet.signals.incoming.wire import parse_envelope

    water = partners["water"][0]
    receive(water, signal_body("W-1"), at=at(2026, 3, 2))
    close = {
        "format": "vangnet-signal/1",
        "event": "close",
        "signal": {"id": "W-1", "reason": "paid"},
    }
    signal_receive(partner=water, record=parse_envelope(close))
    report = signals_process(on=date(2026, 3, 3))
    assert report.withdrawn == 1 and not Melding.objects.exists()


def test_processing_twice_writes_nothing_new(partners):
    receive(partners["water"][0], signal_body("W-1"), at=at(2026, 3, 2))
    signals_process(on=date(2026, 3, 2))
    assert signals_process(on=date(2026, 3, 2)).signals == 0
    assert Melding.objects.count() == 1


@pytest.fixture
def melding(partners):
    receive(partners["water"][0], signal_body("W-1"), at=at(2026, 3, 2))
    signals_process(on=date(2026, 3, 2))
    return Melding.objects.get()


def test_brp_confirm_starts_outreach_and_tells_partner_it_was_picked_up(melding):
    melding = melding_brp_decide(melding=melding, decision="confirmed", on=date(2026, 3, 3))
    assert melding.status == MeldingStatus.OUTREACH
    assert melding.picked_up_on == date(2026, 3, 3) and melding.segment == "light"
    assert PartnerFeedback.objects.get().event == "opgepakt"
    with pytest.raises(Invalid):
        melding_brp_decide(melding=melding, decision="confirmed")


@pytest.mark.parametrize("decision", ["not_resident", "deceased"])
def test_brp_not_resident_or_deceased_closes_with_feedback(melding, decision):
    melding = melding_brp_decide(melding=melding, decision=decision, on=date(2026, 3, 3))
    assert melding.status == MeldingStatus.CLOSED and melding.result == decision
    signal = IncomingSignal.objects.get()
    assert signal.status in {
        "Inwoner is overleden",
        "Persoon is geen inwoner (meer) in de gemeente",
    }
    feedback = PartnerFeedback.objects.get()
    assert feedback.event == "niet_opgepakt"
    assert melding.purge_after == date(2026, 9, 3)
    if decision == "deceased":
        assert Person.objects.get().deceased_on == date(2026, 3, 3)


def test_manual_checker_leaves_meldingen_waiting_and_a_plugged_one_decides(melding):
    assert brp_check_run(checker=ManualBrpChecker()) == {"waiting": 1}

    class Registry:
        def check(self, m):
            return "confirmed"

    assert brp_check_run(checker=Registry(), on=date(2026, 3, 3)) == {"confirmed": 1}
    assert "confirmed" in BRP_DECISIONS
    assert Melding.objects.get().status == MeldingStatus.OUTREACH


def test_brp_page_buttons(client, melding, django_user_model):
    from django.contrib.auth.models import Permission

    from vangnet.core.models import AccessLogEntry

    user = django_user_model.objects.create_user("brp", password="x")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_melding", "change_melding"])
    )
    client.force_login(user)
    page = client.get("/signals/in/brp/")
    assert page.status_code == 200 and "Geen inwoner" in page.content.decode()
    assert AccessLogEntry.objects.filter(object_type="melding", object_id=str(melding.pk)).exists()
    response = client.post(
        f"/signals/in/meldingen/{melding.pk}/brp/", {"decision": "not_resident", "next": "brp"}
    )
    assert response.status_code == 302
    assert Melding.objects.get().result == "not_resident"
