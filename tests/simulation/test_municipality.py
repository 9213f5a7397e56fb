"""Municipality mode: calibrated on the Divosa reach figures, then strategies compared."""

from __future__ import annotations

import json

from django.core.management import call_command

import pytest

from vangnet.simulation.municipality import (
    DIGITAL_PHONE_VISIT,
    LETTERS_ONLY,
    PHONE_PRACTICE,
    VISIT_PRACTICE,
    Strengths,
    calibrate,
    population_draw,
    run_strategy,
    simulate_municipality,
)


@pytest.fixture(scope="module")
def result():
    return simulate_municipality(households=40_000, days=365, seed=11)


def _pct(share) -> float:
    return share.count / share.total


def test_signal_rate_matches_the_monitor(result):
    f = result.outcomes["letters"].figures
    # Poisson draw around 4.0 per 1,000 residents per month.
    assert 3.6 <= float(f.signals_per_1000_per_month) <= 4.4
    assert result.population.meldingen <= result.population.signals


def test_calibration_reproduces_the_divosa_figures(result):
    out = result.outcomes
    assert _pct(out["letters"].figures.reach) == pytest.approx(0.06, abs=0.02)
    assert _pct(out["phone_practice"].figures.reach_with_phone) == pytest.approx(0.59, abs=0.04)
    assert _pct(out["visit_practice"].figures.reach_with_visit) == pytest.approx(0.46, abs=0.05)


def test_help_acceptance_is_about_a_third_of_the_reached(result):
    for outcome in result.outcomes.values():
        assert _pct(outcome.figures.help_accepted_of_reached) == pytest.approx(0.35, abs=0.06)


def test_digital_phone_visit_reaches_more_than_letters_only(result):
    letters = _pct(result.outcomes["letters"].figures.reach)
    full = _pct(result.outcomes["digital_phone_visit"].figures.reach)
    assert full > 5 * letters


def test_more_contact_strength_never_lowers_reach():
    population = population_draw(households=5_000, days=120, seed=3)
    weak = run_strategy(population, PHONE_PRACTICE, Strengths(0.1, 0.5, 1.0), seed=5)
    strong = run_strategy(population, PHONE_PRACTICE, Strengths(0.1, 2.0, 1.0), seed=5)
    assert strong.figures.reach.count >= weak.figures.reach.count


def test_calibration_is_deterministic_for_a_seed():
    population = population_draw(households=5_000, days=120, seed=3)
    assert calibrate(population, seed=1) == calibrate(population, seed=1)


def test_strategies_only_use_their_own_steps():
    population = population_draw(households=5_000, days=120, seed=3)
    out = run_strategy(population, LETTERS_ONLY, Strengths(0.1, 1.0, 1.0), seed=1)
    assert set(out.figures.attempts_by_kind) == {"Brief"}
    out = run_strategy(population, VISIT_PRACTICE, Strengths(0.1, 1.0, 1.0), seed=1)
    assert "Huisbezoek" in out.figures.attempts_by_kind
    assert {s.kind for s in DIGITAL_PHONE_VISIT.steps} >= {"SMS/Whatsapp", "Telefoon", "Huisbezoek"}


def test_command_reports_strategies(capsys):
    call_command("simulate", "--municipality", "--households", "3000", "--days", "90", "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(data["strategies"]) == {
        "letters",
        "phone_practice",
        "visit_practice",
        "digital_phone_visit",
    }
    assert data["meldingen"] > 0
