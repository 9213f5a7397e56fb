"""What the ``vangnet model`` commands do, as plain functions (the command only prints).

Training data always goes through the interchange format's array form, whether it comes
from CSV files or from the ledger, so the organisation's own export and the demo
database are trained and evaluated by exactly the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

import numpy as np

from vangnet.parties.models import Organisation
from vangnet.scoring.constants import HISTORY_MONTHS
from vangnet.scoring.features import FEATURE_NAMES, feature_matrix
from vangnet.scoring.history import (
    MonthlyHistory,
    OutcomeRow,
    history_matrix,
    read_history,
    read_outcomes,
    write_history,
    write_outcomes,
)
from vangnet.scoring.ledger_history import ledger_monthly, outcomes_from_ledger
from vangnet.scoring.model import (
    CrossValidation,
    ModelError,
    cross_validate,
    save_model,
    train,
)
from vangnet.scoring.models import ScoringModel


@dataclass
class Dataset:
    ids: list
    x: np.ndarray
    y: np.ndarray
    skipped: int = 0  # accounts in the history without an outcome

    @property
    def positives(self) -> int:
        return int(self.y.sum())


def join(history: MonthlyHistory, outcomes: Sequence[OutcomeRow]) -> Dataset:
    """Features of the accounts that have an outcome; outcomes without history are an error."""
    pos = {str(acc): i for i, acc in enumerate(history.account_ids)}
    missing = [o.account_id for o in outcomes if o.account_id not in pos]
    if missing:
        raise ModelError(
            f"{len(missing)} account_id(s) in the outcome file have no history, e.g. "
            f"{', '.join(missing[:5])}"
        )
    rows = [pos[o.account_id] for o in outcomes]
    x = feature_matrix(history)[rows]
    y = np.array([o.in_arrears_next for o in outcomes], dtype=np.int64)
    return Dataset([o.account_id for o in outcomes], x, y, skipped=len(pos) - len(rows))


def dataset_from_files(
    history_path: str | Path, outcome_path: str | Path, *, months: int = HISTORY_MONTHS
) -> Dataset:
    return join(
        history_matrix(read_history(history_path), months=months), read_outcomes(outcome_path)
    )


def previous_month_end(d: date) -> date:
    return d.replace(day=1) - timedelta(days=1)


def snapshot_dates(as_of: date, snapshots: int) -> list[date]:
    """``as_of`` and the month ends before it (for stacking training snapshots)."""
    dates = [as_of]
    for _ in range(snapshots - 1):
        dates.append(previous_month_end(dates[-1]))
    return dates


def default_training_as_of(today: date | None = None) -> date:
    """The latest month end whose outcome month (the next one) is over before today."""
    today = today or timezone.localdate()
    return previous_month_end(previous_month_end(today))


def dataset_from_ledger(
    *, organisation_id: int, as_of: date, snapshots: int = 1, months: int = HISTORY_MONTHS
) -> Dataset:
    """Features at ``as_of`` (and ``snapshots - 1`` earlier month ends) with their outcomes."""
    parts_x, parts_y, ids = [], [], []
    for snap in snapshot_dates(as_of, snapshots):
        hist = ledger_monthly(organisation_id=organisation_id, as_of=snap, months=months)
        outcomes = outcomes_from_ledger(organisation_id, hist.account_ids, as_of=snap)
        keep = hist.active.any(axis=1)  # accounts that existed at the snapshot
        x = feature_matrix(hist)[keep]
        y = np.array([o.in_arrears_next for o in outcomes], dtype=np.int64)[keep]
        parts_x.append(x)
        parts_y.append(y)
        ids.extend(
            f"{acc}@{snap:%Y-%m}" for acc, k in zip(hist.account_ids, keep, strict=True) if k
        )
    return Dataset(ids, np.vstack(parts_x), np.concatenate(parts_y))


def export_history(
    *, organisation_id: int, as_of: date, history_path: str | Path, outcome_path: str | Path | None
) -> tuple[int, int]:
    """Write the ledger's history (and, if asked, the outcomes) as interchange CSV files.

    Outcomes need the month after ``as_of`` to be over; the caller picks ``as_of``.
    """
    hist = ledger_monthly(organisation_id=organisation_id, as_of=as_of, months=HISTORY_MONTHS)
    keep = [acc for acc, k in zip(hist.account_ids, hist.active.any(axis=1), strict=True) if k]
    n_rows = write_history(history_path, hist.rows())
    n_out = 0
    if outcome_path is not None:
        n_out = write_outcomes(
            outcome_path, outcomes_from_ledger(organisation_id, keep, as_of=as_of)
        )
    return n_rows, n_out


def _not_in_arrears_now_auc(cv: CrossValidation, data: Dataset) -> tuple[float, int] | None:
    """AUC among accounts without arrears today: "still in arrears next month" is easy to
    predict, so this shows whether the score also sees trouble coming."""
    from sklearn.metrics import roc_auc_score

    if cv.out_of_fold is None:
        return None
    mask = data.x[:, FEATURE_NAMES.index("months_in_arrears")] == 0
    y = data.y[mask]
    if y.min(initial=1) == y.max(initial=0) or len(y) == 0:
        return None
    return float(roc_auc_score(y, cv.out_of_fold[mask])), int(mask.sum())


def evaluation_lines(cv: CrossValidation, data: Dataset) -> list[str]:
    """The evaluate report; the last line is exactly ``AUC 0.xxxx`` (scripts parse it)."""
    lines = [
        f"accounts {len(data.y)}, in arrears next month {data.positives} "
        f"({data.positives / max(len(data.y), 1):.1%}); algorithm {cv.algorithm}"
    ]
    if data.skipped:
        lines.append(f"{data.skipped} accounts in the history had no outcome and were skipped")
    for k, (auc, brier) in enumerate(zip(cv.auc, cv.brier, strict=True), start=1):
        lines.append(f"fold {k}: ROC AUC {auc:.4f}  Brier {brier:.4f}")
    lines.append(
        f"baseline ({len(cv.baseline_auc)} folds): ROC AUC {np.mean(cv.baseline_auc):.4f}  "
        f"Brier {np.mean(cv.baseline_brier):.4f}"
    )
    new = _not_in_arrears_now_auc(cv, data)
    if new is not None:
        lines.append(
            f"accounts not in arrears now ({new[1]}): ROC AUC {new[0]:.4f} "
            "(how well new arrears are foreseen)"
        )
    lines.append(f"mean: ROC AUC {cv.auc_mean:.4f}  Brier {cv.brier_mean:.4f}")
    lines.append(f"AUC {cv.auc_mean:.4f}")
    return lines


def evaluate(data: Dataset, *, folds: int = 5, algorithm: str = "lr") -> list[str]:
    return evaluation_lines(cross_validate(data.x, data.y, algorithm=algorithm, folds=folds), data)


def train_and_save(
    data: Dataset,
    *,
    organisation: Organisation,
    source: str,
    folds: int = 5,
    algorithm: str = "lr",
    activate: bool = False,
) -> ScoringModel:
    result = train(data.x, data.y, algorithm=algorithm, folds=folds)
    return save_model(
        organisation_id=organisation.pk, result=result, source=source, activate=activate
    )


def resolve_organisation(slug: str | None) -> Organisation:
    """By slug; without one, the only organisation there is (the demo's case)."""
    if slug:
        try:
            return Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist:
            raise ModelError(f"organisation {slug!r} does not exist") from None
    orgs = list(Organisation.objects.order_by("pk")[:2])
    if len(orgs) != 1:
        raise ModelError("give --organisation SLUG (there is not exactly one organisation)")
    return orgs[0]
