"""The plan's life with direct debit: instalments collected from the mandate (pain.008
export, settled into ledger payments), a returned debit (AM04) that reverses the payment,
the reminder, breach after grace, and the daily run taking the case up again."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model

from tests.arrangements.conftest import budget
from tests.strategy.conftest import DAY, account_in_arrears
from vangnet.arrangements.constants import PlanStatus
from vangnet.arrangements.models import PlanPolicy
from vangnet.arrangements.monitor import plans_monitor
from vangnet.arrangements.plans import plan_approve, plan_propose
from vangnet.banking.directdebit.models import Collection, DirectDebitProfile
from vangnet.banking.directdebit.services import (
    batch_export,
    collections_settle,
    debit_return_register,
    mandate_sign,
)
from vangnet.ledger.models import Payment
from vangnet.strategy.models import Action, Case, Hold
from vangnet.strategy.run import daily_run


def test_direct_debit_plan_returned_missed_breached_and_resumed(org, tmp_path):
    DirectDebitProfile.objects.create(
        organisation=org,
        creditor_id="NL69ZZZ123456780000",
        creditor_name="Waterbedrijf Regeling",
        iban="NL20INGB0001234567",
        bic="INGBNL2A",
    )
    PlanPolicy.objects.create(organisation=org, auto_approve=False)
    account = account_in_arrears(org, cents=30000, days=20)
    mandate = mandate_sign(
        account=account,
        iban="NL91ABNA0417164300",
        holder_name="J. Jansen",
        collection_day=8,
        signed_on=DAY - timedelta(days=60),
        channel="portal",
    )
    daily_run(organisation=org, run_date=DAY)
    case = Case.objects.get(account=account)

    plan = plan_propose(account=account, months=3, income=budget(), source="portal", today=DAY)
    assert plan.day_of_month == mandate.collection_day  # aligned with the mandate
    plan = plan_approve(
        plan=plan, actor=get_user_model().objects.create_user("s", password="x"), today=DAY
    )
    assert plan.status == PlanStatus.ACTIVE
    instalments = list(plan.instalments.order_by("number"))
    collections = list(Collection.objects.filter(account=account).order_by("collection_date"))
    assert [c.reference for c in collections] == [i.collection_reference for i in instalments]
    assert [c.amount_cents for c in collections] == [10000, 10000, 10000]
    assert [c.collection_date for c in collections] == [i.due_on for i in instalments]
    due1 = instalments[0].due_on
    assert due1 >= DAY + timedelta(days=14)  # after the pre-notification term

    # collected: the pain.008 goes to the bank, the money arrives as a ledger payment
    batch_export(organisation_id=org.pk, collection_date=due1, out=tmp_path / "batch.xml")
    collections_settle(organisation_id=org.pk, on=due1)
    assert Payment.objects.get(account=account).source == "direct_debit"
    plans_monitor(organisation_id=org.pk, on=due1 + timedelta(days=1))
    assert plan.instalments.get(number=1).status == "paid"

    # the bank returns the debit (insufficient funds): the payment is reversed
    first = collections[0]
    first.refresh_from_db()
    debit_return_register(
        organisation_id=org.pk,
        end_to_end_id=first.end_to_end_id,
        reason_code="AM04",
        returned_on=due1 + timedelta(days=2),
    )
    assert Payment.objects.get(account=account).reversed_on is not None
    summary = plans_monitor(organisation_id=org.pk, on=due1 + timedelta(days=2))
    inst = plan.instalments.get(number=1)
    assert (inst.status, inst.paid_cents) == ("missed", 0)
    assert summary.reminders == 1
    assert Action.objects.filter(template="plan_reminder", status="planned").count() == 1

    # no money within the grace period: breach; the hold ends as broken
    summary = plans_monitor(organisation_id=org.pk, on=due1 + timedelta(days=8))
    assert summary.breached == 1
    plan.refresh_from_db()
    assert plan.status == PlanStatus.BREACHED
    assert Hold.objects.get(pk=plan.hold_id).outcome == "broken"

    # the daily run the next day reopens the case and plans its next step
    daily_run(organisation=org, run_date=due1 + timedelta(days=9))
    case.refresh_from_db()
    assert case.status == "open" and case.next_step_on is not None
