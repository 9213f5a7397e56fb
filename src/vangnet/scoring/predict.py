"""The scoring entry point for the daily run: ``score_accounts``.

Set-based: the monthly history of all given accounts comes from a few aggregate queries
per 10k accounts (``ledger_history``), the features are one numpy matrix, and the model
(or the baseline) scores them in one vectorised call. scikit-learn is only imported
when the organisation has an active trained model.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from vangnet.scoring.baseline import RULES, baseline_predict
from vangnet.scoring.constants import BASELINE_VERSION, HISTORY_MONTHS, band_thresholds
from vangnet.scoring.explain import top_factors
from vangnet.scoring.features import FEATURE_NAMES, feature_matrix
from vangnet.scoring.ledger_history import ledger_monthly
from vangnet.scoring.types import Factor, Score

__all__ = ["Factor", "Score", "bands", "predict_matrix", "score_accounts"]

_BASELINE_COLUMNS = [FEATURE_NAMES.index(r.feature) for r in RULES]


def bands(probabilities: np.ndarray) -> np.ndarray:
    """ "low" | "medium" | "high" per probability (thresholds from settings)."""
    low, high = band_thresholds()
    return np.where(probabilities < low, "low", np.where(probabilities < high, "medium", "high"))


def predict_matrix(
    x: np.ndarray, *, organisation_id: int | None = None
) -> tuple[np.ndarray, list[tuple[Factor, ...]], str]:
    """``(probabilities, factors per row, model_version)`` for a feature matrix.

    Uses the organisation's active trained model if there is one, else the baseline.
    """
    predictor = None
    if organisation_id is not None:
        from vangnet.scoring.model import active_predictor

        predictor = active_predictor(organisation_id)
    if predictor is None:
        proba, contributions = baseline_predict(x)
        # Only the features that carry points can explain a baseline score.
        names = [FEATURE_NAMES[k] for k in _BASELINE_COLUMNS]
        factors = top_factors(names, x[:, _BASELINE_COLUMNS], contributions[:, _BASELINE_COLUMNS])
        return proba, factors, BASELINE_VERSION
    proba, contributions = predictor.predict(x)
    values = predictor._columns(x, FEATURE_NAMES)
    factors = top_factors(predictor.feature_names, values, contributions)
    return proba, factors, predictor.version


def score_accounts(
    *, organisation_id: int, account_ids: Sequence[int], as_of: date
) -> dict[int, Score]:
    """Chance of being in arrears at the end of next month, per account id.

    Every requested id gets a Score (an account without ledger rows scores as a new,
    spotless one). ``as_of`` is the day the score is for; nothing dated later is read.
    """
    if not account_ids:
        return {}
    history = ledger_monthly(
        organisation_id=organisation_id, account_ids=account_ids, as_of=as_of, months=HISTORY_MONTHS
    )
    x = feature_matrix(history)
    proba, factors, version = predict_matrix(x, organisation_id=organisation_id)
    band = bands(proba).tolist()
    return {
        acc: Score(probability=p, band=b, model_version=version, factors=f)
        for acc, p, b, f in zip(history.account_ids, proba.tolist(), band, factors, strict=True)
    }
