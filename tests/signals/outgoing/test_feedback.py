"""Feedback from the municipality, the warm referral and the end-of-supply signal."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

from django.utils import timezone

import pytest

from tests.strategy.conftest import account_in_arrears
from vangnet.core.errors import Invalid
from vangnet.parties.models import Address, Organisation
from vangnet.signals.outgoing import signing
from vangnet.signals.outgoing.models import OutgoingSignal
from vangnet.signals.outgoing.services import (
    end_of_supply_signal_create,
    signal_referral_create,
    signals_sync,
)
from vangnet.strategy.models import Case, CaseEvent, Hold
from vangnet.strategy.run import daily_run

from .conftest import SECRET, make_case

URL = "/signals/out/feedback/"


def post_feedback(client, payload: dict, *, ts: int | None = None, secret: str = SECRET):
    body = json.dumps(payload).encode()
    headers = signing.sign_headers(
        key_id="water-nv",
        key=signing.key_from_secret(secret),
        body=body,
        now=ts or int(time.time()),
    )
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


def test_help_accepted_pauses_the_journey_for_30_days(client, water, utrecht):
    today = timezone.localdate()
    account = account_in_arrears(water, cents=9000, days=40, today=today)
    person = account.customer.person
    person.address = Address.objects.create(
        street="Oudegracht", house_number=1, postcode="3511AB", city="Utrecht"
    )
    person.save()
    daily_run(organisation=water, run_date=today)
    case = Case.objects.get(account=account)
    assert case.status == "open"
    signal = signal_referral_create(
        case=case, consent_recorded_at=timezone.now(), note="via portaal", today=today
    )
    assert signal.warm_handover and signal.status == "queued"

    response = post_feedback(
        client,
        {
            "format": "vangnet-signal-feedback/1",
            "id": signal.wire_id,
            "event": "hulp_aanvaard",
            "on": today.isoformat(),
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["ontvangen"] is True
    hold = Hold.objects.get(account=account)
    assert (hold.kind, hold.starts_on, hold.ends_on) == (
        "help_accepted",
        today,
        today + timedelta(days=30),
    )
    event = CaseEvent.objects.get(case=case, cause="signal_feedback_hulp_aanvaard")
    assert "hulp aanvaard" in event.text
    # The same feedback again changes nothing.
    assert (
        post_feedback(client, {"id": signal.wire_id, "event": "hulp_aanvaard"}).status_code == 200
    )
    assert Hold.objects.filter(account=account).count() == 1

    daily_run(organisation=water, run_date=today + timedelta(days=1))
    case.refresh_from_db()
    assert case.status == "paused"
    assert case.pause_cause == "help_accepted"
    daily_run(organisation=water, run_date=today + timedelta(days=20))
    case.refresh_from_db()
    assert case.status == "paused"


def test_not_picked_up_stores_no_reason(client, water, utrecht):
    case = make_case(water)
    signal = signal_referral_create(case=case, consent_recorded_at=timezone.now())
    response = post_feedback(
        client, {"ID": signal.wire_id, "status": "niet_opgepakt", "reden": "Woont in Zeist"}
    )
    assert response.status_code == 200
    event = CaseEvent.objects.get(case=case, cause="signal_feedback_niet_opgepakt")
    assert event.text == "Gemeente meldt: signaal niet opgepakt."
    signal.refresh_from_db()
    assert signal.feedback == "niet_opgepakt"
    stored = json.dumps(
        [list(CaseEvent.objects.values()), list(OutgoingSignal.objects.values())], default=str
    )
    assert "Zeist" not in stored
    assert not Hold.objects.filter(account=case.account).exists()


def test_feedback_authentication(client, water, utrecht):
    case = make_case(water)
    signal = signal_referral_create(case=case, consent_recorded_at=timezone.now())
    payload = {"id": signal.wire_id, "event": "opgepakt"}
    assert post_feedback(client, payload, ts=int(time.time()) - 360).status_code == 401  # replay
    assert post_feedback(client, payload, secret="wrong").status_code == 401
    assert client.post(URL, data=b"{}", content_type="application/json").status_code == 401
    assert post_feedback(client, {"id": "nonsense", "event": "opgepakt"}).status_code == 404
    assert post_feedback(client, {"id": signal.wire_id, "event": "why"}).status_code == 400
    assert post_feedback(client, payload).status_code == 200


def test_referral_requires_consent(water, utrecht):
    case = make_case(water)
    with pytest.raises(Invalid) as exc:
        signal_referral_create(case=case, consent_recorded_at=None)
    assert exc.value.code == "referral_no_consent"
    assert not OutgoingSignal.objects.exists()


def test_end_of_supply_needs_20_working_days(utrecht):
    energy = Organisation.objects.create(name="Energie BV", slug="energie", sector="energy")
    case = make_case(energy, signal_action=False)
    # From Thursday 1 May 2025, counted by hand: Liberation Day (5 May) and Ascension Day
    # (29 May) are no working days, so Friday 30 May is working day 19 and Monday
    # 2 June is working day 20.
    today = date(2025, 5, 1)
    with pytest.raises(Invalid) as exc:
        end_of_supply_signal_create(case=case, end_of_supply_on=date(2025, 5, 30), today=today)
    assert exc.value.code == "end_of_supply_too_late"
    assert "02-06-2025" in exc.value.nl
    assert not OutgoingSignal.objects.exists()
    signal = end_of_supply_signal_create(case=case, end_of_supply_on=date(2025, 6, 2), today=today)
    assert signal.crisis and signal.end_of_supply_on == date(2025, 6, 2)
    assert signal.evidence["working_days"] == 20
    assert signal.pending_event == "create"
    water = Organisation.objects.create(name="W", slug="w", sector="drinking_water")
    with pytest.raises(Invalid) as exc:
        end_of_supply_signal_create(
            case=make_case(water, signal_action=False),
            end_of_supply_on=date(2025, 7, 1),
            today=today,
        )
    assert exc.value.code == "end_of_supply_not_energy"


def test_sync_closes_on_a_payment_plan_and_withdraws_unsent(water, utrecht):
    from vangnet.strategy.cases import hold_create

    sent = make_case(water)
    unsent = make_case(water)
    for case in (sent, unsent):
        signal_referral_create(case=case, consent_recorded_at=timezone.now())
    OutgoingSignal.objects.filter(case=sent).update(
        status="acknowledged", pending_event="", sent_at=timezone.now(), sent_amount_cents=20000
    )
    today = timezone.localdate()
    for case in (sent, unsent):
        hold_create(account=case.account, kind="payment_plan", starts_on=today)
    summary = signals_sync(organisation_id=water.pk, on=today)
    assert (summary.closed_arrangement, summary.withdrawn_unsent) == (1, 1)
    a = OutgoingSignal.objects.get(case=sent)
    assert (a.pending_event, a.close_reason) == ("close", "arrangement")
    b = OutgoingSignal.objects.get(case=unsent)
    assert (b.status, b.pending_event) == ("closed", "")
    assert signals_sync(organisation_id=water.pk, on=today).closed_arrangement == 0
