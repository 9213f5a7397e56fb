"""Benchmark: the creditor-side signal gate and sync over many due signal actions.

Usage::

    .venv/bin/python bench/bench_signals_out.py [--cases N] [--postgres]

Builds N cases with a reminder, a call and a planned ``signal`` action in bulk (half of
them with a reminder that does not point to help, so half are blocked), then times
``signals_create_due`` (one pass: history, facts, rules, evidence, bulk writes) and
``signals_sync`` (set-based UPDATEs), and prints signals/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta

from _throwaway import throwaway_database

PG_DATABASE = "vangnet_bench_signals_out"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_SIZE") or 20_000))
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)
    day = date(2025, 6, 10)
    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.db import connection
        from django.utils import timezone

        from vangnet.ledger.models import Account, Customer
        from vangnet.parties.models import Address, Organisation, Person
        from vangnet.signals.outgoing.gate import signals_create_due
        from vangnet.signals.outgoing.models import MunicipalityEndpoint
        from vangnet.signals.outgoing.services import signals_sync
        from vangnet.strategy.models import Action, Case, Journey

        Journey.objects.create(
            code="bench",
            name="bench",
            templates={
                "help": {"written_reminder": True, "points_to_help": True,
                         "offers_data_sharing": True, "states_medical_exception": True},
                "plain": {"written_reminder": True},
            },
        )  # fmt: skip
        org = Organisation.objects.create(name="W", slug="w", sector="drinking_water")
        MunicipalityEndpoint.objects.create(code="0344", name="Utrecht", url="http://127.0.0.1:9/")
        n = args.cases
        t0 = time.perf_counter()
        address = Address.objects.create(street="S", house_number=1, postcode="3511AB", city="U")
        people = Person.objects.bulk_create(
            [Person(surname=f"P{i}", address=address) for i in range(n)], batch_size=5000
        )
        customers = Customer.objects.bulk_create(
            [Customer(organisation=org, number=f"C{i}", person=p) for i, p in enumerate(people)],
            batch_size=5000,
        )
        accounts = Account.objects.bulk_create(
            [Account(organisation=org, customer=c, number=c.number) for c in customers],
            batch_size=5000,
        )
        cases = Case.objects.bulk_create(
            [
                Case(
                    organisation=org,
                    account=a,
                    opened_on=day - timedelta(days=55),
                    arrears_cents=20000,
                    arrears_since=day - timedelta(days=60),
                )
                for a in accounts
            ],
            batch_size=5000,
        )
        now = timezone.now()
        at = lambda d: datetime.combine(d, datetime.min.time(), tzinfo=UTC)  # noqa: E731
        actions = []
        for i, c in enumerate(cases):
            for k, (kind, ch, tpl, d, st) in enumerate(
                (
                    (
                        "message",
                        "letter",
                        "help" if i % 2 else "plain",
                        day - timedelta(40),
                        "sent",
                    ),
                    ("call_task", "phone", "call", day - timedelta(35), "done"),
                    ("signal", "municipality", "signal", day, "planned"),
                )
            ):
                actions.append(Action(organisation=org, case=c, action_type=kind, channel=ch,
                                      template=tpl, run_date=d, scheduled_for=at(d), status=st,
                                      idempotency_key=f"b{c.pk}-{k}", created_at=now))  # fmt: skip
        Action.objects.bulk_create(actions, batch_size=5000)
        print(f"setup: {n} cases in {time.perf_counter() - t0:.1f}s ({connection.vendor})")
        t0 = time.perf_counter()
        summary = signals_create_due(organisation_id=org.pk, on=day)
        s = time.perf_counter() - t0
        print(f"signals_create_due: {n} actions in {s:.2f}s = {n / s:,.0f}/s {summary.as_dict()}")
        Case.objects.filter(pk__in=[c.pk for c in cases[: n // 4]]).update(arrears_cents=40000)
        from vangnet.signals.outgoing.models import OutgoingSignal

        OutgoingSignal.objects.filter(status="queued").update(
            status="acknowledged", pending_event="", sent_at=now, sent_amount_cents=20000
        )
        t0 = time.perf_counter()
        result = signals_sync(organisation_id=org.pk, on=day)
        s = time.perf_counter() - t0
        print(f"signals_sync: {n} cases in {s:.2f}s {result.as_dict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
