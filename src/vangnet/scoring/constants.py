"""Scoring thresholds and defaults; each can be overridden in Django settings.

Why settings and not constants only: what counts as "high" risk is policy (how many
cases a team can call), not a fact about the data, so each organisation may tune it.
"""

from __future__ import annotations

from django.conf import settings

# Months of history the features look at (the interchange window).
HISTORY_MONTHS = 12

# Overdue open amount (cents) at a month end above which the month counts as "in
# arrears": a few euros of rounding or a late small correction are not arrears.
ARREARS_MIN_CENTS_DEFAULT = 500

# Probability bands: below the first threshold "low", below the second "medium",
# otherwise "high". Defaults chosen so that on the simulated water company roughly the
# chronic and shock cases land in "high" [verify with the organisation's own history].
BAND_THRESHOLDS_DEFAULT = (0.15, 0.40)

BASELINE_VERSION = "baseline-1"

# How many ids go into one IN (...) list; PostgreSQL plans ~10k fine, SQLite's limit
# on host parameters (32766 in recent versions) is also respected.
CHUNK_SIZE = 10_000


def arrears_min_cents() -> int:
    return int(getattr(settings, "VANGNET_SCORING_ARREARS_MIN_CENTS", ARREARS_MIN_CENTS_DEFAULT))


def band_thresholds() -> tuple[float, float]:
    low, high = getattr(settings, "VANGNET_SCORING_BANDS", BAND_THRESHOLDS_DEFAULT)
    return float(low), float(high)
