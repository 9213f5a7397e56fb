"""``vangnet model …``: train, evaluate, export and list scoring models.

Only parses arguments and prints; the work is in ``vangnet.scoring.services``.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.scoring.history import HistoryFormatError
from vangnet.scoring.model import ModelError, activate_model, deactivate_models
from vangnet.scoring.models import ScoringModel
from vangnet.scoring.services import (
    dataset_from_files,
    dataset_from_ledger,
    default_training_as_of,
    evaluate,
    export_history,
    resolve_organisation,
    train_and_save,
)


def _date(text: str) -> date:
    return date.fromisoformat(text)


class Command(BaseCommand):
    help = "Scoremodel: trainen, evalueren, geschiedenis exporteren, overzicht."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)

        def files(p: CommandParser) -> None:
            p.add_argument("--history", required=True, help="history CSV (see docs/scoring.md)")
            p.add_argument("--outcome", required=True, help="outcome CSV")
            p.add_argument("--folds", type=int, default=5)
            p.add_argument("--algorithm", default="lr", choices=["lr", "gb", "auto"])

        p = sub.add_parser("train", help="train on exported history and store the model")
        files(p)
        p.add_argument("--organisation", help="organisation slug")
        p.add_argument("--activate", action="store_true", help="use it for scoring from now")

        p = sub.add_parser("evaluate", help="cross-validated ROC AUC and Brier; stores nothing")
        files(p)

        p = sub.add_parser("train-from-ledger", help="train on this database's own ledger")
        p.add_argument("--organisation")
        p.add_argument("--as-of", type=_date, help="last snapshot (default: 2 month ends ago)")
        p.add_argument("--snapshots", type=int, default=3, help="month ends to stack")
        p.add_argument("--folds", type=int, default=5)
        p.add_argument("--algorithm", default="lr", choices=["lr", "gb", "auto"])
        p.add_argument("--activate", action="store_true")

        p = sub.add_parser("export-history", help="write the ledger's history as CSV")
        p.add_argument("--organisation")
        p.add_argument("--out", required=True)
        p.add_argument("--outcome")
        p.add_argument("--as-of", type=_date, help="default: 2 month ends ago")

        p = sub.add_parser("list", help="trained models of an organisation")
        p.add_argument("--organisation")

        p = sub.add_parser("activate", help="make a trained model the active one")
        p.add_argument("version")
        p.add_argument("--organisation")

        p = sub.add_parser("deactivate", help="go back to the transparent baseline")
        p.add_argument("--organisation")

    def handle(self, *args, **opts) -> None:
        action = opts["action"].replace("-", "_")
        try:
            getattr(self, f"_{action}")(opts)
        except (ModelError, HistoryFormatError, OSError) as exc:
            raise CommandError(str(exc)) from exc

    def _print_model(self, row: ScoringModel) -> None:
        m = row.metrics
        self.stdout.write(
            f"folds {m['folds']}: ROC AUC {m['auc_mean']:.4f}  Brier {m['brier_mean']:.4f} "
            f"(baseline AUC {m['baseline_auc_mean']:.4f}  Brier {m['baseline_brier_mean']:.4f})"
        )
        self.stdout.write(
            f"rows {row.training_rows}, in arrears next month {row.positive_rows}; "
            f"algorithm {row.algorithm}; active {'yes' if row.is_active else 'no'}"
        )
        candidates = m.get("candidates") or {}
        if len(candidates) > 1:
            shown = ", ".join(f"{k} {v:.4f}" for k, v in candidates.items())
            self.stdout.write(f"compared (CV AUC): {shown}")
        self.stdout.write(f"version {row.version}")

    def _train(self, opts) -> None:
        org = resolve_organisation(opts["organisation"])
        data = dataset_from_files(opts["history"], opts["outcome"])
        row = train_and_save(
            data,
            organisation=org,
            source=f"{opts['history']} + {opts['outcome']}",
            folds=opts["folds"],
            algorithm=opts["algorithm"],
            activate=opts["activate"],
        )
        self._print_model(row)

    def _evaluate(self, opts) -> None:
        data = dataset_from_files(opts["history"], opts["outcome"])
        for line in evaluate(data, folds=opts["folds"], algorithm=opts["algorithm"]):
            self.stdout.write(line)

    def _train_from_ledger(self, opts) -> None:
        org = resolve_organisation(opts["organisation"])
        as_of = opts["as_of"] or default_training_as_of()
        data = dataset_from_ledger(organisation_id=org.pk, as_of=as_of, snapshots=opts["snapshots"])
        row = train_and_save(
            data,
            organisation=org,
            source=f"ledger {org.slug}, {opts['snapshots']} snapshot(s) up to {as_of}",
            folds=opts["folds"],
            algorithm=opts["algorithm"],
            activate=opts["activate"],
        )
        self._print_model(row)

    def _export_history(self, opts) -> None:
        org = resolve_organisation(opts["organisation"])
        as_of = opts["as_of"] or default_training_as_of()
        rows, outcomes = export_history(
            organisation_id=org.pk,
            as_of=as_of,
            history_path=opts["out"],
            outcome_path=opts["outcome"],
        )
        self.stdout.write(f"{rows} history rows to {opts['out']} (as of {as_of})")
        if opts["outcome"]:
            self.stdout.write(f"{outcomes} outcomes to {opts['outcome']}")

    def _list(self, opts) -> None:
        org = resolve_organisation(opts["organisation"])
        rows = ScoringModel.objects.filter(organisation=org).defer("artefact")
        if not rows:
            self.stdout.write("no trained models; scoring uses the baseline (baseline-1)")
            return
        for row in rows:
            m = row.metrics
            self.stdout.write(
                f"{'*' if row.is_active else ' '} {row.version:24} {row.algorithm:20} "
                f"AUC {m.get('auc_mean', 0):.4f}  Brier {m.get('brier_mean', 0):.4f}  "
                f"rows {row.training_rows}  {row.trained_at:%Y-%m-%d %H:%M}"
            )

    def _activate(self, opts) -> None:
        org = resolve_organisation(opts["organisation"])
        try:
            row = ScoringModel.objects.get(organisation=org, version=opts["version"])
        except ScoringModel.DoesNotExist:
            raise ModelError(f"no model {opts['version']!r} for {org.slug}") from None
        activate_model(row)
        self.stdout.write(f"{row.version} is active")

    def _deactivate(self, opts) -> None:
        org = resolve_organisation(opts["organisation"])
        deactivate_models(org.pk)
        self.stdout.write("no active model: scoring uses the baseline (baseline-1)")
