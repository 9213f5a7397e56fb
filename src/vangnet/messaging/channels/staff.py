"""The phone and visit channels: the outbox hands a call or a home visit to staff.

Delivery means "a task is on someone's list", so the adapter creates a ``workspace.Task``
(once per idempotency key) and returns at once; the outcome comes back later through
``workspace.worklist.task_complete``.

What the adapter reads from ``OutgoingMessage``:

* ``metadata["case_id"]`` (required) — the case the task is for;
* ``to`` — the number to call (E.164); empty: the person's first usable phone number;
* ``text`` — the call script or visit brief, shown on the task;
* optional metadata: ``priority`` (1–4), ``due_on`` (ISO date), ``window_start`` /
  ``window_end`` ("HH:MM"), or ``window`` = ``morning`` / ``day`` / ``evening`` (visits
  are often early or late, when people are home), ``template_code``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.utils import timezone

from vangnet.messaging.registry import register
from vangnet.messaging.types import OutgoingMessage, PermanentFailure, SendResult

NAMED_WINDOWS: dict[str, tuple[time, time]] = {
    "morning": (time(7, 30), time(9, 0)),
    "day": (time(9, 0), time(17, 0)),
    "evening": (time(18, 30), time(21, 0)),
}


def _time(value: Any) -> time | None:
    if not value:
        return None
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError as exc:
        raise PermanentFailure(f"ongeldige tijd {value!r}", code="configuration") from exc


def _date(value: Any) -> date:
    if not value:
        return timezone.localdate()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise PermanentFailure(f"ongeldige datum {value!r}", code="configuration") from exc


@dataclass
class TaskAdapter:
    channel: str
    kind: str

    def send(self, message: OutgoingMessage) -> SendResult:
        from vangnet.core.errors import Invalid
        from vangnet.parties.models import ContactPoint
        from vangnet.strategy.models import Case
        from vangnet.workspace import worklist
        from vangnet.workspace.models import TaskKind

        meta = message.metadata or {}
        case_id = meta.get("case_id")
        case = (
            Case.objects.select_related("account__customer__person").filter(pk=case_id).first()
            if case_id
            else None
        )
        if case is None:
            raise PermanentFailure(f"geen dossier {case_id!r} voor deze taak", code="configuration")
        person = case.account.customer.person
        phone = message.to if message.to.startswith("+") else ""
        if not phone:
            phone = (
                ContactPoint.objects.filter(
                    person=person, kind__in=["mobile", "landline"], invalid_since__isnull=True
                )
                .order_by("-is_primary", "pk")
                .values_list("value", flat=True)
                .first()
                or ""
            )
        if self.kind == TaskKind.CALL and not phone:
            raise PermanentFailure("geen bruikbaar telefoonnummer", code="invalid_recipient")
        start, end = NAMED_WINDOWS.get(str(meta.get("window") or ""), (None, None))
        start = _time(meta.get("window_start")) or start
        end = _time(meta.get("window_end")) or end
        verb = "Bellen" if self.kind == TaskKind.CALL else "Huisbezoek"
        try:
            task, created = worklist.task_create(
                kind=self.kind,
                idempotency_key=message.idempotency_key,
                title=f"{verb}: {person.full_name}",
                description=message.text,
                due_on=_date(meta.get("due_on")),
                organisation_id=case.organisation_id,
                case=case,
                person_id=person.pk,
                priority=int(meta.get("priority") or 3),
                phone=phone,
                window_start=start,
                window_end=end,
                template_code=str(meta.get("template_code") or meta.get("template") or ""),
            )
        except Invalid as exc:
            raise PermanentFailure(exc.nl, code=exc.code) from exc
        return SendResult(
            provider_id=f"task:{task.pk}",
            detail="taak aangemaakt" if created else "taak bestond al",
        )


@register("phone")
def phone_adapter() -> TaskAdapter:
    return TaskAdapter(channel="phone", kind="call")


@register("visit")
def visit_adapter() -> TaskAdapter:
    return TaskAdapter(channel="visit", kind="visit")
