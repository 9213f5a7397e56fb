"""The evidenced gate and the routing."""

from __future__ import annotations

from vangnet.signals.outgoing.constants import SignalStatus, WireEvent
from vangnet.signals.outgoing.gate import signals_create_due
from vangnet.signals.outgoing.models import MunicipalityEndpoint, OutgoingSignal
from vangnet.signals.outgoing.routing import Router
from vangnet.strategy.models import Action, CaseEvent

from .conftest import DAY, make_case


def test_water_without_a_reminder_pointing_to_help_is_blocked_with_reasons(water, utrecht):
    case = make_case(water, reminder="reminder-plain")
    summary = signals_create_due(organisation_id=water.pk, on=DAY)
    assert (summary.queued, summary.blocked) == (0, 1)
    signal = OutgoingSignal.objects.get(case=case)
    assert signal.status == SignalStatus.BLOCKED
    assert signal.pending_event == ""
    assert "signal_no_help_referral" in signal.reason_codes
    assert "signal_no_data_sharing_offer" in signal.reason_codes
    # The evidence names the reminder that was sent and what it lacked.
    (reminder,) = signal.evidence["reminders"]
    assert reminder["template"] == "reminder-plain"
    assert reminder["points_to_help"] is False
    assert signal.evidence["data_sharing_offered"] is False
    action = Action.objects.get(case=case, action_type="signal")
    assert action.status == "blocked" and action.reason_code == signal.reason_codes[0]
    assert CaseEvent.objects.get(case=case, cause="signal_blocked")


def test_water_with_a_help_reminder_is_queued_with_its_evidence(water, utrecht):
    case = make_case(water)
    summary = signals_create_due(organisation_id=water.pk, on=DAY)
    assert (summary.queued, summary.blocked) == (1, 0)
    signal = OutgoingSignal.objects.get(case=case)
    assert signal.status == SignalStatus.QUEUED
    assert signal.pending_event == WireEvent.CREATE
    assert signal.reason_codes == ["signal_allowed"]
    ev = signal.evidence
    assert ev["reminders"][0]["sent_on"] == "2025-05-01"
    assert ev["reminders"][0]["points_to_help"] is True
    assert {"on": "2025-05-06", "channel": "phone", "action": "call_task"} in ev["contact_attempts"]
    assert ev["objection_registered"] is False
    assert ev["days_in_arrears"] == 60
    assert ev["routing"]["municipality_code"] == "0344"
    assert all(c["allowed"] for c in ev["checks"])
    assert (signal.amount_cents, signal.signalled_on, signal.arose_on) == (
        20000,
        DAY,
        case.arrears_since,
    )
    assert Action.objects.get(case=case, action_type="signal").status == "done"
    # Idempotent: a re-run adds nothing.
    again = signals_create_due(organisation_id=water.pk, on=DAY)
    assert (again.queued, again.blocked) == (0, 0)
    assert OutgoingSignal.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, cause="signal_queued").count() == 1


def test_objection_blocks(water, utrecht):
    from vangnet.parties.models import Consent

    case = make_case(water)
    Consent.objects.create(
        person=case.account.customer.person, purpose="share_with_municipality", granted=False
    )
    signals_create_due(organisation_id=water.pk, on=DAY)
    assert "signal_objection" in OutgoingSignal.objects.get(case=case).reason_codes


def test_below_the_municipal_minimum_is_not_sent_and_says_why(water, utrecht):
    utrecht.threshold_cents = 25000
    utrecht.save()
    case = make_case(water, arrears_cents=20000)
    signals_create_due(organisation_id=water.pk, on=DAY)
    signal = OutgoingSignal.objects.get(case=case)
    assert signal.status == SignalStatus.BLOCKED
    assert signal.reason_codes == ["signal_below_municipal_minimum"]
    assert signal.evidence["routing"]["threshold_cents"] == 25000


def test_routing_by_postcode_code_and_missing_endpoint(water, utrecht):
    MunicipalityEndpoint.objects.create(code="0363", name="Amsterdam", method="ris_csv")
    router = Router()
    assert router.route(postcode="3511 AB").code == "0344"
    assert router.route(postcode="1011AB").name == "Amsterdam"
    assert router.route(postcode="1011AB").method == "ris_csv"
    # An address that carries its gemeentecode wins over the postcode table.
    assert router.route(postcode="1011AB", code="0344").name == "Utrecht"
    assert router.route(postcode="1099ZZ").problem == "signal_postcode_unknown"
    assert router.route(postcode="2511AB").problem == "signal_no_municipality_endpoint"  # Den Haag

    case = make_case(water, postcode="2511AB")
    signals_create_due(organisation_id=water.pk, on=DAY)
    signal = OutgoingSignal.objects.get(case=case)
    assert signal.status == SignalStatus.BLOCKED
    assert signal.reason_codes[0] == "signal_no_municipality_endpoint"
    assert signal.evidence["routing"]["municipality"] == "'s-Gravenhage"
