"""Behavioural features from the monthly payment history — and nothing else.

Why only behaviour: the score decides who gets a reminder, a call or a visit first. A
model that used age, sex, nationality, education, marital status, household size, name
or where someone lives (postcode and municipality are proxies for ethnicity and income)
would treat people differently for who they are instead of what happened on their
account. That is discrimination (Algemene wet gelijke behandeling, art. 1 Grondwet) and
not necessary for the purpose (AVG art. 5(1)(c), data minimisation). This module
therefore takes only the ``MonthlyHistory`` arrays — billed, paid, months in arrears —
and never imports people, households or addresses (a test checks the source).

All features are computed for all accounts at once with numpy (no Python loop over
accounts), so scoring 100,000 accounts costs milliseconds here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from vangnet.scoring.history import MonthlyHistory

# A month counts as "short" when less than this share of its bill was paid in it.
SHORT_SHARE = 0.9


@dataclass(frozen=True)
class FeatureSpec:
    code: str
    description: str  # what it measures, for docs/scoring.md and the admin


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("months_in_arrears", "consecutive months in arrears up to now"),
    FeatureSpec("arrears_months_6", "months with arrears in the last 6"),
    FeatureSpec("arrears_months_12", "months with arrears in the last 12"),
    FeatureSpec("short_payments_3", "months with a bill paid for less than 90% (last 3)"),
    FeatureSpec("short_payments_6", "months with a bill paid for less than 90% (last 6)"),
    FeatureSpec("missed_payments_6", "months with a bill and no payment at all (last 6)"),
    FeatureSpec("paid_ratio_3", "paid / billed over the last 3 months (0..2)"),
    FeatureSpec("paid_ratio_6", "paid / billed over the last 6 months (0..2)"),
    FeatureSpec("paid_ratio_12", "paid / billed over the last 12 months (0..2)"),
    FeatureSpec("paid_trend", "paid ratio last 3 months minus the 3 months before (-2..2)"),
    FeatureSpec("months_since_full_payment", "months since a bill was last paid in full"),
    FeatureSpec("billed_level", "log(1 + average monthly bill in euros)"),
    FeatureSpec("payment_volatility", "spread of monthly payments / average bill (0..5)"),
    FeatureSpec("history_months", "months with data in the window (new accounts: few)"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.code for f in FEATURES)

# What the features must never be (or be derived from). Checked by tests against the
# feature names and this module's source.
PROTECTED_TERMS: tuple[str, ...] = (
    "age",
    "birth",
    "sex",
    "gender",
    "nationality",
    "ethnic",
    "education",
    "marital",
    "postcode",
    "municipality",
    "city",
    "address",
    "household",
    "name",
    "language",
    "bsn",
)


def _ratio(paid: np.ndarray, billed: np.ndarray) -> np.ndarray:
    """paid / billed summed over the columns; 1.0 when nothing was billed (nothing owed)."""
    p = paid.sum(axis=1).astype(np.float64)
    b = billed.sum(axis=1).astype(np.float64)
    out = np.ones_like(p)
    np.divide(p, b, out=out, where=b > 0)
    return np.clip(out, 0.0, 2.0)


def feature_matrix(history: MonthlyHistory) -> np.ndarray:
    """``(accounts, len(FEATURE_NAMES))`` float64, columns in ``FEATURE_NAMES`` order.

    Needs at least 6 months of window; 12 is the documented default.
    """
    billed, paid, mia, active = (
        history.billed,
        history.paid,
        history.months_in_arrears,
        history.active,
    )
    n, months = billed.shape
    if months < 6:
        raise ValueError("the features need a window of at least 6 months")
    in_arrears = mia > 0
    has_bill = active & (billed > 0)
    short = has_bill & (paid < SHORT_SHARE * billed)
    missed = has_bill & (paid <= 0)
    full = has_bill & ~short

    # Months since the last full payment; an account that never had a bill owes nothing
    # (0), one that had bills but never paid one in full counts from its first bill.
    last_full = months - 1 - np.argmax(full[:, ::-1], axis=1)
    first_bill = np.argmax(has_bill, axis=1)
    since_full = np.where(
        full.any(axis=1),
        months - 1 - last_full,
        np.where(has_bill.any(axis=1), months - first_bill, 0),
    )

    n_active = active.sum(axis=1)
    bill_months = np.maximum(has_bill.sum(axis=1), 1)
    avg_bill = np.where(has_bill, billed, 0).sum(axis=1) / bill_months  # cents
    paid_active = np.where(active, paid, 0).astype(np.float64)
    mean_paid = paid_active.sum(axis=1) / np.maximum(n_active, 1)
    var = (np.where(active, paid_active - mean_paid[:, None], 0.0) ** 2).sum(axis=1) / np.maximum(
        n_active, 1
    )
    volatility = np.sqrt(var) / np.maximum(avg_bill, 100.0)

    ratio_3 = _ratio(paid[:, -3:], billed[:, -3:])
    ratio_prev_3 = _ratio(paid[:, -6:-3], billed[:, -6:-3])
    columns = {
        "months_in_arrears": mia[:, -1],
        "arrears_months_6": in_arrears[:, -6:].sum(axis=1),
        "arrears_months_12": in_arrears.sum(axis=1),
        "short_payments_3": short[:, -3:].sum(axis=1),
        "short_payments_6": short[:, -6:].sum(axis=1),
        "missed_payments_6": missed[:, -6:].sum(axis=1),
        "paid_ratio_3": ratio_3,
        "paid_ratio_6": _ratio(paid[:, -6:], billed[:, -6:]),
        "paid_ratio_12": _ratio(paid, billed),
        "paid_trend": np.clip(ratio_3 - ratio_prev_3, -2.0, 2.0),
        "months_since_full_payment": since_full,
        "billed_level": np.log1p(avg_bill / 100.0),
        "payment_volatility": np.clip(volatility, 0.0, 5.0),
        "history_months": n_active,
    }
    x = np.empty((n, len(FEATURE_NAMES)), dtype=np.float64)
    for k, name in enumerate(FEATURE_NAMES):
        x[:, k] = columns[name]
    return x
