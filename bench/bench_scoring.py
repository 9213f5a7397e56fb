"""Benchmark: ``scoring.predict.score_accounts`` over all accounts of a water company.

Usage::

    .venv/bin/python bench/bench_scoring.py [--accounts N] [--months M] [--postgres]

N defaults to $BENCH_SIZE or 100,000. Like ``bench_aging.py`` the script builds a
throwaway database (an SQLite file in a temporary directory, or with ``--postgres`` a
fresh database ``vangnet_bench_scoring`` on postgres://postgres@127.0.0.1:5432 that it
drops afterwards), generates N accounts with M months of invoices and payments through
the simulator, then times ``score_accounts`` for all accounts (median of a few runs),
split into the ledger queries, the features and the prediction — first with the
baseline, then with a logistic regression trained on the same ledger. Target: ≤ 3 s for
100,000 accounts on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date

from _throwaway import throwaway_database
from _timing import generation_progress, median_seconds

PG_DATABASE = "vangnet_bench_scoring"


def _parts(org_id: int, ids: list[int], today: date, runs: int) -> str:
    """Time the three stages separately (the total is timed on its own)."""
    from vangnet.scoring.features import feature_matrix
    from vangnet.scoring.ledger_history import ledger_monthly
    from vangnet.scoring.predict import predict_matrix

    history = ledger_monthly(organisation_id=org_id, account_ids=ids, as_of=today)
    x = feature_matrix(history)
    t_sql = median_seconds(
        lambda: ledger_monthly(organisation_id=org_id, account_ids=ids, as_of=today), runs
    )
    t_feat = median_seconds(lambda: feature_matrix(history), runs)
    t_pred = median_seconds(lambda: predict_matrix(x, organisation_id=org_id), runs)
    return f"queries {t_sql:.2f} s, features {t_feat:.2f} s, predict+factors {t_pred:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--accounts", type=int, default=int(os.environ.get("BENCH_SIZE") or 100_000)
    )
    parser.add_argument("--months", type=int, default=18, help="months of simulated billing")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 10))
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.db import connection, connections

        from vangnet.ledger.models import Account
        from vangnet.parties.models import Organisation
        from vangnet.scoring.model import save_model, train
        from vangnet.scoring.predict import score_accounts
        from vangnet.scoring.services import dataset_from_ledger, default_training_as_of
        from vangnet.simulation.generator import Horizon
        from vangnet.simulation.loader import population_load

        vendor = connection.vendor
        organisation = Organisation.objects.create(
            name="Waterbedrijf Benchmark", slug="waterbedrijf-benchmark"
        )
        stats = population_load(
            organisation=organisation,
            households=args.accounts,
            horizon=Horizon(today=args.today, months=args.months),
            seed=args.seed,
            chunk_size=10_000,
            progress=generation_progress if args.accounts >= 50_000 else None,
        )
        print(
            f"generated {stats.accounts:,} accounts ({stats.invoices:,} invoices, "
            f"{stats.payments:,} payments) in {stats.seconds:.1f} s ({vendor})"
        )
        org_id = organisation.pk
        ids = list(Account.objects.filter(organisation=organisation).values_list("id", flat=True))

        def run() -> dict:
            return score_accounts(organisation_id=org_id, account_ids=ids, as_of=args.today)

        began = time.perf_counter()
        scores = run()
        cold = time.perf_counter() - began
        total = median_seconds(run, args.runs)
        bands = {b: sum(s.band == b for s in scores.values()) for b in ("low", "medium", "high")}
        print(
            f"score_accounts baseline over {len(ids):,} accounts: {total:.2f} s "
            f"(first run {cold:.2f} s; {_parts(org_id, ids, args.today, args.runs)}) "
            f"({vendor}); bands {bands}"
        )

        as_of = default_training_as_of(args.today)
        began = time.perf_counter()
        data = dataset_from_ledger(organisation_id=org_id, as_of=as_of, snapshots=1)
        result = train(data.x, data.y, folds=5)
        row = save_model(organisation_id=org_id, result=result, activate=True, source="bench")
        trained = time.perf_counter() - began
        m = row.metrics
        print(
            f"trained {row.version} on {row.training_rows:,} rows as of {as_of} in "
            f"{trained:.1f} s: ROC AUC {m['auc_mean']:.4f} Brier {m['brier_mean']:.4f} "
            f"(baseline AUC {m['baseline_auc_mean']:.4f} Brier {m['baseline_brier_mean']:.4f})"
        )
        began = time.perf_counter()
        run()
        cold = time.perf_counter() - began
        total = median_seconds(run, args.runs)
        print(
            f"score_accounts {row.version} over {len(ids):,} accounts: {total:.2f} s "
            f"(first run {cold:.2f} s; {_parts(org_id, ids, args.today, args.runs)}) ({vendor})"
        )
        connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
