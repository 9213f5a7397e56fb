"""Benchmark: the strategy simulator, N households over D days through the real daily run.

Usage::

    .venv/bin/python bench/bench_simulate.py [--households N] [--days D] [--journey J]
                                             [--postgres]

Defaults: 20,000 households × 120 days, the social journey (the issue's target: "in
minutes"). Without ``--postgres`` it uses a fresh SQLite file in a temporary directory;
with it a throwaway database ``vangnet_bench_sim`` on postgres://postgres@127.0.0.1:5432,
created and dropped here. Prints the time for building the book, for the day loop (and
the share of it spent in ``daily_run``), for metrics and clean-up, and a few outcomes
so a change in speed can be told apart from a change in behaviour.
"""

from __future__ import annotations

import argparse
import sys
import time

from _throwaway import throwaway_database

PG_DATABASE = "vangnet_bench_sim"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--journey", default="social")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.db import connection

        from vangnet.simulation.strategy_sim import SimConfig, simulate_strategy

        config = SimConfig(
            households=args.households, days=args.days, journey=args.journey, seed=args.seed
        )
        began = time.perf_counter()
        result = simulate_strategy(
            config, progress=lambda m: sys.stderr.write(f"  {m}\n") and sys.stderr.flush()
        )
        wall = time.perf_counter() - began
        s, m = result.seconds, result.metrics
        print(
            f"bench_simulate ({connection.vendor}): {args.households:,} households × "
            f"{args.days} days, journey {result.journey_code}"
        )
        print(f"  build book      {s['build']:8.1f} s")
        print(
            f"  day loop        {s['days']:8.1f} s  ({s['days'] / args.days:.2f} s/day; "
            f"daily_run {s['daily_run']:.1f} s = {s['daily_run'] / s['days']:.0%})"
        )
        print(f"  metrics         {s['metrics']:8.1f} s")
        print(f"  clean-up        {s.get('cleanup', 0):8.1f} s")
        print(f"  total           {wall:8.1f} s  ({wall / 60:.1f} min)")
        print(
            f"  outcome: {m['cases_opened']:,} cases, cured within 30/60/90 d "
            f"{m['cured_within']}, cost per case € {m['cost_per_case_eur']}, "
            f"{m['contacts_total']:,} contacts"
        )
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
