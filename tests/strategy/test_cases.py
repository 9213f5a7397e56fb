"""Cases open, close, pause, resume and reopen in the daily run, each with its cause."""

from __future__ import annotations

from datetime import date, timedelta

from tests.strategy.conftest import DAY, account_in_arrears, pay_all
from vangnet.ledger.models import Invoice
from vangnet.strategy.cases import case_close, contact_register, hold_create, hold_end
from vangnet.strategy.models import Action, Case, CaseEvent, StrategyPolicy
from vangnet.strategy.run import daily_run


def events(case: Case) -> list[tuple[str, str]]:
    return list(case.events.order_by("on", "pk").values_list("kind", "cause"))


def test_opens_over_threshold_only(org):
    over = account_in_arrears(org, cents=1000)  # exactly the default €10 threshold
    under = account_in_arrears(org, cents=999)
    summary = daily_run(organisation=org, run_date=DAY)
    assert summary.opened == 1
    case = Case.objects.get()
    assert case.account == over
    assert (case.status, case.opened_on, case.journey.code) == ("open", DAY, "water-social")
    assert case.arrears_cents == 1000 and case.arrears_since == DAY - timedelta(days=5)
    assert events(case)[0] == ("opened", "arrears_over_threshold")
    assert not Case.objects.filter(account=under).exists()


def test_threshold_is_configuration(org):
    StrategyPolicy.objects.create(organisation=org, arrears_threshold_cents=7500)
    account_in_arrears(org, cents=5000)
    assert daily_run(organisation=org, run_date=DAY).opened == 0


def test_unallocated_money_reduces_arrears(org):
    from tests.ledger.factories import make_payment

    account = account_in_arrears(org, cents=5000)
    make_payment(account, 4950, DAY)  # paid, not yet allocated: € 0,50 left
    assert daily_run(organisation=org, run_date=DAY).opened == 0


def test_closes_when_paid_within_tolerance(org):
    account = account_in_arrears(org, cents=5000)
    daily_run(organisation=org, run_date=DAY)
    invoice = Invoice.objects.get(account=account)
    invoice.open_amount_cents = 100  # € 1,00 left = the default tolerance
    invoice.save()
    summary = daily_run(organisation=org, run_date=DAY + timedelta(days=1))
    case = Case.objects.get()
    assert summary.closed == 1
    assert (case.status, case.closed_on, case.close_cause) == ("closed", DAY + timedelta(1), "paid")
    assert events(case)[-1] == ("closed", "paid")


def test_new_arrears_after_closing_open_a_new_case_counted_as_repeat(org):
    account = account_in_arrears(org, cents=5000)
    daily_run(organisation=org, run_date=DAY)
    pay_all(account, DAY)
    daily_run(organisation=org, run_date=DAY + timedelta(days=1))
    from tests.ledger.factories import make_invoice

    make_invoice(account, 5000, DAY + timedelta(days=20))
    daily_run(organisation=org, run_date=DAY + timedelta(days=25))
    cases = list(Case.objects.order_by("pk"))
    assert [c.status for c in cases] == ["closed", "open"]
    action = Action.objects.filter(case=cases[1]).get()
    assert action.explanation["features"]["repeat_arrears_12m"] == 1
    assert cases[1].segment == "repeat_late_payer"


def test_dispute_pauses_and_its_end_resumes_with_shifted_journey(org):
    account = account_in_arrears(org)
    daily_run(organisation=org, run_date=DAY)
    hold = hold_create(
        account=account, kind="dispute", starts_on=DAY + timedelta(1), reason="klopt niet"
    )
    for offset in range(1, 11):
        daily_run(organisation=org, run_date=DAY + timedelta(days=offset))
    case = Case.objects.get()
    assert (case.status, case.pause_cause, case.paused_on) == (
        "paused",
        "dispute",
        DAY + timedelta(1),
    )
    # nothing was planned while paused
    assert not Action.objects.filter(run_date__gt=DAY).exists()
    hold_end(hold=hold, on=DAY + timedelta(days=11), outcome="completed")
    daily_run(organisation=org, run_date=DAY + timedelta(days=11))
    case.refresh_from_db()
    assert case.status == "open"
    assert case.journey_day0 == DAY + timedelta(days=10)  # moved by the 10 paused days
    assert events(case)[-1] == ("resumed", "hold_ended")
    assert ("paused", "dispute") in events(case)


def test_broken_plan_reopens(org):
    account = account_in_arrears(org)
    daily_run(organisation=org, run_date=DAY)
    plan = hold_create(
        account=account, kind="payment_plan", starts_on=DAY, ends_on=DAY + timedelta(90)
    )
    daily_run(organisation=org, run_date=DAY + timedelta(days=1))
    assert Case.objects.get().status == "paused"
    hold_end(hold=plan, on=DAY + timedelta(days=30), outcome="broken")
    summary = daily_run(organisation=org, run_date=DAY + timedelta(days=30))
    assert summary.reopened == 1
    case = Case.objects.get()
    assert case.status == "open"
    assert ("reopened", "plan_broken") in events(case)
    assert case.journey_day0 == DAY + timedelta(days=29)  # paused from day 1 to day 30
    daily_run(organisation=org, run_date=DAY + timedelta(days=36))  # journey day 7
    latest = Action.objects.filter(case=case).latest("run_date")
    assert latest.run_date == DAY + timedelta(days=36)
    assert latest.explanation["features"]["broken_plans"] == 1


def test_person_flags_pause_without_a_hold_row(org):
    moratorium = account_in_arrears(org)
    deceased = account_in_arrears(org)
    person = moratorium.customer.person
    person.moratorium_until = DAY + timedelta(days=100)
    person.save()
    person = deceased.customer.person
    person.deceased_on = DAY - timedelta(days=3)
    person.save()
    summary = daily_run(organisation=org, run_date=DAY)
    assert summary.opened == 2 and summary.paused == 2
    causes = dict(Case.objects.values_list("account_id", "pause_cause"))
    assert causes == {moratorium.pk: "moratorium", deceased.pk: "deceased"}
    assert not Action.objects.exists()


def test_manual_close_and_contact_are_on_the_timeline(org, django_user_model):
    account_in_arrears(org)
    daily_run(organisation=org, run_date=DAY)
    case = Case.objects.get()
    user = django_user_model.objects.create_user("medewerker")
    contact_register(case=case, on=DAY, reached=True, channel="phone", actor=user)
    case_close(case=case, cause="written_off", on=DAY, actor=user, note="afgeboekt")
    case.refresh_from_db()
    assert case.status == "closed" and case.close_cause == "written_off"
    last = CaseEvent.objects.filter(case=case).order_by("pk").last()
    assert (last.kind, last.cause, last.actor) == ("closed", "written_off", user)


def test_contact_changes_segment_and_is_recorded(org):
    account_in_arrears(org, days=40, cents=20000)
    daily_run(organisation=org, run_date=DAY)
    case = Case.objects.get()
    assert case.segment == "no_contact_yet"
    contact_register(case=case, on=DAY, reached=True, channel="phone")
    daily_run(organisation=org, run_date=DAY + timedelta(days=1))
    case.refresh_from_db()
    assert case.segment == "standard"
    assert ("segment", "standard") in events(case)


def test_run_date_is_independent_of_today(org):
    account_in_arrears(org, today=date(2030, 1, 2))
    daily_run(organisation=org, run_date=date(2030, 1, 2))
    assert Case.objects.get().opened_on == date(2030, 1, 2)
