"""Benchmark: the aging report and positions over a million accounts.

Usage::

    .venv/bin/python bench/bench_aging.py [--accounts N] [--months M] [--postgres]

N defaults to $BENCH_SIZE or 1,000,000. The script builds a throwaway database — an
SQLite file in a temporary directory, or with ``--postgres`` a fresh database
``vangnet_bench_aging`` on postgres://postgres@127.0.0.1:5432 that it drops afterwards —
migrates it, generates N water accounts with M months of invoices and payments through
the simulator (timed: accounts/s), then times ``ledger.selectors.aging_report`` and
``positions`` (median of a few runs) and prints one line per figure.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date

from _throwaway import throwaway_database
from _timing import generation_progress, median_seconds

PG_DATABASE = "vangnet_bench_aging"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--accounts", type=int, default=int(os.environ.get("BENCH_SIZE") or 1_000_000)
    )
    parser.add_argument(
        "--months",
        type=int,
        default=4,
        help="months of invoices per account (4 fills every aging bucket)",
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--runs", type=int, default=3)

    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 10))
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.db import connection, connections

        from vangnet.ledger.selectors import aging_report, positions
        from vangnet.parties.models import Organisation
        from vangnet.simulation.generator import Horizon
        from vangnet.simulation.loader import population_load

        vendor = connection.vendor
        organisation = Organisation.objects.create(
            name="Waterbedrijf Benchmark", slug="waterbedrijf-benchmark"
        )
        horizon = Horizon(today=args.today, months=args.months)
        stats = population_load(
            organisation=organisation,
            households=args.accounts,
            horizon=horizon,
            seed=args.seed,
            chunk_size=10_000,
            progress=generation_progress if args.accounts >= 50_000 else None,
        )
        print(
            f"generated {stats.accounts:,} accounts ({stats.invoices:,} invoices, "
            f"{stats.payments:,} payments, {stats.allocations:,} allocations, "
            f"{stats.rows:,} rows) in {stats.seconds:.1f} s: "
            f"{stats.accounts / stats.seconds:,.0f} accounts/s, "
            f"{stats.rows / stats.seconds:,.0f} rows/s ({vendor})"
        )
        org_id = organisation.pk
        report = aging_report(organisation_id=org_id, today=args.today)  # warm the cache
        aging = median_seconds(
            lambda: aging_report(organisation_id=org_id, today=args.today), args.runs
        )
        pos = positions(organisation_id=org_id, today=args.today)
        pos_time = median_seconds(
            lambda: positions(organisation_id=org_id, today=args.today), args.runs
        )
        print(
            f"aging report over {stats.accounts} accounts: {aging:.2f} s ({vendor}); "
            f"{report.accounts_in_arrears:,} accounts in arrears, "
            f"buckets {[b.account_count for b in report.buckets]}"
        )
        print(
            f"positions over {stats.accounts} accounts: {pos_time:.2f} s ({vendor}); "
            f"{len(pos):,} accounts with open items"
        )
        connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
