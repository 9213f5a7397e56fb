"""Case page services: each writes its change, a case event and an audit record."""

from __future__ import annotations

from datetime import time, timedelta

from django.contrib.auth.models import User

import pytest

from tests.workspace.test_case_timeline import make_case
from vangnet.core.errors import Invalid
from vangnet.core.models import AuditEvent
from vangnet.strategy.constants import CaseEventKind, CaseStatus, HoldKind
from vangnet.strategy.models import CaseEvent, Hold
from vangnet.workspace import case_actions
from vangnet.workspace.constants import CAUSE_ARREARS_REASON, CAUSE_HOLD, CAUSE_PREFERENCES
from vangnet.workspace.selectors import case_arrears_reason

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db) -> User:
    return User.objects.create_user("clerk", first_name="Kees", last_name="Klerk")


@pytest.fixture
def case(ledger):
    return make_case(ledger.jansen, ledger.today)


def test_hold_pauses_the_case_now_with_the_runs_event_key(case, clerk, ledger):
    until = ledger.today + timedelta(days=14)
    hold = case_actions.case_hold_add(
        case=case,
        kind=HoldKind.DISPUTE,
        reason="Klant betwist de meterstand",
        ends_on=until,
        actor=clerk,
        today=ledger.today,
    )
    case.refresh_from_db()
    assert (case.status, case.paused_until, case.pause_cause) == ("paused", until, "dispute")
    assert hold.case_id == case.pk and hold.created_by == clerk
    paused = CaseEvent.objects.get(case=case, kind=CaseEventKind.PAUSED)
    # The same key the daily run uses: its INSERT … ON CONFLICT DO NOTHING skips it.
    assert paused.key == f"paused:{case.pk}:{ledger.today.isoformat()}"
    note = CaseEvent.objects.get(case=case, cause=CAUSE_HOLD)
    assert "Klant betwist de meterstand" in note.text and note.actor == clerk
    audit = AuditEvent.objects.get(action="case_hold_added")
    assert audit.actor == clerk and audit.details["paused"] is True


