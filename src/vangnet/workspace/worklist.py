"""Task services (create, complete, cancel) and the reads of the staff queue.

``task_complete`` is where a conversation with a person comes back into the engine: the
outcome is written on the case timeline, a promise to pay or a dispute becomes a hold
(so the next daily run pauses the case), and a wrong number makes the contact point
unusable so no channel uses it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from vangnet.core.errors import Invalid
from vangnet.core.services import audit_record
from vangnet.parties.models import ContactPoint
from vangnet.strategy import cases as case_services
from vangnet.strategy.constants import HoldKind
from vangnet.strategy.models import Case
from vangnet.workspace.models import Task, TaskKind, TaskOutcome, TaskStatus

# Outcomes that mean we spoke with the person (or were told we have the wrong person).
REACHED_OUTCOMES = frozenset(
    {
        TaskOutcome.REACHED,
        TaskOutcome.PROMISE_TO_PAY,
        TaskOutcome.PLAN_AGREED,
        TaskOutcome.HELP_NEEDED,
        TaskOutcome.DISPUTE,
    }
)
# The timeline's channel word per task kind (contact_register writes "Contact via …").
KIND_CHANNEL = {
    TaskKind.CALL: "telefoon",
    TaskKind.CALLBACK: "telefoon",
    TaskKind.VISIT: "huisbezoek",
    TaskKind.REPLY: "reactie",
}
OUTCOME_TEXT_NL = {
    TaskOutcome.REACHED: "gesproken",
    TaskOutcome.NOT_REACHED: "niet bereikt",
    TaskOutcome.WRONG_NUMBER: "verkeerd nummer",
    TaskOutcome.PROMISE_TO_PAY: "belooft te betalen op {date}",
    TaskOutcome.PLAN_AGREED: "betalingsregeling afgesproken",
    TaskOutcome.HELP_NEEDED: "heeft hulp nodig bij geldzaken",
    TaskOutcome.DISPUTE: "is het niet eens met de rekening",
}
# A promise further out than this is a payment plan, not a promise.
PROMISE_MAX_DAYS = 60


@transaction.atomic
def task_create(
    *,
    kind: str,
    idempotency_key: str,
    title: str,
    due_on: date,
    organisation_id: int | None = None,
    case: Case | None = None,
    person_id: int | None = None,
    priority: int = 3,
    description: str = "",
    phone: str = "",
    window_start: time | None = None,
    window_end: time | None = None,
    template_code: str = "",
    actor: Any = None,
) -> tuple[Task, bool]:
    """Create the task once per key; returns ``(task, created)``.

    A second call with the same key (an outbox retry, a webhook delivered twice)
    returns the existing task unchanged.
    """
    if kind not in TaskKind.values:
        raise Invalid("task_kind", f"onbekende taaksoort {kind!r}", f"unknown task kind {kind!r}")
    if window_start and window_end and window_end <= window_start:
        raise Invalid(
            "task_window",
            "het tijdvak eindigt voor het begint",
            "the time window ends before it starts",
        )
    existing = Task.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    if case is not None:
        organisation_id = organisation_id or case.organisation_id
    try:
        with transaction.atomic():
            task = Task.objects.create(
                kind=kind,
                idempotency_key=idempotency_key,
                title=title[:200],
                due_on=due_on,
                organisation_id=organisation_id,
                case=case,
                person_id=person_id,
                priority=priority,
                description=description,
                phone=phone,
                window_start=window_start,
                window_end=window_end,
                template_code=template_code,
            )
    except IntegrityError:
        # Another worker created it between our read and our insert.
        return Task.objects.get(idempotency_key=idempotency_key), False
    audit_record(
        action="task_created",
        summary=f"{task.get_kind_display()}: {task.title}",
        actor=actor,
        object_type="task",
        object_id=task.pk,
        details={"kind": kind, "case_id": case.pk if case else None, "key": idempotency_key},
    )
    return task, True


@transaction.atomic
def task_complete(
    *,
    task: Task,
    outcome: str,
    note: str = "",
    actor: Any = None,
    promise_date: date | None = None,
    today: date | None = None,
) -> Task:
    """Close an open task with its outcome and feed the outcome back into the case."""
    today = today or timezone.localdate()
    if outcome not in TaskOutcome.values:
        raise Invalid("outcome", f"onbekende uitkomst {outcome!r}", f"unknown outcome {outcome!r}")
    if outcome == TaskOutcome.PROMISE_TO_PAY:
        if promise_date is None:
            raise Invalid(
                "promise_date",
                "vul de datum in waarop de klant belooft te betalen",
                "a promise to pay needs its date",
            )
        if promise_date < today or (promise_date - today).days > PROMISE_MAX_DAYS:
            raise Invalid(
                "promise_date",
                f"de betaaldatum moet tussen vandaag en {PROMISE_MAX_DAYS} dagen liggen",
                f"the promise date must be within {PROMISE_MAX_DAYS} days from today",
            )
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise Invalid(
            "task_closed",
            "deze taak is al afgerond of geannuleerd",
            "this task is already done or cancelled",
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    task.status = TaskStatus.DONE
    task.outcome = outcome
    task.outcome_note = note
    task.done_at = timezone.now()
    task.done_by = user
    task.save(update_fields=["status", "outcome", "outcome_note", "done_at", "done_by"])

    details: dict[str, Any] = {"task_id": task.pk, "outcome": outcome}
    if task.case_id is not None:
        case = task.case
        text = OUTCOME_TEXT_NL[TaskOutcome(outcome)].format(
            date=promise_date.strftime("%d-%m-%Y") if promise_date else ""
        )
        event = case_services.contact_register(
            case=case,
            on=today,
            reached=outcome in REACHED_OUTCOMES,
            channel=KIND_CHANNEL.get(TaskKind(task.kind), task.kind),
            actor=actor,
            note=f"{text}. {note}".strip() if note else text,
        )
        event.details = {**event.details, **details, "kind": task.kind}
        if promise_date:
            event.details["promise_date"] = promise_date.isoformat()
        event.save(update_fields=["details"])
        if outcome == TaskOutcome.PROMISE_TO_PAY:
            hold = case_services.hold_create(
                account=case.account,
                kind=HoldKind.PROMISE_TO_PAY,
                starts_on=today,
                ends_on=promise_date,
                reason=note or "Betaalbelofte (uitkomst taak)",
                actor=actor,
            )
            details["hold_id"] = hold.pk
        elif outcome == TaskOutcome.DISPUTE:
            hold = case_services.hold_create(
                account=case.account,
                kind=HoldKind.DISPUTE,
                starts_on=today,
                reason=note or "Geschil (uitkomst taak)",
                actor=actor,
            )
            details["hold_id"] = hold.pk
    if outcome == TaskOutcome.WRONG_NUMBER and task.person_id and task.phone:
        details["contact_points_invalidated"] = ContactPoint.objects.filter(
            person_id=task.person_id, value=task.phone, invalid_since__isnull=True
        ).update(invalid_since=timezone.now(), invalid_reason="Verkeerd nummer (uitkomst taak)")
    audit_record(
        action="task_completed",
        summary=f"{task.get_kind_display()}: {task.get_outcome_display()}",
        actor=actor,
        object_type="task",
        object_id=task.pk,
        details=details,
    )
    return task


@transaction.atomic
def task_cancel(*, task: Task, reason: str, actor: Any = None) -> Task:
    """Cancel an open task (the case closed, the visit is no longer needed …)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        return task
    task.status = TaskStatus.CANCELLED
    task.outcome_note = reason
    task.done_at = timezone.now()
    task.save(update_fields=["status", "outcome_note", "done_at"])
    audit_record(
        action="task_cancelled",
        summary=reason,
        actor=actor,
        object_type="task",
        object_id=task.pk,
    )
    return task


# ---------------------------------------------------------------------------------------
# Reads for the queue page


@dataclass(frozen=True)
class QueueFilter:
    kind: str = ""
    day: date | None = None  # None: everything due up to and including today


def tasks_open(*, organisation_id: int | None, today: date, flt: QueueFilter) -> QuerySet[Task]:
    """Open tasks for the queue: overdue and today's (or one day), most urgent first.

    Ordered by priority first, then the due window (morning before evening), so the top
    of the list is always what to do next. Replies nobody could match (no organisation)
    are shown to every organisation's staff, so they are never lost.
    """
    qs = Task.objects.filter(status=TaskStatus.OPEN)
    if organisation_id is not None:
        qs = qs.filter(Q(organisation_id=organisation_id) | Q(organisation__isnull=True))
    qs = qs.filter(due_on=flt.day) if flt.day else qs.filter(due_on__lte=today)
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    return qs.select_related("person", "case").order_by("priority", "due_on", "window_start", "pk")
