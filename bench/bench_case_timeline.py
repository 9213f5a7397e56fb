"""Benchmark: the case timeline of a long history, and the first page of a big call list.

Usage::

    .venv/bin/python bench/bench_case_timeline.py [--tasks N] [--years Y] [--postgres]

Builds a throwaway database (see ``_throwaway``), then

1. one case with Y years of history (monthly invoices and payments, two case events and
   one action per week, one message per action, a call a month, plans, costs) and times
   ``workspace.timeline.case_timeline`` (median of runs) with its query count;
2. N open call tasks on N cases (bulk-written) and times the first page of 25 of
   ``workspace.queues.call_list`` including the paginator's count, the query the call
   list page runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime, time, timedelta

from _throwaway import throwaway_database
from _timing import median_seconds

PG_DATABASE = "vangnet_bench_case_timeline"


def _aware(day: date, hour: int = 10) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour)))


def build_history(organisation, *, today: date, years: int):
    from vangnet.ledger.models import Account, Customer, Invoice, Payment
    from vangnet.messaging.models import OutboxMessage
    from vangnet.parties.models import Address, Person
    from vangnet.strategy.models import Action, Case, CaseEvent
    from vangnet.workspace.models import Task

    address = Address.objects.create(
        street="Lange Gracht", house_number=1, postcode="2312 AB", city="Leiden"
    )
    person = Person.objects.create(given_name="Lange", surname="Historie", address=address)
    customer = Customer.objects.create(organisation=organisation, number="K-HIST", person=person)
    account = Account.objects.create(
        organisation=organisation, customer=customer, number="C-HIST", start_date=date(2000, 1, 1)
    )
    start = today - timedelta(days=365 * years)
    case = Case.objects.create(
        organisation=organisation, account=account, opened_on=start, arrears_cents=50000
    )
    months = years * 12
    Invoice.objects.bulk_create(
        Invoice(
            organisation=organisation,
            account=account,
            number=f"F-{i}",
            issue_date=start + timedelta(days=30 * i),
            due_date=start + timedelta(days=30 * i + 14),
            amount_cents=4500,
            open_amount_cents=0 if i < months - 3 else 4500,
        )
        for i in range(months)
    )
    Payment.objects.bulk_create(
        Payment(
            organisation=organisation,
            account=account,
            booked_on=start + timedelta(days=30 * i + 20),
            amount_cents=4500,
            reference=f"BANK-{i}",
            reversed_on=start + timedelta(days=30 * i + 25) if i % 12 == 5 else None,
            reversal_reason="AM04" if i % 12 == 5 else "",
        )
        for i in range(months - 3)
    )
    weeks = years * 52
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            on=start + timedelta(days=7 * w + k),
            at=_aware(start + timedelta(days=7 * w + k)),
            kind="note",
            text=f"Gebeurtenis {w}/{k}",
        )
        for w in range(weeks)
        for k in range(2)
    )
    actions = Action.objects.bulk_create(
        Action(
            organisation=organisation,
            case=case,
            action_type="message",
            channel="email",
            template="herinnering",
            run_date=start + timedelta(days=7 * w),
            scheduled_for=_aware(start + timedelta(days=7 * w)),
            status="sent",
            explanation={"guardrails": {"nl": "Toegestaan.", "checks": ["quiet_hours"]}},
            idempotency_key=f"hist:{w}",
            created_at=_aware(start + timedelta(days=7 * w), 9),
        )
        for w in range(weeks)
    )
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            organisation=organisation,
            case=case,
            action=a,
            channel="email",
            recipient="lange@example.nl",
            subject="Herinnering",
            text="Beste klant, uw rekening staat nog open. " * 10,
            idempotency_key=f"hist-msg:{a.idempotency_key}",
            status="sent",
            not_before=a.scheduled_for,
            next_attempt_at=a.scheduled_for,
            created_at=a.scheduled_for,
            sent_at=a.scheduled_for,
        )
        for a in Action.objects.filter(case=case)
    )
    Task.objects.bulk_create(
        Task(
            organisation=organisation,
            case=case,
            kind="call",
            title="Bellen",
            due_on=start + timedelta(days=30 * i),
            status="done",
            outcome="not_reached",
            idempotency_key=f"hist-task:{i}",
        )
        for i in range(months)
    )
    return case, len(actions)


def build_call_list(organisation, *, today: date, n: int) -> None:
    from vangnet.ledger.models import Account, Customer
    from vangnet.parties.models import Address, Person
    from vangnet.strategy.models import Case
    from vangnet.workspace.models import Task

    size = 5000
    for lo in range(0, n, size):
        hi = min(n, lo + size)
        addresses = Address.objects.bulk_create(
            Address(
                street="Straat",
                house_number=i % 300 + 1,
                postcode=f"{1000 + i % 8999} AA",
                city="X",
            )
            for i in range(lo, hi)
        )
        people = Person.objects.bulk_create(
            Person(
                surname=f"P{i}",
                address=a,
                in_debt_help=i % 17 == 0,
                contact_window_start=time(18) if i % 5 == 0 else None,
                contact_window_end=time(21) if i % 5 == 0 else None,
            )
            for i, a in zip(range(lo, hi), addresses, strict=True)
        )
        customers = Customer.objects.bulk_create(
            Customer(organisation=organisation, number=f"K{i}", person=p)
            for i, p in zip(range(lo, hi), people, strict=True)
        )
        accounts = Account.objects.bulk_create(
            Account(
                organisation=organisation, customer=c, number=f"C{i}", start_date=date(2020, 1, 1)
            )
            for i, c in zip(range(lo, hi), customers, strict=True)
        )
        cases = Case.objects.bulk_create(
            Case(
                organisation=organisation,
                account=a,
                opened_on=today - timedelta(days=30),
                arrears_cents=1000 + (i * 7919) % 90000,
                score=((i * 104729) % 1000) / 1000,
            )
            for i, a in zip(range(lo, hi), accounts, strict=True)
        )
        Task.objects.bulk_create(
            Task(
                organisation=organisation,
                case=c,
                kind="call",
                title=f"Bellen {i}",
                due_on=today - timedelta(days=i % 3),
                priority=2 + i % 3,
                phone="+31612345678",
                idempotency_key=f"bench-call:{i}",
            )
            for i, c in zip(range(lo, hi), cases, strict=True)
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=int(os.environ.get("BENCH_SIZE") or 100_000))
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 10))
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.core.paginator import Paginator
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from vangnet.parties.models import Organisation
        from vangnet.workspace.queues import call_list
        from vangnet.workspace.timeline import case_timeline

        vendor = connection.vendor
        organisation = Organisation.objects.create(name="Bench", slug="bench")
        case, n_actions = build_history(organisation, today=args.today, years=args.years)
        with CaptureQueriesContext(connection) as queries:
            timeline = case_timeline(case=case)
        seconds = median_seconds(lambda: case_timeline(case=case), args.runs)
        print(
            f"case_timeline: {args.years} years ({n_actions} actions + messages, "
            f"{len(timeline.items)} items shown, capped: {','.join(timeline.capped_sources)}) "
            f"in {seconds * 1000:.1f} ms, {len(queries)} queries ({vendor})"
        )

        build_call_list(organisation, today=args.today, n=args.tasks)
        now = _aware(args.today, 10)

        def first_page() -> int:
            page = Paginator(
                call_list(organisation_id=organisation.pk, today=args.today, now=now), 25
            ).get_page(1)
            return len(list(page.object_list)) + page.paginator.count

        with CaptureQueriesContext(connection) as queries:
            first_page()
        seconds = median_seconds(first_page, args.runs)
        print(
            f"call_list first page of 25 over {args.tasks:,} open calls: "
            f"{seconds * 1000:.1f} ms, {len(queries)} queries ({vendor})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
