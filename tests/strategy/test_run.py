"""The daily run end to end: idempotency, journeys over time, guardrails, channels, output."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.forms.models import model_to_dict

from tests.strategy.conftest import DAY, account_in_arrears
from vangnet.strategy.journeys import journey_for_sector
from vangnet.strategy.models import (
    Action,
    Case,
    CaseEvent,
    Hold,
    Journey,
    StrategyPolicy,
)
from vangnet.strategy.run import daily_run

AMS = ZoneInfo("Europe/Amsterdam")


def snapshot() -> dict[str, list[dict]]:
    """Every row the run writes, without the wall-clock columns."""
    skip = {"at", "created_at"}
    out = {}
    for model in (Case, CaseEvent, Action, Hold):
        rows = []
        for obj in model.objects.order_by("pk"):
            data = model_to_dict(obj)
            data["pk"] = obj.pk
            rows.append({k: v for k, v in data.items() if k not in skip})
        out[model.__name__] = rows
    return out


def book(org, n=12):
    """A mixed book: small, large, old, vulnerable, unreachable, a contact window."""
    accounts = []
    for k in range(n):
        account = account_in_arrears(
            org,
            cents=2000 + 1500 * k,
            days=2 + 9 * k,
            email=k % 3 != 0,
            mobile=k % 4 != 0,
            invoices=1 + k % 3,
        )
        person = account.customer.person
        if k % 5 == 0:
            person.in_debt_help = True
        if k % 6 == 1:
            person.contact_window_start, person.contact_window_end = time(18), time(21)
        if k % 7 == 2:
            person.preferred_channels = ["sms"]
        person.save()
        accounts.append(account)
    return accounts


def test_running_a_day_twice_writes_nothing_new(org):
    book(org)
    for offset in (0, 3, 9):
        first = daily_run(organisation=org, run_date=DAY + timedelta(days=offset))
        before = snapshot()
        again = daily_run(organisation=org, run_date=DAY + timedelta(days=offset))
        assert snapshot() == before
        assert (again.opened, again.closed, again.written, again.cases_written) == (0, 0, 0, 0)
        assert again.skipped_done_today == first.written
    assert Action.objects.count() > 0


def test_journey_over_sixty_days_follows_the_classic_path_and_the_law(org):
    classic = Journey.objects.none()
    daily_run(organisation=org, run_date=DAY - timedelta(days=1))  # loads the defaults
    classic = Journey.objects.get(code="classic")
    StrategyPolicy.objects.create(organisation=org, journey=classic)
    account = account_in_arrears(org, cents=5000, days=1)
    for offset in range(0, 61):
        daily_run(organisation=org, run_date=DAY + timedelta(days=offset))
    case = Case.objects.get(account=account)
    actions = list(case.actions.order_by("run_date"))
    steps = [(a.action_type, a.status, a.reason_code) for a in actions]
    assert [a.action_type for a in actions] == [
        "message",
        "message",
        "fourteen_day_letter",
        "charge_costs",
        "handover",
    ]
    letter, costs, handover = actions[2], actions[3], actions[4]
    assert letter.status == "planned" and letter.amount_cents == 4000  # WIK minimum € 40
    assert letter.explanation["letter"] == {"principal_cents": 5000, "stated_costs_cents": 4000}
    assert costs.status == "planned", steps
    assert costs.reason_code == "action_allowed" and costs.amount_cents == 4000
    # the classic path never tried personal contact: no hand-over (KSVI practice)
    assert handover.status == "blocked"
    assert handover.reason_code == "handover_no_contact_effort"
    assert handover.explanation["guardrails"]["allowed"] is False


def test_costs_are_blocked_while_the_letter_term_runs(org):
    daily_run(organisation=org, run_date=DAY - timedelta(days=1))
    journey = Journey.objects.get(code="classic")
    step = journey.steps.get(action_type="charge_costs")
    step.day_offset = 40  # the letter (day 35) is still within its 14 days + post
    step.save()
    StrategyPolicy.objects.create(organisation=org, journey=journey)
    account_in_arrears(org, cents=5000, days=1)
    for offset in range(0, 41):
        daily_run(organisation=org, run_date=DAY + timedelta(days=offset))
    costs = Action.objects.get(action_type="charge_costs")
    assert (costs.status, costs.reason_code, costs.amount_cents) == (
        "blocked",
        "wik_term_running",
        0,
    )


def test_sunday_contact_is_postponed_not_dropped(org):
    sunday = date(2025, 6, 15)
    account_in_arrears(org, today=sunday)
    daily_run(organisation=org, run_date=sunday)
    action = Action.objects.get()
    assert action.status == "planned"
    assert action.reason_code == "postponed_quiet_day_sunday"
    assert action.scheduled_for == datetime(2025, 6, 16, 8, 0, tzinfo=AMS)
    assert action.explanation["postponed"]["because"] == ["quiet_day_sunday"]


def test_channel_and_moment_follow_the_person(org):
    digital = account_in_arrears(org)
    letter_only = account_in_arrears(org, email=False, mobile=False)
    sms_evening = account_in_arrears(org)
    person = sms_evening.customer.person
    person.preferred_channels = ["sms"]
    person.contact_window_start, person.contact_window_end = time(18), time(21)
    person.save()
    daily_run(organisation=org, run_date=DAY)
    by_account = {a.case.account_id: a for a in Action.objects.select_related("case")}
    assert by_account[digital.pk].channel == "email"
    assert by_account[letter_only.pk].channel == "letter"
    evening = by_account[sms_evening.pk]
    assert evening.channel == "sms"
    assert evening.explanation["channel"] == {"chosen": "sms", "why": "preferred"}
    assert evening.scheduled_for == datetime(2025, 6, 10, 18, 0, tzinfo=AMS)


def test_call_without_phone_number_is_blocked_with_reason(org):
    account_in_arrears(org, mobile=False)
    for offset in range(0, 15):
        daily_run(organisation=org, run_date=DAY + timedelta(days=offset))
    call = Action.objects.get(action_type="call_task")
    assert (call.status, call.reason_code) == ("blocked", "no_phone")


def test_signal_needs_the_water_preconditions(org):
    account = account_in_arrears(org, cents=5000, days=1)
    for offset in range(0, 31):
        daily_run(organisation=org, run_date=DAY + timedelta(days=offset))
    signal = Action.objects.get(action_type="signal", case__account=account)
    # reminder with help/data sharing/medical exception (day 7) and a call (day 14) done
    assert signal.status == "planned", signal.explanation["guardrails"]
    assert signal.channel == "municipality"


def test_explanation_has_segment_score_step_and_guardrails(org):
    account_in_arrears(org)
    daily_run(organisation=org, run_date=DAY)
    explanation = Action.objects.get().explanation
    assert explanation["segment"] == {"code": "first_time_small"}
    assert explanation["step"]["journey"] == "water-social" and explanation["step"]["position"] == 1
    assert explanation["guardrails"]["allowed"] is True
    assert "no_active_hold" in explanation["guardrails"]["checks"]
    assert explanation["score"]["band"] in {"low", "medium", "high"}
    assert len(explanation["score"]["factors"]) <= 3


def test_vulnerable_customers_never_get_the_fourteen_day_letter(org):
    account = account_in_arrears(org, cents=5000, days=1)
    person = account.customer.person
    person.in_debt_help = True
    person.save()
    for offset in range(0, 70):
        daily_run(organisation=org, run_date=DAY + timedelta(days=offset))
    kinds = set(Action.objects.values_list("action_type", flat=True))
    assert "fourteen_day_letter" not in kinds and "charge_costs" not in kinds
    assert {"referral", "visit_task"} <= kinds


def test_sector_journeys_exist_for_each_sector(org):
    daily_run(organisation=org, run_date=DAY)
    for sector, code in (
        ("drinking_water", "water-social"),
        ("energy", "energy-social"),
        ("rent", "rent-social"),
        ("health_insurance", "health-social"),
        ("other", "classic"),
    ):
        assert journey_for_sector(sector).code == code


def test_run_command_prints_the_summary(org):
    book(org, n=6)
    out = io.StringIO()
    call_command("run", "--date", DAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "Dagelijkse run 2025-06-10 — Waterbedrijf Test" in text
    assert "6 geopend" in text
    assert "message" in text and "email" in text
    assert "tijd (s): positions" in text
    out = io.StringIO()
    call_command("run", "--date", DAY.isoformat(), stdout=out)
    assert "0 geopend" in out.getvalue() and "0 nieuw" in out.getvalue()
