"""Benchmark: monitoring payment plans (``arrangements.monitor.plans_monitor``).

Usage::

    .venv/bin/python bench/bench_plans.py [--plans N] [--postgres]

N defaults to $BENCH_SIZE or 20,000 active plans of three instalments, each with a case
and a payment-plan hold. 80% of the customers pay the first instalment on time, 10% pay
half, 10% nothing. Timed (median of a few runs where the call is repeatable):

- the day after the first due date: payments to instalments, missed instalments with a
  reminder action and a timeline event each;
- a repeat of that day (idempotent: nothing new is written);
- the day after the grace period: breaches (plan, hold ended broken, event).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta

from _throwaway import throwaway_database
from _timing import median_seconds

PG_DATABASE = "vangnet_bench_plans"


def build(n: int, today: date) -> int:
    from django.utils import timezone

    from vangnet.arrangements.models import Instalment, PaymentPlan
    from vangnet.ledger.models import Account, Customer, Invoice, Payment
    from vangnet.parties.models import Organisation, Person
    from vangnet.strategy.models import Case, Hold

    org = Organisation.objects.create(
        name="Waterbedrijf Benchmark", slug="bench-plans", sector="drinking_water"
    )
    people = Person.objects.bulk_create(
        [Person(surname=f"Jansen {k}", initials="J.") for k in range(n)], batch_size=5000
    )
    customers = Customer.objects.bulk_create(
        [Customer(organisation=org, number=f"K{k:08d}", person=p) for k, p in enumerate(people)],
        batch_size=5000,
    )
    accounts = Account.objects.bulk_create(
        [Account(organisation=org, customer=c, number=c.number) for c in customers],
        batch_size=5000,
    )
    Invoice.objects.bulk_create(
        [
            Invoice(
                organisation=org,
                account=a,
                number=f"F{a.pk:09d}",
                issue_date=today - timedelta(days=60),
                due_date=today - timedelta(days=30),
                amount_cents=30000,
                open_amount_cents=30000,
            )
            for a in accounts
        ],
        batch_size=5000,
    )
    cases = Case.objects.bulk_create(
        [
            Case(organisation=org, account=a, status="paused", opened_on=today, paused_on=today)
            for a in accounts
        ],
        batch_size=5000,
    )
    holds = Hold.objects.bulk_create(
        [
            Hold(organisation=org, account=a, case=c, kind="payment_plan", starts_on=today)
            for a, c in zip(accounts, cases, strict=True)
        ],
        batch_size=5000,
    )
    now = timezone.now()
    plans = PaymentPlan.objects.bulk_create(
        [
            PaymentPlan(
                organisation=org,
                account=a,
                case=c,
                status="active",
                total_cents=30000,
                instalment_count=3,
                instalment_cents=10000,
                first_due_on=today + timedelta(days=15),
                day_of_month=(today + timedelta(days=15)).day,
                source="portal",
                approved_at=now,
                activated_on=today,
                hold=h,
                created_on=today,
            )
            for a, c, h in zip(accounts, cases, holds, strict=True)
        ],
        batch_size=5000,
    )
    Instalment.objects.bulk_create(
        [
            Instalment(
                plan=p,
                number=k,
                due_on=today + timedelta(days=15 + 30 * (k - 1)),
                amount_cents=10000,
            )
            for p in plans
            for k in (1, 2, 3)
        ],
        batch_size=5000,
    )
    payments = []
    for k, a in enumerate(accounts):
        share = k % 10
        amount = 10000 if share < 8 else (5000 if share == 8 else 0)
        if amount:
            payments.append(
                Payment(
                    organisation=org,
                    account=a,
                    booked_on=today + timedelta(days=14),
                    amount_cents=amount,
                    unallocated_cents=amount,
                    reference=f"B{a.pk:010d}",
                )
            )
    Payment.objects.bulk_create(payments, batch_size=5000)
    return org.pk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=int(os.environ.get("BENCH_SIZE") or 20_000))
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 10))
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.db import connection, connections

        from vangnet.arrangements.monitor import plans_monitor

        vendor = connection.vendor
        began = time.perf_counter()
        org_id = build(args.plans, args.today)
        print(f"built {args.plans:,} active plans in {time.perf_counter() - began:.1f} s")

        day1 = args.today + timedelta(days=16)
        began = time.perf_counter()
        first = plans_monitor(organisation_id=org_id, on=day1)
        elapsed = time.perf_counter() - began
        print(
            f"monitor, day after the first due date: {elapsed:.2f} s for {first.plans:,} plans "
            f"({first.plans / elapsed:,.0f} plans/s, {vendor}); "
            f"{first.instalments_changed:,} instalments changed, {first.reminders:,} reminders"
        )
        repeat = median_seconds(lambda: plans_monitor(organisation_id=org_id, on=day1), args.runs)
        again = plans_monitor(organisation_id=org_id, on=day1)
        print(
            f"monitor, same day again: {repeat:.2f} s ({vendor}); "
            f"{again.instalments_changed} changed, {again.reminders} reminders (idempotent)"
        )
        began = time.perf_counter()
        breach = plans_monitor(organisation_id=org_id, on=args.today + timedelta(days=23))
        elapsed = time.perf_counter() - began
        print(
            f"monitor, after the grace period: {elapsed:.2f} s ({vendor}); "
            f"{breach.breached:,} plans breached"
        )
        connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
