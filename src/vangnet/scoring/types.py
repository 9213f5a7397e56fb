"""The public result types of scoring (re-exported by ``scoring.predict``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Factor:
    """One reason behind a score, in words.

    ``weight`` is the factor's contribution on the model's scale (log-odds for the
    trained model, points for the baseline): positive raises the chance of arrears,
    negative lowers it. Factors are ordered by its absolute size.
    """

    code: str  # stable feature code, e.g. "months_in_arrears", "short_payments_6"
    nl: str  # short Dutch phrase at B1, e.g. "3 van de laatste 6 maanden niet volledig betaald"
    en: str
    weight: float


@dataclass(frozen=True)
class Score:
    probability: float  # 0..1: chance of being in arrears at the end of next month
    band: str  # "low" | "medium" | "high" (thresholds: scoring.constants.band_thresholds)
    model_version: str  # "baseline-1" or the trained model's version
    factors: tuple[Factor, ...]  # top 3 factors, largest first
