"""Proposing, approving, rejecting and activating plans."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

import pytest

from tests.arrangements.conftest import budget
from tests.strategy.conftest import DAY, account_in_arrears
from vangnet.arrangements.constants import PlanStatus
from vangnet.arrangements.models import Instalment, PaymentPlan, PlanPolicy
from vangnet.arrangements.plans import plan_approve, plan_propose, plan_reject, plan_withdraw
from vangnet.core.errors import Invalid
from vangnet.strategy.models import CaseEvent, Hold
from vangnet.strategy.run import daily_run


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("medewerker", password="x")


def test_affordable_plan_inside_policy_is_approved_and_active_at_once(org):
    account = account_in_arrears(org, cents=10000, days=20)
    daily_run(organisation=org, run_date=DAY)
    plan = plan_propose(
        account=account, months=3, income=budget(), source="portal", day_of_month=25, today=DAY
    )
    assert plan.status == PlanStatus.ACTIVE
    assert plan.affordable is True and plan.affordability_code == "plan_affordable"
    assert plan.approved_at is not None and plan.approved_by is None
    rows = list(plan.instalments.values_list("number", "due_on", "amount_cents"))
    assert rows == [
        (1, DAY.replace(day=25), 3333),
        (2, DAY.replace(month=7, day=25), 3333),
        (3, DAY.replace(month=8, day=25), 3334),
    ]
    assert sum(r[2] for r in rows) == plan.total_cents == 10000
    # data minimisation: only the figures the check needs
    assert set(plan.income) == {
        "net_income",
        "household",
        "children",
        "housing_costs",
        "fixed_costs",
        "other_debt_payments",
    }
    hold = Hold.objects.get(account=account)
    assert (hold.kind, hold.starts_on, hold.ends_on) == ("payment_plan", DAY, None)
    assert plan.hold_id == hold.pk and plan.case_id == hold.case_id
    causes = list(CaseEvent.objects.filter(case=plan.case).values_list("cause", flat=True))
    assert {"plan_proposed", "plan_approved", "plan_active"} <= set(causes)
    daily_run(organisation=org, run_date=DAY + timedelta(days=1))
    plan.case.refresh_from_db()
    assert (plan.case.status, plan.case.pause_cause) == ("paused", "payment_plan")


def test_unaffordable_plan_waits_for_staff_with_the_reasons(org, staff):
    account = account_in_arrears(org, cents=60000, days=20)
    plan = plan_propose(
        account=account,
        months=2,  # € 300 a month, room is € 21,82
        income=budget(net_income=Decimal("1300")),
        source="phone",
        today=DAY,
    )
    assert plan.status == PlanStatus.PENDING_APPROVAL
    assert plan.affordable is False and plan.affordability_code == "plan_unaffordable"
    assert "€ 21,82" in plan.affordability_text
    assert not Hold.objects.exists()
    plan = plan_approve(plan=plan, actor=staff, today=DAY, note="Na gesprek: loon stijgt")
    assert plan.status == PlanStatus.ACTIVE and plan.approved_by == staff
    assert Hold.objects.filter(account=account, kind="payment_plan").exists()


def test_outside_policy_or_without_income_goes_to_the_queue(org, staff):
    long = account_in_arrears(org, cents=50000, days=20)
    plan = plan_propose(account=long, months=24, income=budget(), source="portal", today=DAY)
    assert plan.status == PlanStatus.PENDING_APPROVAL
    assert plan.policy_codes == ["policy_too_long"]
    silent = account_in_arrears(org, cents=5000, days=20)
    plan2 = plan_propose(account=silent, instalment_cents=2500, source="staff", today=DAY)
    assert plan2.status == PlanStatus.PENDING_APPROVAL
    assert plan2.affordability_code == "income_not_declared"
    rejected = plan_reject(plan=plan, reason="Te lang; bel de klant", actor=staff, today=DAY)
    assert rejected.status == PlanStatus.REJECTED
    with pytest.raises(Invalid) as exc:
        plan_reject(plan=plan2, reason="  ", actor=staff, today=DAY)
    assert exc.value.code == "plan_reason_required"
    with pytest.raises(Invalid):
        plan_approve(plan=rejected, actor=staff, today=DAY)


def test_auto_approval_can_be_switched_off(org):
    PlanPolicy.objects.create(organisation=org, auto_approve=False)
    account = account_in_arrears(org, cents=10000, days=20)
    plan = plan_propose(account=account, months=3, income=budget(), source="portal", today=DAY)
    assert plan.status == PlanStatus.PENDING_APPROVAL and plan.policy_codes == []


def test_one_live_plan_per_account_and_nothing_to_plan(org):
    account = account_in_arrears(org, cents=10000, days=20)
    plan = plan_propose(account=account, months=2, income=budget(), source="portal", today=DAY)
    with pytest.raises(Invalid) as exc:
        plan_propose(account=account, months=2, income=budget(), source="portal", today=DAY)
    assert exc.value.code == "plan_exists"
    assert PaymentPlan.objects.count() == 1 and Instalment.objects.count() == 2
    plan_withdraw(plan=plan, reason="Klant betaalt alles", today=DAY + timedelta(days=2))
    assert Hold.objects.get().outcome == "withdrawn"
    fresh = account_in_arrears(org, cents=10000, days=-5)  # not yet due: no arrears
    with pytest.raises(Invalid) as exc:
        plan_propose(account=fresh, months=2, source="portal", today=DAY)
    assert exc.value.code == "plan_nothing_owed"
    with pytest.raises(Invalid):
        plan_propose(account=account, months=2, instalment_cents=100, source="x", today=DAY)


def test_without_terms_the_shortest_affordable_plan_is_chosen(org):
    account = account_in_arrears(org, cents=150000, days=20)  # € 1.500
    plan = plan_propose(account=account, income=budget(), source="portal", today=DAY)
    # room € 521,82 → ceil(1500 / 521.82) = 3 months of € 500
    assert plan.instalment_count == 3 and plan.instalment_cents == 50000
    assert plan.status == PlanStatus.ACTIVE


def test_max_plans_in_twelve_months(org):
    account = account_in_arrears(org, cents=10000, days=20)
    for _k in range(2):
        plan = plan_propose(account=account, months=2, income=budget(), source="portal", today=DAY)
        assert plan.status == PlanStatus.ACTIVE
        plan_withdraw(plan=plan, reason="test", today=DAY)
        PaymentPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.BREACHED)
    third = plan_propose(account=account, months=2, income=budget(), source="portal", today=DAY)
    assert third.status == PlanStatus.PENDING_APPROVAL
    assert third.policy_codes == ["policy_too_many_plans"]