def test_medical_hold_keeps_the_journey_running(case, clerk, ledger):
    case_actions.case_hold_add(
        case=case,
        kind=HoldKind.MEDICAL,
        reason="Verklaring arts",
        ends_on=ledger.today + timedelta(days=90),
        actor=clerk,
        today=ledger.today,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert Hold.objects.filter(case=case, kind=HoldKind.MEDICAL).count() == 1


@pytest.mark.parametrize(
    ("kind", "reason", "days", "code"),
    [
        (HoldKind.DISPUTE, "", 5, "hold_reason"),
        (HoldKind.DISPUTE, "x", -1, "hold_end_past"),
        (HoldKind.DISPUTE, "x", 400, "hold_too_long"),
        (HoldKind.PAYMENT_PLAN, "x", 5, "hold_kind"),
    ],
)
def test_bad_holds_are_refused_and_write_nothing(case, clerk, ledger, kind, reason, days, code):
    with pytest.raises(Invalid) as exc:
        case_actions.case_hold_add(
            case=case,
            kind=kind,
            reason=reason,
            ends_on=ledger.today + timedelta(days=days),
            actor=clerk,
            today=ledger.today,
        )
    assert exc.value.code == code
    assert not Hold.objects.exists()
    assert not CaseEvent.objects.filter(case=case).exists()


def test_closed_case_takes_no_hold(case, clerk, ledger):
    case.status = CaseStatus.CLOSED
    case.save()
    with pytest.raises(Invalid) as exc:
        case_actions.case_hold_add(
            case=case,
            kind=HoldKind.DISPUTE,
            reason="x",
            ends_on=ledger.today + timedelta(days=3),
            actor=clerk,
            today=ledger.today,
        )
    assert exc.value.code == "case_closed"
    assert not Hold.objects.exists()


def test_a_long_note_is_kept_whole(case, clerk, ledger):
    text = "Klant vertelt over de situatie. " * 20  # > 300 characters
    event = case_actions.case_note_add(case=case, text=text, actor=clerk, today=ledger.today)
    assert len(event.text) == 300
    assert event.details["note"] == text.strip()
    assert AuditEvent.objects.filter(action="case_note_added", object_id=str(case.pk)).exists()
    with pytest.raises(Invalid):
        case_actions.case_note_add(case=case, text="   ", actor=clerk, today=ledger.today)


def test_the_latest_arrears_reason_counts(case, clerk, ledger):
    assert case_arrears_reason(case_id=case.pk) is None
    case_actions.case_arrears_reason_set(
        case=case, reason="forgot", actor=clerk, today=ledger.today - timedelta(days=3)
    )
    case_actions.case_arrears_reason_set(
        case=case, reason="income_drop", note="Baan kwijt", actor=clerk, today=ledger.today
    )
    code, label, on = case_arrears_reason(case_id=case.pk)
    assert (code, label, on) == ("income_drop", "Minder inkomen", ledger.today)
    assert CaseEvent.objects.filter(case=case, cause=CAUSE_ARREARS_REASON).count() == 2
    with pytest.raises(Invalid):
        case_actions.case_arrears_reason_set(case=case, reason="lazy", actor=clerk)


def test_plan_start_goes_through_arrangements(case, clerk, ledger):
    from vangnet.arrangements.models import PaymentPlan

    plan = case_actions.case_plan_start(case=case, actor=clerk, months=5, today=ledger.today)
    assert plan.account_id == ledger.jansen.pk
    assert plan.instalment_count == 5
    # Jansen's arrears: € 125,00 overdue (fixture), nothing charged on top.
    assert plan.total_cents == 12500
    assert CaseEvent.objects.filter(case=case, cause="plan_proposed").exists()
    assert AuditEvent.objects.get(action="case_plan_started").details["plan_id"] == plan.pk
    with pytest.raises(Invalid) as exc:  # a live plan already
        case_actions.case_plan_start(case=case, actor=clerk, months=3, today=ledger.today)
    assert exc.value.code == "plan_exists"
    assert PaymentPlan.objects.count() == 1


def _charge(case, account, amount=4000):
    from vangnet.arrangements.models import ChargedCost

    return ChargedCost.objects.create(
        organisation_id=account.organisation_id,
        account=account,
        case=case,
        kind="wik_costs",
        principal_cents=12500,
        amount_cents=amount,
        computed_on=case.opened_on,
        explanation="WIK",
    )


def test_waive_costs_of_this_case_only(case, clerk, ledger):
    mine = _charge(case, ledger.jansen)
    other_case = make_case(ledger.de_vries, ledger.today)
    theirs = _charge(other_case, ledger.de_vries)
    with pytest.raises(Invalid) as exc:
        case_actions.case_costs_waive(case=case, charge_id=theirs.pk, reason="x", actor=clerk)
    assert exc.value.code == "charge_unknown"
    with pytest.raises(Invalid):  # a reason is required (arrangements says so)
        case_actions.case_costs_waive(case=case, charge_id=mine.pk, reason=" ", actor=clerk)
    case_actions.case_costs_waive(
        case=case, charge_id=mine.pk, reason="Ziekte", actor=clerk, today=ledger.today
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.waived and mine.waiver_reason == "Ziekte" and not theirs.waived
    assert CaseEvent.objects.filter(case=case, cause="costs_waived").count() == 1
    assert AuditEvent.objects.filter(action="case_costs_waived").count() == 1
    # Waiving twice changes nothing and writes no second audit line.
    case_actions.case_costs_waive(case=case, charge_id=mine.pk, reason="Ziekte", actor=clerk)
    assert AuditEvent.objects.filter(action="case_costs_waived").count() == 1


def test_referral_needs_consent_and_records_it(case, clerk, ledger):
    from vangnet.parties.models import Consent
    from vangnet.signals.outgoing.models import MunicipalityEndpoint, OutgoingSignal

    address = ledger.jansen.customer.person.address
    address.municipality_code = "0344"
    address.save()
    MunicipalityEndpoint.objects.create(code="0344", name="Utrecht")
    with pytest.raises(Invalid) as exc:
        case_actions.case_refer(case=case, consent=False, actor=clerk)
    assert exc.value.code == "referral_no_consent"
    assert not OutgoingSignal.objects.exists()
    signal = case_actions.case_refer(
        case=case, consent=True, note="Wil hulp bij geldzaken", actor=clerk, today=ledger.today
    )
    assert signal.kind == "referral" and signal.warm_handover
    consent = Consent.objects.get(
        person=ledger.jansen.customer.person, purpose="share_with_municipality"
    )
    assert consent.granted and signal.consent_recorded_at == consent.recorded_at
    assert CaseEvent.objects.filter(case=case, cause="signal_referral").exists()
    assert AuditEvent.objects.get(action="case_referred").details["signal_id"] == signal.pk


def test_referral_without_a_route_leaves_no_consent_behind(case, clerk, ledger):
    from vangnet.parties.models import Consent

    with pytest.raises(Invalid):
        case_actions.case_refer(case=case, consent=True, actor=clerk, today=ledger.today)
    # The consent was written in the same transaction as the refused signal.
    assert not Consent.objects.filter(purpose="share_with_municipality").exists()


def test_preferences_change_with_an_event(case, clerk, ledger):
    person = case_actions.person_preferences_change(
        case=case,
        channels=["phone", "sms", "phone"],
        window_start=time(18, 0),
        window_end=time(20, 30),
        actor=clerk,
        today=ledger.today,
    )
    person.refresh_from_db()
    assert person.preferred_channels == ["phone", "sms"]
    assert (person.contact_window_start, person.contact_window_end) == (time(18), time(20, 30))
    event = CaseEvent.objects.get(case=case, cause=CAUSE_PREFERENCES)
    assert "telefoon, sms" in event.text and "18:00–20:30" in event.text
    assert event.details["before"]["channels"] == ["sms", "email"]
    # Saving the same again is not a change.
    case_actions.person_preferences_change(
        case=case,
        channels=["phone", "sms"],
        window_start=time(18, 0),
        window_end=time(20, 30),
        actor=clerk,
    )
    assert CaseEvent.objects.filter(case=case, cause=CAUSE_PREFERENCES).count() == 1


@pytest.mark.parametrize(
    ("channels", "start", "end", "code"),
    [
        (["pigeon"], None, None, "channel_unknown"),
        (["sms"], time(9), None, "window_half"),
        (["sms"], time(17), time(9), "window_order"),
    ],
)
def test_bad_preferences_are_refused(case, clerk, channels, start, end, code):
    with pytest.raises(Invalid) as exc:
        case_actions.person_preferences_change(
            case=case, channels=channels, window_start=start, window_end=end, actor=clerk
        )
    assert exc.value.code == code
    assert not CaseEvent.objects.exists()
