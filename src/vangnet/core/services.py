"""Writing the audit trail and the access log."""

from __future__ import annotations

from typing import Any

from vangnet.core.models import AccessLogEntry, AuditEvent


def audit_record(
    *,
    action: str,
    summary: str = "",
    actor: Any = None,
    process: str = "",
    object_type: str = "",
    object_id: str | int = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        action=action,
        summary=summary[:500],
        actor=user,
        process=process,
        object_type=object_type,
        object_id=str(object_id),
        details=details or {},
    )


def access_record(*, user: Any, object_type: str, object_id: str | int, purpose: str = "") -> None:
    AccessLogEntry.objects.create(
        user=user, object_type=object_type, object_id=str(object_id), purpose=purpose
    )
