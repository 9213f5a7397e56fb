"""Property: whatever the journey, holds, flags and dates, the run never writes an
action as planned that ``check_action`` would block.

Hypothesis generates a journey (any action types, days, channels, segment conditions,
templates whose facts may be wrong — e.g. a 14-day letter counting from the letter date),
a sector, the person's flags, holds and a sequence of run dates (Sundays, holidays,
winter). After the runs, every planned action is judged again by ``check_action`` with
the *full* context rebuilt from the database as it was before that action's run — so the
run's shortcuts (trimmed contexts, memoised decisions, postponing) are checked against the
rules themselves. Independent invariants are asserted as well: no costs without a valid
14-day letter whose term has passed, no contact on Sundays/holidays or outside
08:00–21:00, nothing planned on a day a pausing hold was active, no disconnection in the
energy winter period.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.ledger.factories import make_account, make_invoice
from vangnet.parties.models import ContactPoint, Organisation
from vangnet.rules.actions import ActionType as RuleAction
from vangnet.rules.calendar_nl import dutch_public_holidays
from vangnet.rules.disconnection import in_winter_period
from vangnet.rules.fourteen_day_letter import letter_deadline
from vangnet.rules.guardrails import ProposedAction, check_action
from vangnet.strategy.constants import PAUSING_HOLDS, ActionType
from vangnet.strategy.guardrails import (
    CaseInfo,
    HistoryItem,
    context_for,
    letter_content,
    rule_holds,
    settings_from,
)
from vangnet.strategy.models import Action, Hold, Journey, JourneyStep, StrategyPolicy
from vangnet.strategy.run import daily_run

AMS = ZoneInfo("Europe/Amsterdam")
STARTS = [date(2025, 6, 10), date(2025, 9, 20), date(2025, 12, 20), date(2026, 3, 25)]
SEGMENT_CODES = ["vulnerable", "first_time_small", "standard", "no_contact_yet", "wont_pay"]
TEMPLATE_CODES = ["t-a", "t-b", "t-c", "t-d"]
EFFECTIVE = ("planned", "sent", "done")

mostly = st.sampled_from([True, True, True, False])
template_facts = st.fixed_dictionaries(
    {
        "written_reminder": mostly,
        "default_established": mostly,
        "consequences_stated": mostly,
    },
    optional={
        "payment_term_days": st.integers(7, 21),
        "points_to_help": st.booleans(),
        "offers_data_sharing": st.booleans(),
        "states_medical_exception": st.booleans(),
        "term_days": st.integers(10, 20),
        "term_wording": st.sampled_from(["after_receipt", "after_letter_date"]),
        "disconnection_announcement": st.booleans(),
        "mentions_water_containers": st.booleans(),
        "end_of_supply": st.booleans(),
    },
)

step_strategy = st.fixed_dictionaries(
    {
        "action_type": st.sampled_from(ActionType.values),
        "day_offset": st.integers(0, 30),
        "channel": st.sampled_from(["", "best", "email", "sms", "letter", "phone", "visit"]),
        "template": st.sampled_from(TEMPLATE_CODES),
        "segments": st.one_of(
            st.just([]), st.lists(st.sampled_from(SEGMENT_CODES), max_size=2, unique=True)
        ),
    }
)

hold_strategy = st.tuples(
    st.sampled_from(["payment_plan", "dispute", "medical", "promise_to_pay", "help_accepted"]),
    st.integers(0, 30),  # starts after the first run day
    st.one_of(st.none(), st.integers(0, 20)),  # length, or open-ended
)

scenario = st.fixed_dictionaries(
    {
        "sector": st.sampled_from(["drinking_water", "energy", "rent", "health_insurance"]),
        "steps": st.lists(step_strategy, min_size=2, max_size=8),
        "templates": st.fixed_dictionaries({code: template_facts for code in TEMPLATE_CODES}),
        "start": st.sampled_from(STARTS),
        "offsets": st.lists(st.integers(0, 45), min_size=4, max_size=20, unique=True),
        "holds": st.lists(hold_strategy, max_size=2),
        "medical": st.booleans(),
        "debt_help": st.booleans(),
        "moratorium": st.booleans(),
        "window": st.booleans(),
        "email": st.booleans(),
        "mobile": st.booleans(),
        "cents": st.integers(1000, 400_000),
    }
)


def build(data) -> Organisation:
    organisation = Organisation.objects.create(
        name="Eigenschap", slug="eigenschap", sector=data["sector"]
    )
    journey = Journey.objects.create(
        code="prop", name="prop", sector=data["sector"], templates=data["templates"]
    )
    JourneyStep.objects.bulk_create(
        [JourneyStep(journey=journey, position=i + 1, **s) for i, s in enumerate(data["steps"])]
    )
    StrategyPolicy.objects.create(organisation=organisation, journey=journey)
    start = data["start"]
    account = make_account(organisation)
    make_invoice(account, data["cents"], start - timedelta(days=3))
    person = account.customer.person
    person.medical_necessity = data["medical"]
    person.in_debt_help = data["debt_help"]
    if data["moratorium"]:
        person.moratorium_until = start + timedelta(days=12)
    if data["window"]:
        person.contact_window_start, person.contact_window_end = time(19), time(20, 30)
    person.save()
    if data["email"]:
        ContactPoint.objects.create(person=person, kind="email", value="x@example.nl")
    if data["mobile"]:
        ContactPoint.objects.create(person=person, kind="mobile", value="+31612345678")
    for kind, begin, length in data["holds"]:
        Hold.objects.create(
            organisation=organisation,
            account=account,
            kind=kind,
            starts_on=start + timedelta(days=begin),
            ends_on=None if length is None else start + timedelta(days=begin + length),
        )
    return organisation


def pausing_hold_active(account, person, day: date) -> bool:
    for hold in Hold.objects.filter(account=account, kind__in=[str(k) for k in PAUSING_HOLDS]):
        if hold.starts_on <= day and (hold.ends_on is None or day <= hold.ends_on):
            return True
    if person.moratorium_until and person.moratorium_until >= day:
        return True
    return bool(person.deceased_on and person.deceased_on <= day)


def history_before(action: Action) -> list[HistoryItem]:
    items = []
    for h in Action.objects.filter(
        case=action.case, status__in=EFFECTIVE, run_date__lt=action.run_date
    ).order_by("scheduled_for", "pk"):
        items.append(
            HistoryItem(
                action_type=h.action_type,
                channel=h.channel,
                template=h.template,
                on=h.scheduled_for.astimezone(AMS).date(),
                at=h.scheduled_for,
                amount_cents=h.amount_cents,
                principal_cents=(h.explanation.get("letter") or {}).get("principal_cents"),
            )
        )
    return items


def full_context(action: Action, organisation: Organisation, templates):
    case = action.case
    person = case.account.customer.person
    periods = [(h.kind, h.starts_on, h.ends_on) for h in Hold.objects.filter(account=case.account)]
    if person.medical_necessity:
        periods.append(("medical", date.min, None))
    if person.moratorium_until:
        periods.append(("moratorium", date.min, person.moratorium_until))
    features = action.explanation["features"]
    window = None
    if person.contact_window_start and person.contact_window_end:
        from vangnet.rules.contact import ContactWindow

        window = ContactWindow(person.contact_window_start, person.contact_window_end)
    info = CaseInfo(
        sector=organisation.sector,
        arrears_cents=features["arrears_cents"],
        arrears_since=action.run_date - timedelta(days=features["days_past_due"]),
        holds=rule_holds(periods),
        medical_necessity=person.medical_necessity,
        in_debt_help=person.in_debt_help,
        window=window,
    )
    return context_for(
        action.action_type,
        info,
        history_before(action),
        templates,
        today=action.scheduled_for.astimezone(AMS).date(),
        settings=settings_from({}),
        full=True,
    )


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=scenario)
def test_no_planned_action_is_one_the_guardrails_block(db, data):
    with transaction.atomic():
        organisation = build(data)
        start = data["start"]
        for offset in sorted(data["offsets"]):
            daily_run(organisation=organisation, run_date=start + timedelta(days=offset))
        templates = data["templates"]
        for code in Action.objects.filter(status="blocked").values_list("reason_code", flat=True):
            event(f"blocked {code}")
        planned = list(
            Action.objects.filter(status="planned").select_related(
                "case__account__customer__person"
            )
        )
        for action in planned:
            event(f"planned {action.action_type}")
            at = action.scheduled_for
            local = at.astimezone(AMS)
            letter = None
            if action.action_type == "fourteen_day_letter":
                letter = letter_content(
                    templates.get(action.template, {}),
                    principal_cents=action.explanation["letter"]["principal_cents"],
                    stated_cents=action.amount_cents,
                    vat=False,
                )
            context = full_context(action, organisation, templates)
            decision = check_action(
                ProposedAction(RuleAction(action.action_type), at, letter), context
            )
            assert decision.allowed, (
                action.action_type,
                decision.blocking_codes(),
                action.explanation,
            )

            # Independent invariants, without the engine's context building:
            person = action.case.account.customer.person
            assert not pausing_hold_active(action.case.account, person, action.run_date)
            if action.action_type in ("message", "call_task", "visit_task"):
                assert local.weekday() != 6
                assert local.date() not in dutch_public_holidays(local.year)
                assert time(7, 30) <= local.time() < time(21)
            if action.action_type == "charge_costs":
                letters = [
                    h for h in history_before(action) if h.action_type == "fourteen_day_letter"
                ]
                assert letters, "costs without a 14-day letter"
                last = letters[-1]
                facts = templates.get(last.template, {})
                assert facts.get("term_wording", "after_receipt") == "after_receipt"
                assert facts.get("consequences_stated") and facts.get("default_established")
                assert local.date() > letter_deadline(last.on)
                assert action.amount_cents and action.amount_cents >= 4000
            if action.action_type == "disconnection_request" and organisation.sector == "energy":
                assert not in_winter_period(local.date())
        transaction.set_rollback(True)
