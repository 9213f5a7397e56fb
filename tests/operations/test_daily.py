"""`vangnet daily`: every step in order on a small synthetic book, and a re-run adds nothing."""

from __future__ import annotations

from datetime import date, datetime, time
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

import pytest

from vangnet.core.models import AuditEvent
from vangnet.messaging.models import OutboxMessage
from vangnet.operations.daily import STEP_CODES, daily_operations
from vangnet.simulation.generator import Horizon
from vangnet.simulation.services import demo_build
from vangnet.strategy.models import Action, Case

TODAY = date(2025, 6, 10)


@pytest.fixture
def book(db):
    from vangnet.messaging.content.library import library_load

    library_load()
    return demo_build(households=300, horizon=Horizon(today=TODAY, months=6), seed=3).organisation


def _now() -> datetime:
    return timezone.make_aware(datetime.combine(TODAY, time(11, 0)))


def test_all_steps_run_in_order_and_a_rerun_adds_nothing(book):
    results = daily_operations(organisation=book, on=TODAY, now=_now())
    assert [r.code for r in results] == list(STEP_CODES)
    assert all(not r.error for r in results)
    # The demo book has no direct-debit profile: those steps are skipped, not failed.
    assert {r.code for r in results if r.skipped} == {"settle", "collections"}
    cases, actions, outbox = (
        Case.objects.count(),
        Action.objects.count(),
        OutboxMessage.objects.count(),
    )
    assert cases > 0 and actions > 0
    # The run decided today's contacts and the outbox step rendered them.
    assert outbox > 0

    daily_operations(organisation=book, on=TODAY, now=_now())
    assert (Case.objects.count(), Action.objects.count(), OutboxMessage.objects.count()) == (
        cases,
        actions,
        outbox,
    )


def test_only_selected_steps_and_unknown_steps_refused(book):
    results = daily_operations(organisation=book, on=TODAY, now=_now(), only=("run",))
    assert [r.code for r in results] == ["run"]
    assert OutboxMessage.objects.count() == 0
    with pytest.raises(ValueError, match="unknown step"):
        daily_operations(organisation=book, on=TODAY, now=_now(), only=("nap",))


def test_command_prints_each_step_and_audits(book):
    out = StringIO()
    call_command("daily", "--date", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "Dagelijkse run" in text and "Berichten klaarzetten" in text
    assert AuditEvent.objects.filter(action="daily_operations").count() == 1
