"""The transparent baseline: monotonic, sensible, explained in words."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from vangnet.scoring.baseline import INTERCEPT, RULES, baseline_predict
from vangnet.scoring.features import FEATURE_NAMES
from vangnet.scoring.predict import bands, predict_matrix

SPOTLESS = {
    "months_in_arrears": 0,
    "arrears_months_6": 0,
    "arrears_months_12": 0,
    "short_payments_3": 0,
    "short_payments_6": 0,
    "missed_payments_6": 0,
    "paid_ratio_3": 1.0,
    "paid_ratio_6": 1.0,
    "paid_ratio_12": 1.0,
    "paid_trend": 0.0,
    "months_since_full_payment": 0,
    "billed_level": np.log1p(30),
    "payment_volatility": 0.0,
    "history_months": 12,
}


def _x(**changes) -> np.ndarray:
    values = {**SPOTLESS, **changes}
    return np.array([[values[n] for n in FEATURE_NAMES]], dtype=np.float64)


def test_spotless_account_is_low():
    p, contributions = baseline_predict(_x())
    assert p[0] == pytest.approx(1 / (1 + np.exp(-INTERCEPT)))
    assert p[0] < 0.05 and not contributions.any()
    assert bands(p).tolist() == ["low"]


def test_more_months_in_arrears_never_lowers_the_chance():
    rng = np.random.default_rng(1)
    for _ in range(200):
        base = {n: rng.uniform(0, 3) for n in FEATURE_NAMES}
        base["paid_trend"] = rng.uniform(-2, 2)
        probs = [baseline_predict(_x(**{**base, "months_in_arrears": m}))[0][0] for m in range(13)]
        assert all(b >= a for a, b in pairwise(probs))
    # And strictly rising over the range that earns points.
    strict = [baseline_predict(_x(months_in_arrears=m))[0][0] for m in range(7)]
    assert all(b > a for a, b in pairwise(strict))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.feature)
def test_every_rule_points_the_right_way(rule):
    worse = {
        "value": 1 + SPOTLESS[rule.feature],
        "shortfall": 0.5,
        "decline": -0.5,
    }[rule.transform]
    assert baseline_predict(_x(**{rule.feature: worse}))[0][0] > baseline_predict(_x())[0][0]


def test_factors_in_words_largest_first():
    x = np.vstack(
        [
            _x(),
            _x(
                months_in_arrears=3,
                arrears_months_6=3,
                short_payments_3=3,
                paid_ratio_3=0.2,
                months_since_full_payment=3,
            ),
        ]
    )
    proba, factors, version = predict_matrix(x)
    assert version == "baseline-1"
    assert proba[1] > 0.8 and bands(proba).tolist() == ["low", "high"]
    risky = factors[1]
    assert [f.code for f in risky] == ["months_in_arrears", "short_payments_3", "paid_ratio_3"]
    assert risky[0].nl == "Nu 3 maanden achter met betalen"
    assert risky[0].en == "3 months in arrears now"
    assert risky[1].nl == "3 van de laatste 3 maanden niet volledig betaald"
    assert risky[0].weight >= risky[1].weight >= risky[2].weight
    assert factors[0][0].nl == "Nu geen betalingsachterstand"
    assert all(len(f) == 3 for f in factors)
