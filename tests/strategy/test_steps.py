"""Choosing the next step: due, waiting, skipped by segment or score band, events."""

from __future__ import annotations

from datetime import timedelta

from tests.strategy.conftest import DAY
from vangnet.strategy.journeys import StepSpec
from vangnet.strategy.steps import step_choose


def step(position, day, *, segments=(), bands=(), event="", kind="message", sid=None):
    return StepSpec(
        id=sid or position,
        position=position,
        name="",
        day_offset=day,
        wait_for_event=event,
        action_type=kind,
        channel="best",
        template="t",
        segments=frozenset(segments),
        score_bands=frozenset(bands),
        guardrails=(),
    )


STEPS = [
    step(1, 0),
    step(2, 7, segments=["vulnerable"]),
    step(3, 10, bands=["high"]),
    step(4, 14),
]


def choose(position, days, segment="standard", band="low", **kw):
    return step_choose(
        steps=STEPS,
        position=position,
        day0=DAY - timedelta(days=days),
        today=DAY,
        segment=segment,
        band=band,
        **kw,
    )


def test_first_step_on_day_zero():
    choice = choose(0, 0)
    assert choice.step.position == 1 and choice.position == 1
    assert choice.next_on == DAY + timedelta(days=7)


def test_waits_until_the_next_day_offset():
    choice = choose(1, 5)
    assert choice.step is None and choice.position == 1
    assert choice.next_on == DAY + timedelta(days=2)


def test_skips_steps_for_other_segments_and_bands():
    choice = choose(1, 14)
    assert choice.step.position == 4 and choice.skipped == (2, 3)


def test_matching_segment_and_band_get_their_steps():
    assert choose(1, 8, segment="vulnerable").step.position == 2
    assert choose(2, 11, band="high").step.position == 3


def test_one_step_per_day_when_behind():
    choice = choose(0, 30, segment="vulnerable", band="high")
    assert choice.step.position == 1  # the others follow on the next days


def test_skipped_steps_move_the_position_even_when_waiting():
    choice = choose(1, 12)  # 2 and 3 skipped, 4 not yet due
    assert choice.step is None and choice.position == 3 and choice.skipped == (2, 3)


def test_event_step_fires_once():
    steps = [*STEPS, step(9, None, event="contact", sid=99)]
    kw = dict(
        steps=steps,
        position=1,
        day0=DAY - timedelta(days=3),
        today=DAY,
        segment="standard",
        band="low",
    )
    assert step_choose(**kw).step is None
    fired = step_choose(**kw, events=frozenset({"contact"}))
    assert fired.step.id == 99 and fired.position == 1
    assert (
        step_choose(**kw, events=frozenset({"contact"}), done_event_steps=frozenset({99})).step
        is None
    )


def test_no_journey_day0_no_step():
    assert (
        step_choose(steps=STEPS, position=0, day0=None, today=DAY, segment="x", band="").step
        is None
    )
