"""Training, cross-validation, persisting and loading the trained scoring model.

Default algorithm: standardised features + logistic regression. Why: its factors are
exact (coefficient x standardised value, in log-odds) and a collector or a supervisor
can follow them; it is well calibrated, which the Brier score checks. Gradient boosting
(``HistGradientBoostingClassifier``) is available and ``algorithm="auto"`` picks it only
when its cross-validated AUC is clearly higher; its factors are then "what if this
feature were average" differences, which are approximate.

scikit-learn is imported inside the functions, so the web app only loads it when an
organisation actually has a trained model.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

import numpy as np

from vangnet.core.services import audit_record
from vangnet.scoring.baseline import baseline_predict
from vangnet.scoring.features import FEATURE_NAMES
from vangnet.scoring.models import Algorithm, ScoringModel

log = logging.getLogger(__name__)

ARTEFACT_FORMAT = 1
_HMAC_SALT = "vangnet.scoring.artefact"
_PREFIX = {Algorithm.LOGISTIC_REGRESSION: "lr", Algorithm.GRADIENT_BOOSTING: "gb"}
_ALIASES = {
    "lr": Algorithm.LOGISTIC_REGRESSION,
    "logistic_regression": Algorithm.LOGISTIC_REGRESSION,
    "gb": Algorithm.GRADIENT_BOOSTING,
    "hgb": Algorithm.GRADIENT_BOOSTING,
    "gradient_boosting": Algorithm.GRADIENT_BOOSTING,
}
# "auto" prefers the explainable model unless boosting is clearly better.
AUTO_MARGIN = 0.01


class ModelError(Exception):
    """Training impossible (too few rows/one class) or an artefact that must not load."""


# --- training --------------------------------------------------------------------------


def _estimator(algorithm: str, seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if algorithm == Algorithm.LOGISTIC_REGRESSION:
        return Pipeline(
            [("scale", StandardScaler()), ("model", LogisticRegression(C=1.0, max_iter=2000))]
        )
    return HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=seed
    )


def _threads():
    """Run OpenMP code (gradient boosting) on one thread.

    Measured: on a busy two-core machine, OpenMP's spinning threads made a 600-row fit
    12x slower (2.8 s vs 0.23 s); the data here is small enough that one thread wins.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


@dataclass
class CrossValidation:
    algorithm: str
    auc: list[float]
    brier: list[float]
    baseline_auc: list[float]
    baseline_brier: list[float]
    out_of_fold: np.ndarray | None = None  # each row's probability from the fold that left it out

    @property
    def auc_mean(self) -> float:
        return float(np.mean(self.auc))

    @property
    def brier_mean(self) -> float:
        return float(np.mean(self.brier))


def _check_training_data(x: np.ndarray, y: np.ndarray, folds: int) -> None:
    if x.shape[0] != y.shape[0]:
        raise ModelError("history and outcomes have a different number of accounts")
    if folds < 2:
        raise ModelError("--folds must be at least 2")
    positives = int(y.sum())
    negatives = len(y) - positives
    if min(positives, negatives) < folds:
        raise ModelError(
            f"te weinig voorbeelden: {positives} met en {negatives} zonder achterstand; "
            f"van elk minstens {folds} nodig (één per fold)"
        )


def cross_validate(
    x: np.ndarray, y: np.ndarray, *, algorithm: str, folds: int = 5, seed: int = 0
) -> CrossValidation:
    """Stratified k-fold ROC AUC and Brier score, for the model and the baseline alike."""
    from sklearn.metrics import brier_score_loss, roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    algorithm = _ALIASES.get(algorithm, algorithm)
    _check_training_data(x, y, folds)
    cv = CrossValidation(algorithm, [], [], [], [], np.zeros(len(y), dtype=np.float64))
    splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, y)
    for train, test in splits:
        with _threads():
            est = _estimator(algorithm, seed).fit(x[train], y[train])
            p = est.predict_proba(x[test])[:, 1]
        cv.out_of_fold[test] = p
        cv.auc.append(float(roc_auc_score(y[test], p)))
        cv.brier.append(float(brier_score_loss(y[test], p)))
        b, _ = baseline_predict(x[test])
        cv.baseline_auc.append(float(roc_auc_score(y[test], b)))
        cv.baseline_brier.append(float(brier_score_loss(y[test], b)))
    return cv


