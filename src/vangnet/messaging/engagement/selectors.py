"""Reads: experiment results per arm (credible interval, chance of being best)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

import numpy as np

from vangnet.messaging.engagement import bandit
from vangnet.messaging.engagement.models import ArmStat, Assignment, Experiment


@dataclass(frozen=True)
class ArmResult:
    arm: str
    trials: int
    successes: int
    pending: int  # assigned, reward window still open
    mean: float  # posterior mean (uniform prior)
    low: float  # 95 % credible interval
    high: float
    p_best: float  # Monte Carlo chance that this arm is the best

    @property
    def rate(self) -> float | None:
        return self.successes / self.trials if self.trials else None


def experiment_results(
    experiment: Experiment, *, draws: int = 20_000, seed: int | None = None
) -> list[ArmResult]:
    """One row per arm, in the experiment's arm order (arms added later at the end).

    The Monte Carlo uses a generator seeded with ``seed`` (default the experiment id), so
    a page shows the same figures on every reload until the tallies change.
    """
    stats = {s.arm: s for s in ArmStat.objects.filter(experiment=experiment).order_by("pk")}
    pending = dict(
        Assignment.objects.filter(experiment=experiment, counted_batch__isnull=True)
        .values_list("arm")
        .annotate(n=Count("id"))
        .values_list("arm", "n")
    )
    arms = [str(a) for a in experiment.arms] + [a for a in stats if a not in experiment.arms]
    if not arms:
        return []
    s = np.array([stats[a].successes if a in stats else 0 for a in arms])
    t = np.array([stats[a].trials if a in stats else 0 for a in arms])
    low, high = bandit.credible_interval(s, t)
    mean = bandit.posterior_mean(s, t)
    best = bandit.probability_best(
        s, t, draws=draws, rng=np.random.default_rng(experiment.pk if seed is None else seed)
    )
    return [
        ArmResult(
            arm=a,
            trials=int(t[i]),
            successes=int(s[i]),
            pending=int(pending.get(a, 0)),
            mean=float(mean[i]),
            low=float(low[i]),
            high=float(high[i]),
            p_best=float(best[i]),
        )
        for i, a in enumerate(arms)
    ]
