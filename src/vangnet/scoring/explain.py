"""Factors in words: a feature's value as a short Dutch (B1) and English phrase.

Why words and not numbers: the collector calling the customer, and the customer who
asks "why me?", should understand the reason without knowing what a log-odds is. The
phrase states the fact on the account ("3 van de laatste 6 maanden niet volledig
betaald"), never a judgement about the person.

``top_factors`` turns a contribution matrix (accounts x features; log-odds or points)
into the three largest factors per account. Factor objects are cached per (feature,
shown value, weight), because the same facts repeat across thousands of accounts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from vangnet.scoring.types import Factor


def _n(value: float) -> int:
    return round(value)


def _months(n: int, nl: bool) -> str:
    if nl:
        return "1 maand" if n == 1 else f"{n} maanden"
    return "1 month" if n == 1 else f"{n} months"


def _pct(value: float) -> int:
    return round(100 * value)


def _months_in_arrears(v: float) -> tuple[str, str]:
    n = _n(v)
    if n == 0:
        return "Nu geen betalingsachterstand", "No arrears now"
    return (
        f"Nu {_months(n, True)} achter met betalen",
        f"{_months(n, False)} in arrears now",
    )


def _arrears_months(window: int):
    def phrase(v: float) -> tuple[str, str]:
        n = _n(v)
        if n == 0:
            return (
                f"Geen achterstand in de laatste {window} maanden",
                f"No arrears in the last {window} months",
            )
        return (
            f"In {n} van de laatste {window} maanden een achterstand",
            f"In arrears in {n} of the last {window} months",
        )

    return phrase


def _short(window: int):
    def phrase(v: float) -> tuple[str, str]:
        n = _n(v)
        if n == 0:
            return (
                f"De laatste {window} maanden steeds volledig betaald",
                f"Paid in full in each of the last {window} months",
            )
        return (
            f"{n} van de laatste {window} maanden niet volledig betaald",
            f"{n} of the last {window} months not paid in full",
        )

    return phrase


def _missed(v: float) -> tuple[str, str]:
    n = _n(v)
    if n == 0:
        return (
            "In elke maand met een rekening iets betaald",
            "Paid something in every month with a bill",
        )
    return (
        f"{n} van de laatste 6 maanden niets betaald",
        f"Nothing paid in {n} of the last 6 months",
    )


def _ratio(window: int):
    def phrase(v: float) -> tuple[str, str]:
        p = _pct(v)
        if p >= 100:
            return (
                f"De rekeningen van de laatste {window} maanden helemaal betaald",
                f"The bills of the last {window} months paid in full",
            )
        return (
            f"{p}% van de rekeningen van de laatste {window} maanden betaald",
            f"Paid {p}% of the bills of the last {window} months",
        )

    return phrase


def _trend(v: float) -> tuple[str, str]:
    p = _pct(v)
    if p <= -10:
        return (
            "Betaalt de laatste 3 maanden minder dan daarvoor",
            "Paying less in the last 3 months than before",
        )
    if p >= 10:
        return (
            "Betaalt de laatste 3 maanden meer dan daarvoor",
            "Paying more in the last 3 months than before",
        )
    return "Betaalt ongeveer even veel als daarvoor", "Paying about the same as before"


def _since_full(v: float) -> tuple[str, str]:
    n = _n(v)
    if n == 0:
        return "Deze maand de rekening volledig betaald", "Paid this month's bill in full"
    if n >= 12:
        return (
            "Het hele afgelopen jaar geen rekening volledig betaald",
            "No bill paid in full in the past year",
        )
    return (
        f"{_months(n, True)} geleden voor het laatst een rekening volledig betaald",
        f"Last paid a bill in full {_months(n, False)} ago",
    )


def _level(v: float) -> tuple[str, str]:
    euros = round(math.expm1(v))
    return (
        f"Rekening gemiddeld ongeveer € {euros} per maand",
        f"Bill about € {euros} a month on average",
    )


def _volatility(v: float) -> tuple[str, str]:
    if v >= 0.5:
        return "Betaalt wisselende bedragen", "Pays varying amounts"
    return "Betaalt steeds ongeveer hetzelfde bedrag", "Pays about the same amount each time"


def _history(v: float) -> tuple[str, str]:
    n = _n(v)
    if n >= 12:
        return "Een jaar of langer betaalgegevens", "A year or more of payment history"
    return (
        f"Pas {_months(n, True)} betaalgegevens",
        f"Only {_months(n, False)} of payment history",
    )


PHRASES = {
    "months_in_arrears": _months_in_arrears,
    "arrears_months_6": _arrears_months(6),
    "arrears_months_12": _arrears_months(12),
    "short_payments_3": _short(3),
    "short_payments_6": _short(6),
    "missed_payments_6": _missed,
    "paid_ratio_3": _ratio(3),
    "paid_ratio_6": _ratio(6),
    "paid_ratio_12": _ratio(12),
    "paid_trend": _trend,
    "months_since_full_payment": _since_full,
    "billed_level": _level,
    "payment_volatility": _volatility,
    "history_months": _history,
}


def describe(code: str, value: float) -> tuple[str, str]:
    """``(nl, en)`` for a feature value."""
    return PHRASES[code](float(value))


def top_factors(
    names: Sequence[str], values: np.ndarray, contributions: np.ndarray, k: int = 3
) -> list[tuple[Factor, ...]]:
    """The ``k`` factors with the largest absolute contribution per row, largest first.

    Ties keep feature order (``FEATURE_NAMES`` lists the most telling features first), so
    a spotless account reads "no arrears now" before "bill about € 30". The same facts
    repeat across thousands of accounts, so each distinct (feature, value, weight) is
    phrased once (``np.unique``) and the Factor objects are shared.
    """
    n = len(values)
    k = min(k, len(names))
    if n == 0:
        return []
    order = np.argsort(-np.abs(np.round(contributions, 6)), axis=1, kind="stable")[:, :k]
    rows = np.arange(n)[:, None]
    # One int64 key per (feature, value to 0.001, weight to 0.0001): a 1-D np.unique is
    # ~10x faster than np.unique(axis=0) on the float triples.
    value = np.clip(np.rint(values[rows, order] * 1000), -(2**20), 2**20 - 1).astype(np.int64)
    weight = np.clip(np.rint(contributions[rows, order] * 10000), -(2**21), 2**21 - 1)
    keys = (
        (order.astype(np.int64) << 43) | ((value + 2**20) << 22) | (weight.astype(np.int64) + 2**21)
    )
    unique, inverse = np.unique(keys.ravel(), return_inverse=True)
    made = []
    for key in unique.tolist():
        f = key >> 43
        v = (((key >> 22) & (2**21 - 1)) - 2**20) / 1000
        w = ((key & (2**22 - 1)) - 2**21) / 10000
        nl, en = describe(names[f], v)
        made.append(Factor(code=names[f], nl=nl, en=en, weight=w))
    picked = [made[i] for i in inverse.reshape(-1).tolist()]
    return [tuple(picked[i : i + k]) for i in range(0, n * k, k)]
