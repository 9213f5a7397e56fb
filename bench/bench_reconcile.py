"""Benchmark: import and reconcile a 100,000-entry CAMT.053 against a synthetic ledger.

Usage::

    .venv/bin/python bench/bench_reconcile.py [--entries N] [--postgres]

N defaults to $BENCH_SIZE or 100,000. The script builds a throwaway database (see
``_throwaway.py``), loads N/2 simulated water customers with three months of invoices
and payments (so payer IBANs are known from earlier payments), writes a CAMT.053
statement paying N of their invoices with the simulator's remittance variety (~70%
betalingskenmerk, ~20% invoice/customer number in the text, ~7% typo or nothing but a
known IBAN, ~3% untraceable), then times ``banking.services.statement_import`` — parse,
store, reconcile, book payments, allocate — and prints the auto-match share (target
≥ 95%), seconds, entries/s, and a bare ``lxml.etree.iterparse`` pass over the same file
for comparison.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta

from _throwaway import throwaway_database
from _timing import generation_progress

PG_DATABASE = "vangnet_bench_reconcile"


def bare_iterparse(path: str) -> tuple[int, float]:
    """The floor: lxml streaming over every Ntry, clearing as it goes, nothing else."""
    from lxml import etree

    began = time.perf_counter()
    count = 0
    for _event, element in etree.iterparse(path, events=("end",), tag="{*}Ntry"):
        count += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return count, time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=int(os.environ.get("BENCH_SIZE") or 100_000))
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 10))
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres) as home:
        from django.db import connection, connections

        from vangnet.banking.camt053 import CamtReader
        from vangnet.banking.safexml import open_source
        from vangnet.banking.services import statement_import
        from vangnet.parties.models import Organisation
        from vangnet.simulation.camt import payable_invoices, plan_payments, write_camt053
        from vangnet.simulation.generator import Horizon
        from vangnet.simulation.loader import population_load

        vendor = connection.vendor
        organisation = Organisation.objects.create(
            name="Waterbedrijf Benchmark", slug="waterbedrijf-benchmark"
        )
        households = max(1000, args.entries // 2)
        stats = population_load(
            organisation=organisation,
            households=households,
            horizon=Horizon(today=args.today, months=3),
            seed=args.seed,
            chunk_size=10_000,
            progress=generation_progress if households >= 50_000 else None,
        )
        print(
            f"ledger: {stats.accounts:,} accounts, {stats.invoices:,} invoices, "
            f"{stats.payments:,} payments in {stats.seconds:.1f} s ({vendor})"
        )

        began = time.perf_counter()
        invoices = payable_invoices(organisation_id=organisation.pk, count=args.entries)
        payments = plan_payments(invoices, booked_on=args.today + timedelta(days=1), seed=args.seed)
        path = os.path.join(home, "statement.xml")
        written = write_camt053(
            payments, path, account_iban="NL02ABNA0123456789", statement_id="BENCH-1"
        )
        size_mb = os.path.getsize(path) / 1e6
        print(
            f"statement: {written:,} entries, {size_mb:.1f} MB CAMT.053 written in "
            f"{time.perf_counter() - began:.1f} s"
        )

        count, bare = bare_iterparse(path)
        began = time.perf_counter()
        parsed = sum(1 for _ in CamtReader(open_source(path)))
        parse_only = time.perf_counter() - began
        print(
            f"bare lxml iterparse: {count:,} Ntry in {bare:.2f} s; "
            f"vangnet parse only: {parsed:,} entries in {parse_only:.2f} s "
            f"({parse_only / bare:.1f}x bare)"
        )

        began = time.perf_counter()
        result = statement_import(organisation=organisation, source=path)
        seconds = time.perf_counter() - began
        share = result.matched / result.credits if result.credits else 0.0
        rules = ", ".join(f"{k} {v:,}" for k, v in result.by_rule.most_common())
        print(
            f"import + reconcile: {result.entries:,} entries in {seconds:.1f} s "
            f"({result.entries / seconds:,.0f} entries/s, {seconds / bare:.1f}x bare iterparse; "
            f"{vendor}); {result.payments_created:,} payments, "
            f"{result.allocations:,} allocations"
        )
        phases = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
        print(f"phases: {phases}; cases: {result.reevaluation}")
        print(f"auto-match: {share:.1%} ({result.summary}; target >= 95%); rules: {rules}")

        began = time.perf_counter()
        again = statement_import(organisation=organisation, source=path)
        print(
            f"re-import of the same file: {time.perf_counter() - began:.1f} s, "
            f"{again.new} new entries, {again.payments_created} payments (must be 0)"
        )
        connections.close_all()
    return 0 if share >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
