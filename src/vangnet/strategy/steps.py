"""Choosing each case's next step from its journey.

Rules (docs/strategy.md):

- Steps with a day offset run in position order. A step is due when
  ``today - journey_day0 >= day_offset``.
- A due step whose segment or score-band condition does not match the case is skipped
  (the case moves past it without an action; the skip is recorded in the explanation of
  the next action).
- At most one action per case per day: a case that already got an action for today's
  run (``last_step_on == today``) is left alone, so a re-run after a crash never plans
  a second step for the cases the first attempt finished. Overdue steps after a pause
  or a late start therefore come one per day, which is also the humane pace.
- Steps with ``wait_for_event`` fire once, when an event of that kind has been recorded
  on the case (e.g. ``contact`` → a follow-up); they do not move the position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from vangnet.strategy.journeys import StepSpec


@dataclass(frozen=True)
class StepChoice:
    """What the run will do for one case today."""

    step: StepSpec | None  # the step to act on, or None (nothing due)
    position: int  # the case's position after today (skipped steps included)
    skipped: tuple[int, ...] = ()  # positions skipped because the segment/score did not match
    next_on: date | None = None  # when the next sequenced step falls due
    reasons: tuple[str, ...] = field(default=())


def step_choose(
    *,
    steps: Sequence[StepSpec],
    position: int,
    day0: date | None,
    today: date,
    segment: str,
    band: str,
    events: frozenset[str] = frozenset(),
    done_event_steps: frozenset[int] = frozenset(),
) -> StepChoice:
    """The next step for one case (pure; the run calls it for every open case)."""
    if day0 is None:
        return StepChoice(None, position)
    days = (today - day0).days
    skipped: list[int] = []
    for step in steps:
        if step.day_offset is None or step.position <= position:
            continue
        if step.day_offset > days:
            # Event steps may still fire while we wait for the next day offset.
            chosen = _event_step(steps, events, done_event_steps, segment, band)
            return StepChoice(
                chosen,
                skipped[-1] if skipped else position,
                tuple(skipped),
                day0 + timedelta(days=step.day_offset),
            )
        if not step.matches(segment, band):
            skipped.append(step.position)
            continue
        return StepChoice(step, step.position, tuple(skipped), _next_due(steps, step, day0))
    chosen = _event_step(steps, events, done_event_steps, segment, band)
    return StepChoice(chosen, skipped[-1] if skipped else position, tuple(skipped), None)


def _next_due(steps: Sequence[StepSpec], after: StepSpec, day0: date) -> date | None:
    for step in steps:
        if step.day_offset is not None and step.position > after.position:
            return day0 + timedelta(days=step.day_offset)
    return None


def _event_step(
    steps: Sequence[StepSpec],
    events: frozenset[str],
    done: frozenset[int],
    segment: str,
    band: str,
) -> StepSpec | None:
    if not events:
        return None
    for step in steps:
        if (
            step.wait_for_event
            and step.wait_for_event in events
            and step.id not in done
            and step.matches(segment, band)
        ):
            return step
    return None


def has_event_steps(steps_by_journey: Mapping[int, Sequence[StepSpec]]) -> bool:
    return any(s.wait_for_event for steps in steps_by_journey.values() for s in steps)
