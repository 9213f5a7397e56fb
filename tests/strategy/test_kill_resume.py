"""Kill the run (SIGKILL) at each phase, run it again: the day ends exactly as an
uninterrupted run on an identical book does — no duplicate, nothing missing.

Two organisations with identical books live in one test database: "kill" is run as a
subprocess that kills itself at a phase (``VANGNET_RUN_KILL_AT``) and is then re-run;
"control" is run once. Their cases, actions and events are compared by customer number.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date, time, timedelta
from pathlib import Path

from django.db import connection

import pytest

from vangnet.ledger.models import Account, Customer, Invoice
from vangnet.parties.models import ContactPoint, Organisation, Person
from vangnet.strategy.models import Action, Case, CaseEvent, DailyRun

DAY = date(2025, 6, 10)
VANGNET = str(Path(sys.executable).with_name("vangnet"))


def build_book(organisation: Organisation, n: int = 14) -> None:
    for k in range(n):
        person = Person.objects.create(
            surname=f"Persoon {k}",
            in_debt_help=k % 5 == 0,
            preferred_channels=["sms"] if k % 4 == 1 else [],
            contact_window_start=time(18) if k % 6 == 2 else None,
            contact_window_end=time(21) if k % 6 == 2 else None,
        )
        if k % 3:
            ContactPoint.objects.create(person=person, kind="email", value=f"p{k}@example.nl")
        if k % 2:
            ContactPoint.objects.create(person=person, kind="mobile", value=f"+3161234{k:04d}")
        customer = Customer.objects.create(organisation=organisation, number=f"K{k}", person=person)
        account = Account.objects.create(
            organisation=organisation, customer=customer, number=f"C{k}"
        )
        for j in range(1 + k % 3):
            due = DAY - timedelta(days=3 + 10 * k + 30 * j)
            Invoice.objects.create(
                organisation=organisation,
                account=account,
                number=f"F{k}-{j}",
                issue_date=due - timedelta(days=14),
                due_date=due,
                amount_cents=1500 + 700 * k,
                open_amount_cents=1500 + 700 * k,
            )


def state(organisation: Organisation) -> dict[str, list[tuple]]:
    number = "account__customer__number"
    cases = sorted(
        Case.objects.filter(organisation=organisation).values_list(
            number,
            "status",
            "segment",
            "step_position",
            "last_step_on",
            "next_step_on",
            "arrears_cents",
            "journey_day0",
            "score_band",
        )
    )
    actions = sorted(
        Action.objects.filter(organisation=organisation).values_list(
            f"case__{number}",
            "step__position",
            "run_date",
            "action_type",
            "channel",
            "template",
            "status",
            "reason_code",
            "amount_cents",
            "scheduled_for",
        )
    )
    events = sorted(
        CaseEvent.objects.filter(case__organisation=organisation).values_list(
            f"case__{number}", "on", "kind", "cause", "text"
        )
    )
    explanations = sorted(
        (
            a.case.account.customer.number,
            a.run_date,
            a.explanation["segment"]["code"],
            a.explanation["step"]["position"],
            a.explanation["guardrails"]["code"],
        )
        for a in Action.objects.filter(organisation=organisation).select_related(
            "case__account__customer"
        )
    )
    return {"cases": cases, "actions": actions, "events": events, "why": explanations}


def run_cli(slug: str, day: date, *, kill_at: str | None = None) -> int:
    s = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "VANGNET_RUN_KILL_AT"}
    env["DATABASE_URL"] = (
        f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    )
    if kill_at:
        env["VANGNET_RUN_KILL_AT"] = kill_at
    proc = subprocess.run(
        [VANGNET, "run", "--date", day.isoformat(), "--organisation", slug, "--chunk-size", "4"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(proc.stderr)
    return proc.returncode


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "kill_at", ["cases", "features", "holds", "guardrails", "write:1", "write:3"]
)
def test_killed_run_resumes_to_the_same_day(kill_at):
    kill = Organisation.objects.create(name="Kill", slug="kill", sector="drinking_water")
    control = Organisation.objects.create(name="Control", slug="control", sector="drinking_water")
    build_book(kill)
    build_book(control)
    for day in (DAY, DAY + timedelta(days=7), DAY + timedelta(days=14)):
        assert run_cli("kill", day, kill_at=kill_at) == -signal.SIGKILL
        assert run_cli("kill", day) == 0
        assert run_cli("kill", day) == 0  # and once more: nothing new
        assert run_cli("control", day) == 0
        got, expected = state(kill), state(control)
        assert got == expected, day
    assert Action.objects.filter(organisation=kill).count() > 14
    run = DailyRun.objects.get(organisation=kill, run_date=DAY)
    assert (run.status, run.attempts) == ("finished", 3)
