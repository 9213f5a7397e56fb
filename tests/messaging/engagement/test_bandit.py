"""The bandit maths on its own: pure numpy, no database."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from vangnet.messaging.engagement import bandit


def test_posterior_is_beta_one_plus_successes_one_plus_failures():
    a, b = bandit.posterior([3, 0], [10, 0])
    assert a.tolist() == [4.0, 1.0] and b.tolist() == [8.0, 1.0]
    with pytest.raises(ValueError):
        bandit.posterior([5], [3])


def test_choices_are_deterministic_with_a_seed():
    s, t = [5, 9, 2], [100, 100, 100]
    first = bandit.choose(s, t, n=500, rng=np.random.default_rng(42))
    again = bandit.choose(s, t, n=500, rng=np.random.default_rng(42))
    other = bandit.choose(s, t, n=500, rng=np.random.default_rng(43))
    assert (first == again).all() and not (first == other).all()


def test_a_clearly_better_arm_gets_almost_all_traffic_but_exploration_remains():
    s, t = [50, 150, 50], [1000, 1000, 1000]
    picks = bandit.choose(s, t, n=20_000, rng=np.random.default_rng(1), exploration=0.1)
    share = np.bincount(picks, minlength=3) / len(picks)
    assert share[1] > 0.9
    # Exploration alone gives each arm about 10 % / 3.
    assert 0.02 < share[0] < 0.05 and 0.02 < share[2] < 0.05


def test_without_data_every_arm_is_equally_likely():
    picks = bandit.choose([0] * 4, [0] * 4, n=40_000, rng=np.random.default_rng(3))
    share = np.bincount(picks, minlength=4) / len(picks)
    assert np.allclose(share, 0.25, atol=0.015)


def test_disallowed_arms_are_never_chosen_even_when_exploring():
    allowed = np.zeros((1000, 3), dtype=bool)
    allowed[:, 0] = True
    allowed[::2, 2] = True
    picks = bandit.choose(
        [90, 0, 0],
        [100, 100, 100],
        n=1000,
        rng=np.random.default_rng(5),
        exploration=1.0,
        allowed=allowed,
    )
    assert (picks != 1).all()
    assert (picks[1::2] == 0).all()
    with pytest.raises(ValueError, match="at least one arm"):
        bandit.choose([1], [2], n=1, rng=np.random.default_rng(), allowed=np.zeros((1, 1), bool))


def test_credible_interval_matches_scipy_and_own_implementation_agrees():
    s = np.array([0, 3, 47, 900, 12_000])
    t = np.array([0, 10, 500, 1000, 100_000])
    lo, hi = bandit.credible_interval(s, t)
    a, b = bandit.posterior(s, t)
    assert np.allclose(lo, stats.beta.ppf(0.025, a, b))
    assert np.allclose(hi, stats.beta.ppf(0.975, a, b))
    own_lo, own_hi = bandit.credible_interval(s, t, use_scipy=False)
    assert np.allclose(own_lo, lo, atol=1e-9) and np.allclose(own_hi, hi, atol=1e-9)
    assert (lo <= bandit.posterior_mean(s, t)).all() and (bandit.posterior_mean(s, t) <= hi).all()


def test_own_beta_cdf_matches_scipy_over_a_grid():
    for a, b in [(1, 1), (0.5, 3), (2, 40), (300, 50), (5000, 95001)]:
        for x in np.linspace(0.001, 0.999, 37):
            assert bandit.beta_cdf(x, a, b) == pytest.approx(stats.beta.cdf(x, a, b), abs=1e-10)


def test_probability_best_sums_to_one_and_favours_the_better_arm():
    p = bandit.probability_best([10, 30], [200, 200], rng=np.random.default_rng(0))
    assert p.sum() == pytest.approx(1.0) and p[1] > 0.99
    even = bandit.probability_best([0, 0], [0, 0], rng=np.random.default_rng(0))
    assert even[0] == pytest.approx(0.5, abs=0.02)
