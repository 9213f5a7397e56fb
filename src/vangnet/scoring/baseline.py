"""The transparent baseline: points per feature, a logistic curve to a probability.

Why a baseline: an organisation without (enough) history must still be able to order
its work, and everyone must be able to check by hand why an account scores as it does.
The points are a judgement, not fitted — documented in docs/scoring.md — and the first
trained model should beat them (``vangnet model evaluate`` prints both).

    points = INTERCEPT + sum(points_per_unit[f] * clip(feature f))
    probability = 1 / (1 + exp(-points))

Every point rule *raises* the chance with worse behaviour, so the score is monotonic:
more months in arrears never gives a lower probability (a test checks this).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vangnet.scoring.features import FEATURE_NAMES

INTERCEPT = -3.2  # a spotless account: about 4% (roughly the share that slips up anyway)


@dataclass(frozen=True)
class PointRule:
    feature: str
    points: float  # per unit of the transformed value
    transform: str  # how the feature value becomes units (see ``_units``)
    cap: float  # at most this many units count
    explanation: str


RULES: tuple[PointRule, ...] = (
    PointRule("months_in_arrears", 0.6, "value", 6, "0.6 per month in arrears now, max 6"),
    PointRule("arrears_months_6", 0.25, "value", 6, "0.25 per month with arrears (last 6)"),
    PointRule("short_payments_3", 0.4, "value", 3, "0.4 per month not paid in full (last 3)"),
    PointRule(
        "paid_ratio_3", 1.5, "shortfall", 1, "1.5 x the unpaid share of the last 3 months' bills"
    ),
    PointRule(
        "months_since_full_payment", 0.15, "value", 12, "0.15 per month since a full payment"
    ),
    PointRule("paid_trend", 0.8, "decline", 1, "0.8 x the drop in paid share vs the 3 before"),
)


def _units(rule: PointRule, column: np.ndarray) -> np.ndarray:
    if rule.transform == "shortfall":
        units = 1.0 - column
    elif rule.transform == "decline":
        units = -column
    else:
        units = column
    return np.clip(units, 0.0, rule.cap)


def baseline_points(x: np.ndarray) -> np.ndarray:
    """Points per account per feature, shape ``x.shape``; zero for features without a rule."""
    points = np.zeros_like(x, dtype=np.float64)
    for rule in RULES:
        k = FEATURE_NAMES.index(rule.feature)
        points[:, k] = rule.points * _units(rule, x[:, k])
    return points


def baseline_predict(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(probabilities, contributions)`` for a feature matrix."""
    contributions = baseline_points(x)
    logit = INTERCEPT + contributions.sum(axis=1)
    return 1.0 / (1.0 + np.exp(-logit)), contributions
