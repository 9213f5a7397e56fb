"""Each portal action reaches the owning service and lands on the case timeline."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

import pytest

from tests.portal.conftest import signed_in
from vangnet.rules.calendar_nl import add_working_days
from vangnet.strategy.models import CaseEvent, Hold
from vangnet.workspace.models import Task

pytestmark = pytest.mark.django_db


def test_pay_part_redirects_to_the_provider(client, settings, anna):
    from vangnet.payments.models import ProviderPayment

    settings.VANGNET_PAYMENT_PROVIDER = "testprovider"
    signed_in(client, anna)
    page = client.get("/portaal/betalen/").content.decode()
    assert "€ 120,00" in page and 'value="120,00"' in page
    response = client.post("/portaal/betalen/", {"account": anna.account.pk, "amount": "1"})
    assert "U kunt minimaal € 5,00 betalen." in response.content.decode()
    response = client.post("/portaal/betalen/", {"account": anna.account.pk, "amount": "40,00"})
    assert response.status_code == 302 and "/pay/test/" in response["Location"]
    assert ProviderPayment.objects.get().amount_cents == 4000
    assert CaseEvent.objects.filter(case=anna.case, cause="portal_pay_started").exists()


def test_affordable_plan_is_active_at_once_with_a_plan_hold(client, anna):
    signed_in(client, anna)
    response = client.post(
        "/portaal/regeling/",
        {
            "account": anna.account.pk,
            "months": "4",
            "net_income": "2500",
            "housing_costs": "700",
            "fixed_costs": "200",
        },
    )
    page = response.content.decode()
    assert "Uw betalingsregeling is goedgekeurd" in page and "€ 30,00" in page
    hold = Hold.objects.get(account=anna.account)
    assert hold.kind == "payment_plan" and hold.ends_on is None
    causes = set(CaseEvent.objects.filter(case=anna.case).values_list("cause", flat=True))
    assert {"plan_proposed"} <= causes
    assert not Task.objects.exists()


def test_plan_without_income_waits_and_staff_call_within_two_working_days(client, anna):
    signed_in(client, anna)
    response = client.post(
        "/portaal/regeling/", {"account": anna.account.pk, "months": "3", "phone": "06 1234 5678"}
    )
    assert "We bellen u binnen twee werkdagen" in response.content.decode()
    task = Task.objects.get()
    assert task.kind == "callback" and task.case_id == anna.case.pk
    assert task.due_on == add_working_days(timezone.localdate(), 2)
    assert not Hold.objects.exists()
    assert CaseEvent.objects.filter(case=anna.case, cause="plan_pending").exists()


def test_plan_out_of_policy_shows_the_reason(client, anna):
    signed_in(client, anna)
    response = client.post("/portaal/regeling/", {"account": anna.account.pk, "months": "40"})
    assert response.status_code == 200 and "p-error" in response.content.decode()
    assert not Task.objects.exists()


def test_mandate_on_a_chosen_day_with_iban_check(client, org, anna):
    from vangnet.banking.directdebit.models import DirectDebitProfile, Mandate

    signed_in(client, anna)
    assert "kan nu nog niet online" in client.get("/portaal/incasso/").content.decode()
    DirectDebitProfile.objects.create(
        organisation=org,
        creditor_id="NL69ZZZ123456780000",
        creditor_name="Water",
        iban="NL20INGB0001234567",
        collection_days=[1, 15, 25],
    )
    page = client.get("/portaal/incasso/").content.decode()
    assert "de 25e" in page
    bad = client.post(
        "/portaal/incasso/",
        {
            "account": anna.account.pk,
            "holder_name": "A de Vries",
            "iban": "NL91ABNA0417164301",
            "collection_day": "25",
            "agreed": "on",
        },
    )
    assert bad.status_code == 200 and not Mandate.objects.exists()
    ok = client.post(
        "/portaal/incasso/",
        {
            "account": anna.account.pk,
            "holder_name": "A de Vries",
            "iban": "NL91 ABNA 0417 1643 00",
            "collection_day": "25",
            "agreed": "on",
        },
    )
    assert "rond de 25e" in ok.content.decode()
    m = Mandate.objects.get()
    assert (m.iban, m.collection_day, m.channel) == ("NL91ABNA0417164300", 25, "portal")
    assert CaseEvent.objects.filter(case=anna.case, cause="mandate_signed").exists()


def test_preferences_are_stored_on_the_person(client, anna):
    signed_in(client, anna)
    bad = client.post(
        "/portaal/voorkeuren/",
        {"channels": ["sms"], "window_start": "18:00", "window_end": "09:00"},
    )
    assert "later zijn dan de begintijd" in bad.content.decode()
    client.post(
        "/portaal/voorkeuren/",
        {"channels": ["sms", "email"], "window_start": "18:00", "window_end": "20:30"},
    )
    person = anna.customer.person
    person.refresh_from_db()
    assert person.preferred_channels == ["email", "sms"] or person.preferred_channels == [
        "sms",
        "email",
    ]
    assert (person.contact_window_start, person.contact_window_end) == (time(18), time(20, 30))
    assert CaseEvent.objects.filter(case=anna.case, cause="portal_preferences").exists()


def test_callback_in_a_chosen_slot_becomes_a_task_in_that_window(client, anna):
    signed_in(client, anna)
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    response = client.post(
        "/portaal/terugbellen/", {"on": day.isoformat(), "slot": "evening", "phone": ""}
    )
    assert "We bellen u op" in response.content.decode()
    task = Task.objects.get()
    assert (task.kind, task.due_on, task.window_start, task.window_end, task.phone) == (
        "callback",
        day,
        time(17),
        time(20),
        "+31612345678",
    )
    assert CaseEvent.objects.get(case=anna.case, cause="portal_callback").details["task"] == task.pk
    # Asking twice for the same slot makes no second task.
    client.post("/portaal/terugbellen/", {"on": day.isoformat(), "slot": "evening"})
    assert Task.objects.count() == 1


def test_help_needs_consent_and_makes_a_warm_referral(client, anna):
    from vangnet.portal.models import PortalReferral

    signed_in(client, anna)
    page = client.get("/portaal/hulp/").content.decode()
    assert "gratis" in page and "Utrecht" in page
    refused = client.post("/portaal/hulp/", {"note": "graag"})
    assert "Zonder uw toestemming geven we niets door" in refused.content.decode()
    assert not PortalReferral.objects.exists()
    client.post("/portaal/hulp/", {"consent": "on", "note": "Ik red het niet"})
    ref = PortalReferral.objects.get()
    assert ref.consent_at is not None and ref.case_id == anna.case.pk
    # Either the signals app made the referral signal, or staff got a task to refer.
    assert ref.signal_id is not None or Task.objects.filter(kind="callback").exists()
    if ref.signal_id is not None:
        from vangnet.signals.outgoing.models import OutgoingSignal

        sig = OutgoingSignal.objects.get(pk=ref.signal_id)
        assert sig.warm_handover and sig.consent_recorded_at == ref.consent_at
    assert CaseEvent.objects.filter(case=anna.case, cause="portal_help").exists()


def test_dispute_pauses_collection_and_asks_for_review(client, anna):
    signed_in(client, anna)
    response = client.post(
        "/portaal/melden/",
        {
            "account": anna.account.pk,
            "kind": "dispute",
            "text": "Ik woon hier sinds maart niet meer.",
        },
    )
    assert "geen herinneringen" in response.content.decode()
    hold = Hold.objects.get()
    assert (hold.kind, hold.case_id, hold.ends_on) == ("dispute", anna.case.pk, None)
    task = Task.objects.get()
    assert task.kind == "reply" and "sinds maart" in task.description
    assert (
        CaseEvent.objects.get(case=anna.case, cause="portal_situation").details["hold"] == hold.pk
    )


def test_job_loss_asks_for_review_without_a_hold(client, anna):
    signed_in(client, anna)
    client.post("/portaal/melden/", {"account": anna.account.pk, "kind": "job_loss", "text": ""})
    assert not Hold.objects.exists()
    assert Task.objects.get().priority == 1


def test_daily_run_pauses_the_case_after_a_portal_plan(client, anna):
    from vangnet.strategy.run import daily_run

    signed_in(client, anna)
    client.post(
        "/portaal/regeling/",
        {"account": anna.account.pk, "months": "4", "net_income": "2500", "housing_costs": "700"},
    )
    daily_run(organisation=anna.account.organisation, run_date=timezone.localdate())
    anna.case.refresh_from_db()
    assert anna.case.status == "paused" and anna.case.pause_cause == "payment_plan"
