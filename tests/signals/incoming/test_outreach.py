"""Outreach steps by route, the contact attempts they produce, and re-runs."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.management import call_command

import pytest

from tests.signals.incoming.conftest import receive, signal_body
from vangnet.signals.incoming.constants import MeldingStatus
from vangnet.signals.incoming.meldingen import melding_brp_decide, signals_process
from vangnet.signals.incoming.models import ContactAttempt, Melding, MeldingTask
from vangnet.signals.incoming.outreach import (
    OutreachConfigError,
    attempts_sync,
    meldingen_outreach_run,
    parse_routes,
    segment_of,
)

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
DAY0 = date(2026, 3, 3)  # a Tuesday


@pytest.fixture
def templates(db):
    call_command("signals_in", "templates")


def _melding(partner, body, *, on=DAY0) -> Melding:
    receive(partner, body, at=datetime(on.year, on.month, on.day, 9, tzinfo=AMS))
    signals_process(on=on)
    melding = Melding.objects.get()
    return melding_brp_decide(melding=melding, decision="confirmed", on=on)


def _tasks(melding):
    return [link.task for link in MeldingTask.objects.filter(melding=melding).order_by("pk")]


def test_light_route_sends_a_friendly_message_with_the_residents_link(partners, templates):
    from vangnet.messaging.models import OutboxMessage

    melding = _melding(partners["water"][0], signal_body(amount_cents=9000))
    assert melding.segment == "light"
    report = meldingen_outreach_run(on=DAY0)
    assert report.messages == 1 and not report.skipped
    message = OutboxMessage.objects.get()
    assert message.channel == "sms"  # no e-mail address given, a mobile number is
    assert message.recipient == "+31612345678"
    assert "/signals/in/r/" in message.text and "Utrecht" in message.text
    # Same day again: nothing new.
    assert meldingen_outreach_run(on=DAY0).due == 0
    assert OutboxMessage.objects.count() == 1
    # Day 14: a letter to the home address; day 21: a call.
    meldingen_outreach_run(on=date(2026, 3, 17))
    letter = OutboxMessage.objects.get(channel="letter")
    assert "Dorpsstraat 12" in letter.recipient
    meldingen_outreach_run(on=date(2026, 3, 24))
    assert [t.kind for t in _tasks(melding)] == ["call"]
    # Day 42 and nobody reached: closed as "definitief geen contact".
    meldingen_outreach_run(on=date(2026, 4, 14))
    melding.refresh_from_db()
    assert melding.status == MeldingStatus.CLOSED and melding.result == "no_contact"
    assert _tasks(melding)[0].status == "cancelled"


def test_intensive_route_calls_then_visits_in_the_evening_and_early_morning(partners, templates):
    melding = _melding(partners["rent"][0], signal_body(amount_cents=9000))  # rent is critical
    assert melding.segment == "intensive"
    for day in (DAY0, date(2026, 3, 5), date(2026, 3, 10), date(2026, 3, 17)):
        meldingen_outreach_run(on=day)
    tasks = _tasks(melding)
    assert [t.kind for t in tasks] == ["call", "visit", "visit"]
    assert tasks[0].due_on == date(2026, 3, 5) and tasks[0].phone == "+31612345678"
    assert (tasks[1].window_start, tasks[1].window_end) == (time(18, 0), time(20, 30))
    assert tasks[2].window_start == time(7, 30)


def test_crisis_route_counts_working_days_and_is_urgent(partners, templates):
    # Friday 24 April 2026; Monday 27 April is King's Day.
    melding = _melding(partners["water"][0], signal_body(crisis=True), on=date(2026, 4, 24))
    assert melding.segment == "crisis" and melding.first_contact_due == date(2026, 4, 30)
    meldingen_outreach_run(on=date(2026, 4, 24))  # message
    meldingen_outreach_run(on=date(2026, 4, 25))  # call is step 2, day 0: next run
    melding.refresh_from_db()
    call = _tasks(melding)[0]
    assert call.kind == "call" and call.priority == 1
    # The first visit: working day 2 = Wednesday 29 April (King's Day skipped).
    assert melding.outreach_next_on == date(2026, 4, 29)


def test_large_single_signal_goes_the_intensive_way():
    assert (
        segment_of(crisis=False, multiple=False, consecutive=False, signals=[("Water", 90_000, "")])
        == "intensive"
    )
    assert (
        segment_of(crisis=False, multiple=False, consecutive=False, signals=[("Water", 9_000, "")])
        == "light"
    )
    assert (
        segment_of(crisis=False, multiple=True, consecutive=False, signals=[("Water", 9_000, "")])
        == "intensive"
    )
    assert (
        segment_of(crisis=True, multiple=False, consecutive=False, signals=[("Water", 9_000, "")])
        == "crisis"
    )


def test_sent_message_and_task_outcome_become_ddas_contact_attempts(partners, templates):
    from django.utils import timezone

    from vangnet.messaging.models import OutboxMessage
    from vangnet.workspace.worklist import task_complete

    melding = _melding(partners["rent"][0], signal_body())
    meldingen_outreach_run(on=DAY0)
    meldingen_outreach_run(on=date(2026, 3, 5))
    sent_at = datetime(2026, 3, 3, 19, 15, tzinfo=AMS)
    OutboxMessage.objects.update(status="sent", sent_at=sent_at)
    call = _tasks(melding)[0]
    task_complete(task=call, outcome="reached", note="Gesproken, wil hulp", today=date(2026, 3, 5))
    assert attempts_sync() == 2
    assert attempts_sync() == 0  # idempotent
    attempts = {a.kind: a for a in ContactAttempt.objects.all()}
    assert attempts["SMS/Whatsapp"].day_part == "Avond" and not attempts["SMS/Whatsapp"].reached
    assert attempts["Telefoon"].reached
    melding.refresh_from_db()
    assert melding.status == MeldingStatus.CONTACTED
    # Contacted meldingen leave the automatic route.
    assert meldingen_outreach_run(on=date(2026, 3, 20)).due == 0
    assert timezone.is_aware(attempts["Telefoon"].at)


def test_task_outcome_from_the_melding_page_records_the_attempt_at_once(partners, templates):
    from vangnet.signals.incoming.outreach import melding_task_outcome

    melding = _melding(partners["rent"][0], signal_body())
    meldingen_outreach_run(on=DAY0)
    meldingen_outreach_run(on=date(2026, 3, 5))
    link = MeldingTask.objects.get(melding=melding)
    attempt, created = melding_task_outcome(link=link, outcome="not_reached")
    assert created and attempt.kind == "Telefoon" and not attempt.reached
    assert attempts_sync() == 0  # already recorded under the same key


def test_missing_templates_are_reported_and_the_step_is_retried(partners):
    from vangnet.messaging.content.services import resolve_cache_clear

    resolve_cache_clear()
    melding = _melding(partners["water"][0], signal_body(amount_cents=9000))
    report = meldingen_outreach_run(on=DAY0)
    assert report.messages == 0 and "missing" in report.skipped[0]
    melding.refresh_from_db()
    assert melding.outreach_step == 0 and melding.outreach_next_on == DAY0
    call_command("signals_in", "templates")
    assert meldingen_outreach_run(on=DAY0).messages == 1


def test_route_file_errors_name_the_step():
    with pytest.raises(OutreachConfigError, match="route light step 1"):
        parse_routes(
            {
                "format": "vangnet-outreach/1",
                "routes": {"light": {"steps": [{"action": "fax", "day": 0}]}},
            }
        )
