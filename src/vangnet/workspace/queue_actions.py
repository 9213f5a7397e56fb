"""Writes of the work queues: an outcome with its reason for arrears, and visit planning.

``task_outcome_register`` builds on ``worklist.task_complete`` (which writes the contact
on the timeline and turns a promise or a dispute into a hold) and adds what a
conversation also teaches: the reason for the arrears, stored on the case as an event,
and the immediate pause for a promise to pay (see ``case_actions.case_pause_now``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from vangnet.core.errors import Invalid
from vangnet.core.services import audit_record
from vangnet.strategy.constants import CaseEventKind, HoldKind
from vangnet.strategy.models import Case, CaseEvent
from vangnet.workspace import worklist
from vangnet.workspace.case_actions import case_arrears_reason_set, case_pause_now
from vangnet.workspace.constants import (
    CAUSE_VISIT_PLANNED,
    VISIT_SLOT_TIMES,
    ArrearsReason,
    VisitSlot,
)
from vangnet.workspace.models import Task, TaskKind, TaskOutcome, TaskStatus

# Outcomes after which the reason for arrears is asked: we spoke with the person.
REASON_OUTCOMES = frozenset(worklist.REACHED_OUTCOMES)
# Outcomes that pause the journey and the hold they create (task_complete writes it).
PAUSING_OUTCOMES: dict[str, str] = {
    TaskOutcome.PROMISE_TO_PAY: HoldKind.PROMISE_TO_PAY,
    TaskOutcome.DISPUTE: HoldKind.DISPUTE,
}
# How far ahead a visit may be planned (a plan beyond that is a wish, not a plan).
VISIT_PLAN_MAX_DAYS = 60


@transaction.atomic
def task_outcome_register(
    *,
    task: Task,
    outcome: str,
    actor: Any,
    arrears_reason: str = "",
    promise_date: date | None = None,
    note: str = "",
    organisation_id: int | None = None,
    today: date | None = None,
) -> Task:
    """Register a call or visit outcome; a promise to pay pauses the case until its date.

    ``organisation_id`` (when given) must be the task's: a guessed task id of another
    creditor is refused, not completed.
    """
    today = today or timezone.localdate()
    if organisation_id is not None and task.organisation_id not in (None, organisation_id):
        raise Invalid("task_unknown", "Deze taak bestaat niet.", "task of another organisation")
    if arrears_reason and arrears_reason not in ArrearsReason.values:
        raise Invalid(
            "arrears_reason", "Kies een reden voor de achterstand.", f"unknown {arrears_reason!r}"
        )
    task = worklist.task_complete(
        task=task,
        outcome=outcome,
        note=note,
        actor=actor,
        promise_date=promise_date,
        today=today,
    )
    if task.case_id is None:
        return task
    case = Case.objects.select_for_update().get(pk=task.case_id)
    if arrears_reason and outcome in REASON_OUTCOMES:
        case_arrears_reason_set(case=case, reason=arrears_reason, actor=actor, today=today)
    hold_kind = PAUSING_OUTCOMES.get(outcome)
    if hold_kind:
        until = promise_date if outcome == TaskOutcome.PROMISE_TO_PAY else None
        case_pause_now(case=case, kind=hold_kind, until=until, today=today, actor=actor)
    return task


@transaction.atomic
def visits_plan(
    *,
    task_ids: Sequence[int],
    on: date,
    slot: str,
    actor: Any,
    assignee: Any = None,
    organisation_id: int | None = None,
    today: date | None = None,
) -> int:
    """Plan open visits on one day in one time slot (and give them to a field worker).

    One UPDATE for the whole selection (an area's visits are planned together); one
    audit record names every task. Returns how many visits were planned.
    """
    today = today or timezone.localdate()
    if slot not in VisitSlot.values:
        raise Invalid("visit_slot", "Kies een dagdeel.", f"unknown slot {slot!r}")
    if on < today or (on - today).days > VISIT_PLAN_MAX_DAYS:
        raise Invalid(
            "visit_day",
            f"Plan een bezoek tussen vandaag en {VISIT_PLAN_MAX_DAYS} dagen vooruit.",
            f"plan visits within {VISIT_PLAN_MAX_DAYS} days from today",
        )
    ids = sorted({int(i) for i in task_ids})
    if not ids:
        raise Invalid("visit_none", "Kies minstens één huisbezoek.", "no visits selected")
    qs = Task.objects.select_for_update().filter(
        pk__in=ids, kind=TaskKind.VISIT, status=TaskStatus.OPEN
    )
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    found = list(qs.values_list("pk", flat=True))
    if len(found) != len(ids):
        raise Invalid(
            "visit_changed",
            "Een of meer huisbezoeken zijn al afgerond of bestaan niet meer. "
            "Laad de lijst opnieuw.",
            "some selected visits are not open visits any more",
        )
    start, end = VISIT_SLOT_TIMES[slot]
    user = assignee if getattr(assignee, "pk", None) else None
    planned = Task.objects.filter(pk__in=found).update(
        due_on=on, window_start=start, window_end=end, assigned_to=user
    )
    label = str(VisitSlot(slot).label)
    now = timezone.now()
    staff = actor if getattr(actor, "is_authenticated", False) else None
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case_id=case_id,
                on=today,
                at=now,
                kind=CaseEventKind.NOTE,
                cause=CAUSE_VISIT_PLANNED,
                text=f"Huisbezoek gepland op {on:%d-%m-%Y}, {label.lower()}.",
                details={"task_id": pk, "on": on.isoformat(), "slot": slot},
                actor=staff,
            )
            for pk, case_id in Task.objects.filter(pk__in=found, case__isnull=False).values_list(
                "pk", "case_id"
            )
        ]
    )
    audit_record(
        action="visits_planned",
        summary=f"{planned} huisbezoek(en) op {on:%d-%m-%Y}, {label}",
        actor=actor,
        object_type="task",
        object_id=",".join(str(i) for i in found)[:64],
        details={
            "task_ids": found,
            "on": on.isoformat(),
            "slot": slot,
            "assigned_to": user.pk if user else None,
        },
    )
    return planned
