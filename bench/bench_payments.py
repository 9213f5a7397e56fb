"""Benchmark: payment links end to end against the local Mollie sandbox.

Usage::

    .venv/bin/python bench/bench_payments.py [--accounts N] [--payments M] [--postgres]

Builds a throwaway database with N accounts (default $BENCH_SIZE or 20,000), each with an
overdue invoice and an open case, then for M of them (default 300) runs the real path:
``paymentlink_for_account`` → ``paymentlink_start`` (HTTP to the sandbox) → the sandbox
marks the payment paid → ``provider_payment_sync`` (HTTP fetch, ledger booking,
allocation, case re-evaluation). Half the payments are partial, half close the case. It
prints the median per step and payments per second; a webhook is one payment at a time,
so per-call latency is the figure that matters, not bulk throughput.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

from _throwaway import throwaway_database

PG_DATABASE = "vangnet_bench_payments"


def _build(organisation, n: int, today) -> list[int]:  # type: ignore[no-untyped-def]
    from vangnet.ledger.models import Account, Customer, Invoice
    from vangnet.parties.models import Person
    from vangnet.strategy.models import Case

    people = Person.objects.bulk_create(
        Person(surname=f"Bench {i}", initials="B.") for i in range(n)
    )
    customers = Customer.objects.bulk_create(
        Customer(organisation=organisation, number=f"C{i:07d}", person=p)
        for i, p in enumerate(people)
    )
    accounts = Account.objects.bulk_create(
        Account(organisation=organisation, customer=c, number=c.number) for c in customers
    )
    due = today - timedelta(days=20)
    Invoice.objects.bulk_create(
        Invoice(
            organisation=organisation,
            account=a,
            number=f"F{a.pk:08d}",
            issue_date=due,
            due_date=due,
            amount_cents=5000,
            open_amount_cents=5000,
        )
        for a in accounts
    )
    Case.objects.bulk_create(
        Case(organisation=organisation, account=a, opened_on=due, arrears_cents=5000)
        for a in accounts
    )
    return [a.pk for a in accounts]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=int(os.environ.get("BENCH_SIZE") or 20_000))
    parser.add_argument("--payments", type=int, default=300)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.conf import settings
        from django.db import connection
        from django.utils import timezone

        from vangnet.ledger.models import Account, Payment
        from vangnet.parties.models import Organisation
        from vangnet.payments.contrib.mollie.sandbox import DEFAULT_KEY, MollieSandbox
        from vangnet.payments.services import (
            paymentlink_for_account,
            paymentlink_start,
            provider_payment_sync,
        )
        from vangnet.strategy.models import Case

        organisation = Organisation.objects.create(name="Bench", slug="bench")
        began = time.perf_counter()
        ids = _build(organisation, args.accounts, timezone.localdate())
        print(f"built {len(ids):,} accounts with a case in {time.perf_counter() - began:.1f} s")
        step_start: list[float] = []
        step_sync: list[float] = []
        with MollieSandbox() as mollie:
            settings.VANGNET_PAYMENT_PROVIDER = "mollie"
            settings.MOLLIE_API_KEY = DEFAULT_KEY
            settings.MOLLIE_API_BASE_URL = mollie.base_url
            total_began = time.perf_counter()
            for i, account_id in enumerate(ids[: args.payments]):
                account = Account.objects.get(pk=account_id)
                t0 = time.perf_counter()
                link = paymentlink_for_account(account=account)
                pp = paymentlink_start(link=link, amount_cents=2000 if i % 2 else 5000)
                t1 = time.perf_counter()
                mollie.complete(pp.provider_payment_id, notify=False)
                t2 = time.perf_counter()
                provider_payment_sync(provider="mollie", provider_payment_id=pp.provider_payment_id)
                t3 = time.perf_counter()
                step_start.append(t1 - t0)
                step_sync.append(t3 - t2)
            total = time.perf_counter() - total_began
        booked = Payment.objects.count()
        closed = Case.objects.filter(status="closed").count()
        assert booked == args.payments, booked
        vendor = connection.vendor
        print(
            f"link + start (HTTP create): median {statistics.median(step_start) * 1000:.1f} ms"
            f" ({vendor}, {args.accounts:,} accounts)"
        )
        print(
            f"webhook sync (HTTP fetch + book + allocate + re-evaluate): median "
            f"{statistics.median(step_sync) * 1000:.1f} ms, p95 "
            f"{sorted(step_sync)[int(len(step_sync) * 0.95) - 1] * 1000:.1f} ms"
        )
        print(
            f"{args.payments} payments end to end in {total:.1f} s: "
            f"{args.payments / total:.0f} payments/s; {booked} booked, {closed} cases closed"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
