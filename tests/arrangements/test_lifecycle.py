"""A plan's whole life: offer → approval → paid → returned debit → missed → reminder →
breach after grace → hold ended broken → the daily run reopens the case and goes on."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from tests.arrangements.conftest import budget
from tests.ledger.factories import make_invoice
from tests.strategy.conftest import DAY, account_in_arrears
from vangnet.arrangements.constants import PlanStatus
from vangnet.arrangements.models import PaymentPlan, PlanPolicy
from vangnet.arrangements.monitor import allocate_to_instalments, plans_monitor
from vangnet.arrangements.plans import plan_approve, plan_propose
from vangnet.ledger.services import payment_register, payment_reverse
from vangnet.strategy.models import Action, Case, CaseEvent, Hold
from vangnet.strategy.run import daily_run


def statuses(plan):
    return list(plan.instalments.order_by("number").values_list("status", "paid_cents"))


def test_waterfall_over_instalments():
    rows = [(1, 1000, "due"), (2, 1000, "waived"), (3, 1000, "due")]
    assert allocate_to_instalments(rows, 1500) == [1000, 0, 500]
    assert allocate_to_instalments(rows, 0) == [0, 0, 0]


def test_a_plan_from_offer_to_breach_and_back_into_the_journey(org):
    PlanPolicy.objects.create(organisation=org, auto_approve=False, grace_days=7)
    staff = get_user_model().objects.create_user("beoordelaar", password="x")
    account = account_in_arrears(org, cents=30000, days=20)
    daily_run(organisation=org, run_date=DAY)
    case = Case.objects.get(account=account)
    assert case.status == "open"

    # offer (by phone) → staff approval → active, journey paused
    plan = plan_propose(
        account=account, months=3, income=budget(), source="phone", day_of_month=25, today=DAY
    )
    assert plan.status == PlanStatus.PENDING_APPROVAL
    plan = plan_approve(plan=plan, actor=staff, today=DAY)
    assert plan.status == PlanStatus.ACTIVE
    daily_run(organisation=org, run_date=DAY + timedelta(days=1))
    case.refresh_from_db()
    assert case.status == "paused"
    due1 = date(2025, 6, 25)

    # instalment 1 paid (bank transfer with the plan's reference; no direct-debit app yet)
    first = payment_register(
        account=account,
        amount_cents=10000,
        booked_on=due1,
        reference="NL-BANK-0001",
        invoice_reference=plan.reference,
    )
    summary = plans_monitor(organisation_id=org.pk, on=due1 + timedelta(days=1))
    assert statuses(plan)[0] == ("paid", 10000)
    assert summary.reminders == 0

    # the payment comes back (returned debit / chargeback): instalment 1 is unpaid again
    payment_reverse(payment=first, reversed_on=due1 + timedelta(days=3), reason="AM04")
    missed_on = due1 + timedelta(days=3)
    summary = plans_monitor(organisation_id=org.pk, on=missed_on)
    assert statuses(plan)[0] == ("missed", 0)
    assert summary.reminders == 1
    reminder = Action.objects.get(template="plan_reminder")
    assert (reminder.action_type, reminder.status, reminder.channel) == (
        "message",
        "planned",
        "best",
    )
    assert reminder.case_id == case.pk and reminder.amount_cents == 10000
    assert reminder.explanation["plan"]["instalment"] == 1
    assert reminder.explanation["guardrails"]["allowed"] is True
    # monitoring again the same day writes nothing new
    again = plans_monitor(organisation_id=org.pk, on=missed_on)
    assert again.reminders == 0 and Action.objects.filter(template="plan_reminder").count() == 1

    # still within the grace period (due + 7 days): no breach yet
    assert plans_monitor(organisation_id=org.pk, on=due1 + timedelta(days=7)).breached == 0
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE

    # after the grace period without payment: breach, hold ended broken
    breach_on = due1 + timedelta(days=8)
    summary = plans_monitor(organisation_id=org.pk, on=breach_on)
    assert summary.breached == 1
    plan.refresh_from_db()
    assert (plan.status, plan.ended_on) == (PlanStatus.BREACHED, breach_on)
    hold = Hold.objects.get(pk=plan.hold_id)
    assert (hold.outcome, hold.ends_on) == ("broken", breach_on - timedelta(days=1))
    causes = list(
        CaseEvent.objects.filter(case=case).order_by("pk").values_list("cause", flat=True)
    )
    for cause in (
        "plan_proposed",
        "plan_pending",
        "plan_approved",
        "plan_active",
        "plan_instalment_missed",
        "plan_reminder",
        "plan_breached",
    ):
        assert cause in causes, causes

    # the next daily run reopens the case and the journey goes on
    before = Action.objects.filter(case=case).exclude(template="plan_reminder").count()
    summary = daily_run(organisation=org, run_date=breach_on + timedelta(days=1))
    assert summary.reopened == 1
    case.refresh_from_db()
    assert case.status == "open"
    assert ("reopened", "plan_broken") in list(
        CaseEvent.objects.filter(case=case).values_list("kind", "cause")
    )
    assert case.next_step_on is not None  # a next step is planned
    for offset in range(2, 12):
        daily_run(organisation=org, run_date=breach_on + timedelta(days=offset))
    assert Action.objects.filter(case=case).exclude(template="plan_reminder").count() > before
    assert PaymentPlan.objects.get().status == PlanStatus.BREACHED


def test_all_paid_completes_the_plan_and_ends_the_hold(org):
    account = account_in_arrears(org, cents=20000, days=20)
    daily_run(organisation=org, run_date=DAY)
    plan = plan_propose(
        account=account, months=2, income=budget(), source="portal", day_of_month=25, today=DAY
    )
    assert plan.status == PlanStatus.ACTIVE
    payment_register(
        account=account, amount_cents=10000, booked_on=date(2025, 6, 24), reference="P1"
    )
    # a payment that names an ongoing bill (due after the plan was made) pays that bill
    make_invoice(account, 5000, date(2025, 7, 1), number="F-JULI")
    payment_register(
        account=account,
        amount_cents=5000,
        booked_on=date(2025, 7, 1),
        reference="P-JULI",
        invoice_reference="F-JULI",
    )
    plans_monitor(organisation_id=org.pk, on=date(2025, 7, 26))
    assert statuses(plan) == [("paid", 10000), ("missed", 0)]
    payment_register(
        account=account, amount_cents=10000, booked_on=date(2025, 7, 27), reference="P2"
    )
    plans_monitor(organisation_id=org.pk, on=date(2025, 7, 28))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    hold = Hold.objects.get(pk=plan.hold_id)
    assert hold.outcome == "completed"
    assert CaseEvent.objects.filter(cause="plan_completed").count() == 1
    daily_run(organisation=org, run_date=date(2025, 7, 29))
    assert Case.objects.get(account=account).status == "closed"  # arrears paid


def test_commands_run_for_a_day(org):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("plans", "monitor", "--date", "2025-06-10", stdout=out)
    call_command("plans", "costs", "--date", "2025-06-10", "--organisation", org.slug, stdout=out)
    assert "0 regelingen" in out.getvalue() and "0 gerekend" in out.getvalue()
    try:
        call_command("plans", "monitor", "--organisation", "bestaat-niet")
    except CommandError as exc:
        assert "onbekende organisatie" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("unknown organisation accepted")