@dataclass
class TrainResult:
    algorithm: str
    estimator: Any
    cv: CrossValidation
    reference: np.ndarray  # feature means of the training data
    rows: int
    positives: int
    candidates: dict[str, float] = field(default_factory=dict)  # algorithm -> CV AUC

    def metrics(self) -> dict[str, Any]:
        cv = self.cv
        return {
            "folds": len(cv.auc),
            "auc": [round(v, 4) for v in cv.auc],
            "brier": [round(v, 4) for v in cv.brier],
            "auc_mean": round(cv.auc_mean, 4),
            "brier_mean": round(cv.brier_mean, 4),
            "baseline_auc_mean": round(float(np.mean(cv.baseline_auc)), 4),
            "baseline_brier_mean": round(float(np.mean(cv.baseline_brier)), 4),
            "rows": self.rows,
            "positives": self.positives,
            "candidates": {k: round(v, 4) for k, v in self.candidates.items()},
        }


def train(
    x: np.ndarray, y: np.ndarray, *, algorithm: str = "lr", folds: int = 5, seed: int = 0
) -> TrainResult:
    """Cross-validate, then fit on all rows. ``algorithm``: lr, gb or auto."""
    y = np.asarray(y, dtype=np.int64)
    if algorithm == "auto":
        runs = {
            a: cross_validate(x, y, algorithm=a, folds=folds, seed=seed)
            for a in (Algorithm.LOGISTIC_REGRESSION, Algorithm.GRADIENT_BOOSTING)
        }
        lr, gb = runs[Algorithm.LOGISTIC_REGRESSION], runs[Algorithm.GRADIENT_BOOSTING]
        chosen = gb if gb.auc_mean > lr.auc_mean + AUTO_MARGIN else lr
        candidates = {str(a): r.auc_mean for a, r in runs.items()}
    else:
        if algorithm not in _ALIASES:
            raise ModelError(f"onbekend algoritme {algorithm!r}: kies lr, gb of auto")
        chosen = cross_validate(x, y, algorithm=_ALIASES[algorithm], folds=folds, seed=seed)
        candidates = {str(chosen.algorithm): chosen.auc_mean}
    with _threads():
        estimator = _estimator(chosen.algorithm, seed).fit(x, y)
    return TrainResult(
        algorithm=str(chosen.algorithm),
        estimator=estimator,
        cv=chosen,
        reference=x.mean(axis=0),
        rows=len(y),
        positives=int(y.sum()),
        candidates=candidates,
    )


# --- prediction with contributions ------------------------------------------------------


