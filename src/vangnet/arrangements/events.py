"""Timeline entries for plans and costs: one ``CaseEvent`` per step, in plain Dutch.

A plan or charge without a case (the account is not in a journey) is recorded in the
audit trail instead, so every state change still leaves a trace.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from vangnet.core.services import audit_record
from vangnet.strategy.constants import CaseEventKind
from vangnet.strategy.models import CaseEvent


def jsonable(value: Any) -> Any:
    """Decimals and dates as strings, containers recursively (for JSONField details)."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def event_build(
    *,
    case_id: int | None,
    cause: str,
    text: str,
    on: date,
    details: dict[str, Any] | None = None,
    key: str | None = None,
    kind: str = CaseEventKind.NOTE,
    object_type: str = "payment_plan",
    object_id: int | str = "",
) -> CaseEvent | None:
    """An unsaved event for a bulk insert (``ignore_conflicts`` on the key); without a
    case the audit record is written at once and ``None`` returned."""
    if case_id is None:
        audit_record(
            action=cause,
            summary=text,
            object_type=object_type,
            object_id=object_id,
            details=jsonable(details or {}),
        )
        return None
    return CaseEvent(
        case_id=case_id,
        on=on,
        at=timezone.now(),
        kind=kind,
        cause=cause[:40],
        text=text[:300],
        details=jsonable(details or {}),
        key=key,
    )


def event_record(
    *,
    case_id: int | None,
    cause: str,
    text: str,
    on: date,
    actor: Any = None,
    details: dict[str, Any] | None = None,
    key: str | None = None,
    kind: str = CaseEventKind.NOTE,
    object_type: str = "payment_plan",
    object_id: int | str = "",
) -> CaseEvent | None:
    """Write the event; with ``key`` a repeat is ignored (idempotent monitoring)."""
    details = jsonable(details or {})
    if case_id is None:
        audit_record(
            action=cause,
            summary=text,
            actor=actor,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )
        return None
    user = actor if getattr(actor, "is_authenticated", False) else None
    if key is not None and CaseEvent.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            return CaseEvent.objects.create(
                case_id=case_id,
                on=on,
                at=timezone.now(),
                kind=kind,
                cause=cause[:40],
                text=text[:300],
                details=details,
                key=key,
                actor=user,
            )
    except IntegrityError:  # the same key written meanwhile
        return None
