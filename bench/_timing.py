"""Timing and progress helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls: one slow run on a shared machine says little."""
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def generation_progress(done: int, total: int, seconds: float) -> None:
    rate = done / seconds if seconds else 0.0
    sys.stderr.write(
        f"\r  generated {done:,} / {total:,} accounts ({seconds:.0f} s, {rate:,.0f}/s)"
    )
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