@dataclass
class Predictor:
    """A loaded model that returns probabilities and per-feature contributions (log-odds)."""

    version: str
    algorithm: str
    feature_names: tuple[str, ...]
    estimator: Any
    reference: np.ndarray

    def _columns(self, x: np.ndarray, names: Sequence[str]) -> np.ndarray:
        if tuple(names) == self.feature_names:
            return x
        missing = [n for n in self.feature_names if n not in names]
        if missing:
            raise ModelError(f"model {self.version} needs unknown features: {missing}")
        return x[:, [list(names).index(n) for n in self.feature_names]]

    def predict(
        self, x: np.ndarray, names: Sequence[str] = FEATURE_NAMES
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(probabilities, contributions)``; contributions' columns follow ``feature_names``."""
        x = self._columns(x, names)
        if self.algorithm == Algorithm.LOGISTIC_REGRESSION:
            scale = self.estimator.named_steps["scale"]
            lr = self.estimator.named_steps["model"]
            z = scale.transform(x)
            contributions = z * lr.coef_[0]
            logit = contributions.sum(axis=1) + lr.intercept_[0]
            return 1.0 / (1.0 + np.exp(-logit)), contributions
        with _threads():
            return self._boosting_predict(x)

    def _boosting_predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        proba = self.estimator.predict_proba(x)[:, 1]
        # Approximate factors: how much the log-odds change when one feature is set to
        # the training average. One extra vectorised predict per feature.
        eps = 1e-6
        base = np.log(np.clip(proba, eps, 1 - eps) / np.clip(1 - proba, eps, 1))
        contributions = np.empty_like(x, dtype=np.float64)
        for k in range(x.shape[1]):
            xk = x.copy()
            xk[:, k] = self.reference[k]
            pk = np.clip(self.estimator.predict_proba(xk)[:, 1], eps, 1 - eps)
            contributions[:, k] = base - np.log(pk / (1 - pk))
        return proba, contributions


# --- persisting ------------------------------------------------------------------------


def _library_versions() -> dict[str, str]:
    import joblib
    import sklearn

    return {
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "joblib": joblib.__version__,
    }


def _signature(data: bytes) -> str:
    return salted_hmac(_HMAC_SALT, data, algorithm="sha256").hexdigest()


def dump_artefact(result: TrainResult) -> bytes:
    import joblib

    buf = io.BytesIO()
    joblib.dump(
        {
            "format": ARTEFACT_FORMAT,
            "algorithm": result.algorithm,
            "feature_names": list(FEATURE_NAMES),
            "estimator": result.estimator,
            "reference": result.reference,
        },
        buf,
        compress=3,
    )
    return buf.getvalue()


def next_version(organisation_id: int, algorithm: str, today: date | None = None) -> str:
    """``lr-2026-11-23-1``: algorithm, training day, sequence number of that day."""
    today = today or timezone.localdate()
    prefix = f"{_PREFIX[Algorithm(algorithm)]}-{today.isoformat()}-"
    taken = ScoringModel.objects.filter(
        organisation_id=organisation_id, version__startswith=prefix
    ).values_list("version", flat=True)
    numbers = [int(v[len(prefix) :]) for v in taken if v[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


@transaction.atomic
def save_model(
    *, organisation_id: int, result: TrainResult, source: str = "", activate: bool = False
) -> ScoringModel:
    """Store a trained model (with hash and HMAC) and optionally make it the active one."""
    data = dump_artefact(result)
    row = ScoringModel.objects.create(
        organisation_id=organisation_id,
        version=next_version(organisation_id, result.algorithm),
        algorithm=result.algorithm,
        feature_names=list(FEATURE_NAMES),
        metrics=result.metrics(),
        training_rows=result.rows,
        positive_rows=result.positives,
        source=source[:300],
        library_versions=_library_versions(),
        artefact=data,
        artefact_sha256=hashlib.sha256(data).hexdigest(),
        artefact_hmac=_signature(data),
    )
    audit_record(
        action="scoring_model_trained",
        process="scoring",
        object_type="scoring_model",
        object_id=row.pk,
        summary=f"{row.version}: AUC {row.metrics['auc_mean']:.4f} over {row.training_rows} regels",
        details={"metrics": row.metrics, "source": row.source},
    )
    if activate:
        activate_model(row)
    return row


@transaction.atomic
def activate_model(row: ScoringModel) -> None:
    """Make ``row`` the organisation's active model (the previous one is deactivated)."""
    load_predictor(row)  # never activate something that does not load
    ScoringModel.objects.filter(organisation_id=row.organisation_id, is_active=True).exclude(
        pk=row.pk
    ).update(is_active=False)
    ScoringModel.objects.filter(pk=row.pk).update(is_active=True)
    row.is_active = True
    audit_record(
        action="scoring_model_activated",
        process="scoring",
        object_type="scoring_model",
        object_id=row.pk,
        summary=f"{row.version} is nu het actieve scoremodel",
    )


def deactivate_models(organisation_id: int) -> int:
    """Back to the baseline."""
    return ScoringModel.objects.filter(organisation_id=organisation_id, is_active=True).update(
        is_active=False
    )


# --- loading ---------------------------------------------------------------------------

_CACHE: dict[tuple[int, str], Predictor] = {}


def verify_artefact(data: bytes, sha256: str, signature: str) -> None:
    """Raise ``ModelError`` unless the bytes match the stored hash and HMAC.

    Checked *before* unpickling: joblib artefacts are pickles and can run arbitrary code.
    """
    if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), sha256):
        raise ModelError("artefact does not match its SHA-256: refusing to load it")
    if not hmac.compare_digest(_signature(data), signature):
        raise ModelError("artefact HMAC is wrong (other SECRET_KEY or tampered): refusing")


def load_predictor(row: ScoringModel) -> Predictor:
    key = (row.pk, row.artefact_sha256)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    data = bytes(row.artefact)
    verify_artefact(data, row.artefact_sha256, row.artefact_hmac)
    import joblib

    payload = joblib.load(io.BytesIO(data))
    if payload.get("format") != ARTEFACT_FORMAT:
        raise ModelError(f"artefact format {payload.get('format')} is not supported")
    predictor = Predictor(
        version=row.version,
        algorithm=payload["algorithm"],
        feature_names=tuple(payload["feature_names"]),
        estimator=payload["estimator"],
        reference=np.asarray(payload["reference"], dtype=np.float64),
    )
    _CACHE[key] = predictor
    return predictor


def active_predictor(organisation_id: int) -> Predictor | None:
    """The organisation's active model, or ``None`` (then the baseline is used).

    One small query when the model is cached; the artefact is read only on first use. A
    model that fails to load is logged and skipped rather than stopping the daily run.
    """
    head = (
        ScoringModel.objects.filter(organisation_id=organisation_id, is_active=True)
        .values_list("pk", "artefact_sha256")
        .first()
    )
    if head is None:
        return None
    cached = _CACHE.get(head)
    if cached is not None:
        return cached
    row = ScoringModel.objects.get(pk=head[0])
    try:
        return load_predictor(row)
    except ModelError:
        log.exception("active scoring model %s cannot be used; using the baseline", row.version)
        return None
