"""Does the bandit find the best arm? Two simulations with known true rates.

- :func:`bandit_converge` — pure numpy: rounds of ``batch`` choices with
  ``bandit.choose``, Bernoulli rewards from the true rates, tallies updated after each
  round (as ``rewards_refresh`` does once the reward window closed). Fast enough for a
  unit test with thousands of trials.
- :func:`bandit_converge_db` — the same loop through the real services:
  ``plan_sends`` → ``assignment_record`` → ``reward_credit`` → ``rewards_refresh``
  against the database, a day per round, so the whole chain is exercised.

Both are seeded and deterministic. The strategy simulator (``strategy_sim``) uses the
same services inside its day loop, with responses from the reaction model instead of
fixed rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from vangnet.messaging.engagement import bandit

ZONE = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class ConvergenceResult:
    arms: tuple[str, ...]
    true_rates: tuple[float, ...]
    trials: np.ndarray  # per arm, total
    successes: np.ndarray
    last_share: np.ndarray  # allocation share per arm in the last ``tail`` rounds
    posterior_mean: np.ndarray

    @property
    def best(self) -> int:
        return int(np.argmax(self.true_rates))

    @property
    def share(self) -> np.ndarray:
        return self.trials / max(1, self.trials.sum())


def bandit_converge(
    true_rates: Sequence[float],
    *,
    rounds: int = 200,
    batch: int = 100,
    seed: int = 1,
    exploration: float = 0.1,
    tail: int = 50,
) -> ConvergenceResult:
    rates = np.asarray(true_rates, dtype=float)
    rng = np.random.default_rng(seed)
    k = len(rates)
    s = np.zeros(k)
    t = np.zeros(k)
    recent = np.zeros(k)
    for r in range(rounds):
        picks = bandit.choose(s, t, n=batch, rng=rng, exploration=exploration)
        wins = rng.random(batch) < rates[picks]
        t += np.bincount(picks, minlength=k)
        s += np.bincount(picks, weights=wins, minlength=k)
        if r >= rounds - tail:
            recent += np.bincount(picks, minlength=k)
    return ConvergenceResult(
        arms=tuple(str(i) for i in range(k)),
        true_rates=tuple(float(x) for x in rates),
        trials=t,
        successes=s,
        last_share=recent / max(1, recent.sum()),
        posterior_mean=bandit.posterior_mean(s, t),
    )


def bandit_converge_db(
    *,
    organisation_id: int,
    true_rates: dict[str, float],
    rounds: int = 30,
    batch: int = 100,
    seed: int = 1,
    exploration: float = 0.1,
    start: date = date(2026, 3, 2),
) -> ConvergenceResult:
    """Variant test through the services; one round per day, rewarded by clicks."""
    from vangnet.messaging.engagement.experiments import (
        SendRequest,
        assignment_record,
        experiment_create,
        plan_sends,
        reward_credit,
        rewards_refresh,
    )
    from vangnet.messaging.engagement.models import ArmStat

    arms = list(true_rates)
    rng = np.random.default_rng(seed)
    begin = datetime.combine(start, datetime.min.time(), ZONE)
    experiment = experiment_create(
        organisation_id=organisation_id,
        kind="variant",
        arms=arms,
        now=begin,
        template_code="sim-bandit",
        exploration_share=exploration,
        name="Simulatie: convergentie",
    )
    recent = np.zeros(len(arms))
    next_id = 1
    for r in range(rounds):
        day = begin + timedelta(days=r)
        requests = [
            SendRequest(
                case_id=None,
                channel="email",
                template_code="sim-bandit",
                variants=arms,
                earliest=day + timedelta(hours=9),
            )
            for _ in range(batch)
        ]
        plans = plan_sends(organisation_id=organisation_id, requests=requests, now=day, rng=rng)
        ids = list(range(next_id, next_id + batch))
        next_id += batch
        assignment_record(plans=plans, now=day, outbox_message_ids=ids)
        chosen = np.array([arms.index(p.variant) for p in plans])
        wins = rng.random(batch) < np.array([true_rates[a] for a in arms])[chosen]
        clicked = [i for i, w in zip(ids, wins, strict=True) if w]
        reward_credit(at=day + timedelta(hours=10), source="click", outbox_message_ids=clicked)
        rewards_refresh(now=day + timedelta(hours=9 + 49))  # every window of the day closed
        if r >= rounds // 2:
            recent += np.bincount(chosen, minlength=len(arms))
    stats = {a.arm: a for a in ArmStat.objects.filter(experiment=experiment)}
    s = np.array([stats[a].successes for a in arms], dtype=float)
    t = np.array([stats[a].trials for a in arms], dtype=float)
    return ConvergenceResult(
        arms=tuple(arms),
        true_rates=tuple(true_rates[a] for a in arms),
        trials=t,
        successes=s,
        last_share=recent / max(1, recent.sum()),
        posterior_mean=bandit.posterior_mean(s, t),
    )
