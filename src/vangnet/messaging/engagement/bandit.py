"""Thompson sampling over Beta posteriors, credible intervals, probability of being best.

Pure numpy (no Django), so the simulator's convergence test and the daily planning use
the very same code. Each arm's success rate has a Beta(1 + successes, 1 + failures)
posterior (a uniform prior: no arm is favoured before it has data). To choose, draw one
rate per arm from its posterior and take the largest — arms that are probably best are
chosen most, arms we know little about still get tried. On top of that a fixed
*exploration share* of the choices is uniform random, so a variant that had bad luck
early is never starved and the results stay comparable (an A/B/n test needs traffic on
every arm).

Quantiles of the Beta distribution come from scipy when it is installed (it is: scikit-
learn depends on it); otherwise from :func:`beta_ppf`, our own: the regularised incomplete
beta function by Lentz's continued fraction (Numerical Recipes §6.4) inverted by
bisection — slow-ish but exact to ~1e-10, and the admin shows a handful of arms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

try:  # scipy is optional; see the module docstring
    from scipy.special import betaincinv as _scipy_betaincinv
except ImportError:  # pragma: no cover - exercised by forcing the fallback in tests
    _scipy_betaincinv = None


def posterior(successes: Sequence[int] | np.ndarray, trials: Sequence[int] | np.ndarray):
    """``(alpha, beta)`` arrays of the Beta posteriors under a uniform prior."""
    s = np.asarray(successes, dtype=float)
    t = np.asarray(trials, dtype=float)
    if (s < 0).any() or (t < s).any():
        raise ValueError("successes must be between 0 and trials")
    return 1.0 + s, 1.0 + t - s


def posterior_mean(successes, trials) -> np.ndarray:
    a, b = posterior(successes, trials)
    return a / (a + b)


def choose(
    successes: Sequence[int] | np.ndarray,
    trials: Sequence[int] | np.ndarray,
    *,
    n: int,
    rng: np.random.Generator,
    exploration: float = 0.1,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """Pick an arm (index) for each of ``n`` requests by Thompson sampling.

    ``allowed`` is an optional ``(n, k)`` boolean mask (an hour outside a person's
    contact window is not an option for that person); every row must allow at least one
    arm. The draws are made in a fixed order from ``rng``, so a seeded generator gives
    the same choices every time.
    """
    if not 0.0 <= exploration <= 1.0:
        raise ValueError("exploration must be between 0 and 1")
    a, b = posterior(successes, trials)
    k = len(a)
    if k == 0:
        raise ValueError("an experiment needs at least one arm")
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if allowed is None:
        allowed = np.ones((n, k), dtype=bool)
    elif allowed.shape != (n, k):
        raise ValueError(f"allowed must have shape {(n, k)}, got {allowed.shape}")
    if not allowed.any(axis=1).all():
        raise ValueError("every request must allow at least one arm")
    draws = rng.beta(a, b, size=(n, k))
    explore = rng.random(n) < exploration
    uniform = rng.random((n, k))
    # Exploring rows take a uniformly random allowed arm: the largest of uniform keys.
    score = np.where(explore[:, None], uniform, draws)
    score = np.where(allowed, score, -1.0)
    return score.argmax(axis=1).astype(np.int64)


def probability_best(
    successes, trials, *, draws: int = 20_000, rng: np.random.Generator | None = None
) -> np.ndarray:
    """Monte Carlo chance that each arm has the highest true rate (sums to 1)."""
    a, b = posterior(successes, trials)
    if len(a) == 0:
        return np.zeros(0)
    rng = rng or np.random.default_rng(0)
    samples = rng.beta(a, b, size=(draws, len(a)))
    wins = np.bincount(samples.argmax(axis=1), minlength=len(a))
    return wins / draws


def credible_interval(
    successes, trials, *, level: float = 0.95, use_scipy: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed ``level`` credible interval of each arm's rate."""
    if not 0.0 < level < 1.0:
        raise ValueError("level must be between 0 and 1")
    a, b = posterior(successes, trials)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    if use_scipy and _scipy_betaincinv is not None:
        return _scipy_betaincinv(a, b, lo_q), _scipy_betaincinv(a, b, hi_q)
    lo = np.array([beta_ppf(lo_q, x, y) for x, y in zip(a, b, strict=True)])
    hi = np.array([beta_ppf(hi_q, x, y) for x, y in zip(a, b, strict=True)])
    return lo, hi


# -- own Beta quantile (fallback) -------------------------------------------------------


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """Regularised incomplete beta I_x(a, b), computed in log space (large a, b are fine)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # Use the continued fraction where it converges fast; the symmetry relation otherwise.
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def beta_ppf(q: float, a: float, b: float) -> float:
    """The ``q`` quantile of Beta(a, b) by bisection on :func:`beta_cdf` (monotone)."""
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must be between 0 and 1")
    lo, hi = 0.0, 1.0
    for _ in range(100):  # 2**-100: far below float resolution
        mid = (lo + hi) / 2
        if beta_cdf(mid, a, b) < q:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2
