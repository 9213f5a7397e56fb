"""Staff pages: approval queue, plan detail, decisions, waiving, the account includes."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.template import Context, Template
from django.test import RequestFactory

import pytest

from tests.arrangements.conftest import budget
from tests.strategy.conftest import DAY, account_in_arrears
from vangnet.arrangements.constants import PlanStatus
from vangnet.arrangements.models import ChargedCost, PaymentPlan
from vangnet.arrangements.plans import plan_propose


@pytest.fixture
def staff(db):
    user = get_user_model().objects.create_user("planner", password="x")
    user.user_permissions.add(
        Permission.objects.get(codename="change_paymentplan"),
        Permission.objects.get(codename="change_chargedcost"),
    )
    return user


def pending(org):
    account = account_in_arrears(org, cents=60000, days=20)
    return plan_propose(
        account=account,
        months=2,
        income=budget(net_income=Decimal("1300")),
        source="portal",
        today=DAY,
    )


def test_queue_needs_login_and_permission(client, org):
    assert client.get("/arrangements/approvals/").status_code == 302
    get_user_model().objects.create_user("nobody", password="x")
    client.login(username="nobody", password="x")
    assert client.get("/arrangements/approvals/").status_code == 403


def test_empty_queue_says_so(client, org, staff):
    client.force_login(staff)
    page = client.get("/arrangements/approvals/")
    assert page.status_code == 200
    assert "Geen regelingen die wachten" in page.content.decode()


def test_queue_shows_reasons_and_staff_approve(client, org, staff):
    plan = pending(org)
    client.force_login(staff)
    html = client.get("/arrangements/approvals/").content.decode()
    assert plan.reference in html and "€ 21,82" in html
    detail = client.get(f"/arrangements/plans/{plan.pk}/").content.decode()
    assert "Goedkeuren en starten" in detail and "€ 300,00" in detail
    response = client.post(f"/arrangements/plans/{plan.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.approved_by == staff


def test_reject_needs_a_reason(client, org, staff):
    plan = pending(org)
    client.force_login(staff)
    response = client.post(
        f"/arrangements/plans/{plan.pk}/decide/", {"decision": "reject", "reason": ""}, follow=True
    )
    assert "Geef een reden" in response.content.decode()
    assert PaymentPlan.objects.get().status == PlanStatus.PENDING_APPROVAL
    client.post(
        f"/arrangements/plans/{plan.pk}/decide/", {"decision": "reject", "reason": "Te hoog"}
    )
    assert PaymentPlan.objects.get().status == PlanStatus.REJECTED


def test_account_includes_and_waive_button(client, org, staff):
    account = account_in_arrears(org, cents=30000, days=20)
    charge = ChargedCost.objects.create(
        organisation=org,
        account=account,
        kind="wik_costs",
        principal_cents=30000,
        amount_cents=4500,
        computed_on=DAY,
        explanation="15% van € 300,00 = € 45,00.",
    )
    request = RequestFactory().get(f"/workspace/accounts/{account.pk}/")
    request.user = staff
    html = Template(
        "{% load arrangements %}{% account_plans account %}{% account_costs account %}"
    ).render(Context({"account": account, "request": request}))
    assert "Geen betalingsregelingen." in html
    assert "15% van € 300,00" in html and "Kwijtschelden" in html
    client.force_login(staff)
    client.post(f"/arrangements/costs/{charge.pk}/waive/", {"reason": "Coulance"})
    charge.refresh_from_db()
    assert charge.waived and charge.waiver_reason == "Coulance"
