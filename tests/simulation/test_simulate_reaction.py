"""The reaction model on its own: pure numpy, no database."""

from __future__ import annotations

import numpy as np

from vangnet.simulation.reaction import (
    AVOIDANCE_START,
    CHANNEL_INDEX,
    FORMAL_LETTER_REACH,
    HELP_POINTER_FACTOR,
    KIND_INDEX,
    Contacts,
    Outcome,
    Tone,
    instalments_kept,
    outcome_probabilities,
    reach_probability,
    react,
)

N = 20_000


def contacts(kind: str = "chronic_arrears", channel: str = "letter", **over) -> Contacts:
    k = KIND_INDEX[kind]
    values = {
        "kind": np.full(N, k),
        "channel": np.full(N, CHANNEL_INDEX[channel]),
        "hour": np.full(N, 10),
        "age": np.full(N, 45),
        "responsiveness": np.ones(N),
        "avoidance": np.zeros(N),
        "contacts_before": np.zeros(N, dtype=np.int64),
        "formal_letter": np.zeros(N, dtype=bool),
        "tone": np.full(N, Tone.FRIENDLY),
        "offers_help": np.zeros(N, dtype=bool),
        "offers_plan": np.zeros(N, dtype=bool),
    }
    for key, value in over.items():
        values[key] = np.full(N, value) if np.isscalar(value) else value
    return Contacts(**values)


def test_same_seed_same_reactions():
    c = contacts()
    a = react(c, np.random.default_rng(1))
    b = react(c, np.random.default_rng(1))
    assert (a.outcome == b.outcome).all() and (a.reached == b.reached).all()


def test_visits_reach_more_people_in_the_evening_than_in_the_morning():
    morning = reach_probability(contacts(channel="visit", hour=10)).mean()
    evening = reach_probability(contacts(channel="visit", hour=19)).mean()
    assert evening > 1.5 * morning


def test_fourteen_day_letter_pointing_to_help_reaches_sixteen_instead_of_eleven_percent():
    plain = reach_probability(contacts(kind="on_time", formal_letter=True))
    helped = reach_probability(contacts(kind="on_time", formal_letter=True, offers_help=True))
    assert plain[0] == FORMAL_LETTER_REACH
    assert helped[0] == FORMAL_LETTER_REACH * HELP_POINTER_FACTOR


def test_threat_shames_those_who_cannot_pay_and_nudges_those_who_can():
    rng = np.random.default_rng(2)
    hard = react(contacts("vulnerable", tone=Tone.THREATENING), rng)
    able = react(contacts("sometimes_late", tone=Tone.THREATENING), rng)
    start = AVOIDANCE_START[KIND_INDEX["vulnerable"]]
    assert hard.avoidance[hard.noticed].min() > start
    assert (able.avoidance == 0).all()
    neutral = outcome_probabilities(contacts("sometimes_late"), np.zeros(N, dtype=bool))
    threat = outcome_probabilities(
        contacts("sometimes_late", tone=Tone.THREATENING), np.zeros(N, dtype=bool)
    )
    assert threat[0, 0] > neutral[0, 0]


def test_avoidance_and_fatigue_lower_reach():
    fresh = reach_probability(contacts(channel="phone"))[0]
    ashamed = reach_probability(contacts(channel="phone", avoidance=0.5))[0]
    tired = reach_probability(contacts(channel="phone", contacts_before=10))[0]
    assert ashamed < fresh and tired < fresh


def test_a_conversation_leads_to_plans_and_help_more_than_a_letter():
    c = contacts("chronic_arrears")
    silent = outcome_probabilities(c, np.zeros(N, dtype=bool))[0]
    talked = outcome_probabilities(c, np.ones(N, dtype=bool))[0]
    assert talked[Outcome.PLAN - 1] > 5 * silent[Outcome.PLAN - 1]
    assert talked[Outcome.HELP - 1] > 5 * silent[Outcome.HELP - 1]


def test_outcome_shares_follow_the_probabilities():
    c = contacts("on_time", channel="sms", hour=19)
    r = react(c, np.random.default_rng(3))
    assert (r.outcome[~r.noticed] == Outcome.NOTHING).all()
    paid = (r.outcome == Outcome.PAY_FULL).sum() / r.noticed.sum()
    assert 0.8 < paid < 0.9  # on time: 85 % pay in full once they read it


def test_instalments_kept_never_exceed_the_plan():
    rng = np.random.default_rng(4)
    kind = np.full(1000, KIND_INDEX["wont_pay"])
    count = np.full(1000, 6)
    kept = instalments_kept(kind, np.zeros(1000, dtype=bool), count, rng)
    assert kept.min() >= 0 and kept.max() <= 6
    assert (kept == 6).mean() < 0.1  # won't pay seldom completes a plan
