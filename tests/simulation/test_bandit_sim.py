"""The bandit converges on the best arm (known true rates, seeded)."""

from __future__ import annotations

import numpy as np
import pytest

from vangnet.simulation.bandit_sim import bandit_converge, bandit_converge_db


def test_thompson_sampling_finds_the_best_of_three_arms():
    result = bandit_converge([0.05, 0.08, 0.12], rounds=200, batch=100, seed=11)
    assert result.trials.sum() == 20_000
    assert result.last_share[2] > 0.70  # the best arm takes most of the traffic by the end
    assert result.share[2] > 0.5  # and over the whole run
    assert list(np.argsort(result.posterior_mean)) == [0, 1, 2]  # ordering is right
    # Exploration keeps every arm measured.
    assert result.trials.min() > 0.10 / 3 * 20_000 * 0.8


def test_without_exploration_it_still_converges_and_the_seed_fixes_everything():
    a = bandit_converge([0.05, 0.08, 0.12], rounds=100, batch=100, seed=3, exploration=0.0)
    b = bandit_converge([0.05, 0.08, 0.12], rounds=100, batch=100, seed=3, exploration=0.0)
    assert (a.trials == b.trials).all() and (a.successes == b.successes).all()
    assert a.last_share[2] > 0.70


@pytest.mark.django_db
def test_the_services_loop_converges_too(organisation):
    result = bandit_converge_db(
        organisation_id=organisation.pk,
        true_rates={"A": 0.05, "B": 0.08, "C": 0.20},
        rounds=25,
        batch=80,
        seed=5,
    )
    assert result.trials.sum() == 25 * 80
    assert result.last_share[2] > 0.70
    assert int(np.argmax(result.posterior_mean)) == 2


@pytest.mark.django_db
def test_the_strategy_simulator_routes_digital_messages_through_the_bandit():
    from datetime import date
    from zoneinfo import ZoneInfo

    from vangnet.messaging.engagement.models import Assignment, Experiment
    from vangnet.parties.models import Organisation
    from vangnet.simulation.strategy_sim import SimConfig, organisation_delete, simulate_strategy
    from vangnet.strategy.models import Action

    result = simulate_strategy(
        SimConfig(households=250, days=20, seed=4, start=date(2025, 3, 3), keep=True)
    )
    experiments = result.metrics["experiments"]
    hours, variants = experiments["send_hour"], experiments["variant"]
    assert set(variants) == {"A", "B"} and set(hours) == {"8", "10", "12", "14", "16", "18", "20"}
    assert sum(a["trials"] for a in variants.values()) > 0
    assert sum(a["successes"] for a in hours.values()) <= sum(a["trials"] for a in hours.values())

    org = Organisation.objects.get(slug=result.organisation_slug)
    digital = Action.objects.filter(organisation=org, channel__in=["email", "sms", "whatsapp"])
    assigned = set(
        Assignment.objects.filter(experiment__organisation=org).values_list("action_id", flat=True)
    )
    assert assigned and assigned <= set(digital.values_list("id", flat=True))
    zone = ZoneInfo("Europe/Amsterdam")
    for at in digital.filter(pk__in=assigned).values_list("scheduled_for", flat=True):
        local = at.astimezone(zone)
        assert local.hour in (8, 10, 12, 14, 16, 18, 20) and local.minute == 0
        assert local.weekday() != 6
    organisation_delete(org)
    assert not Experiment.objects.filter(organisation_id=org.pk).exists()
