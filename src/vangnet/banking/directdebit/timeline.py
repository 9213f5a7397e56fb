"""Every direct-debit change is told to the account's case, or to the audit log.

The case timeline is the event log (STYLE.md 3). An account without an open case (most
customers who pay by direct debit) gets an ``audit_record`` instead, so nothing is lost;
``Collection``/``Mandate`` rows keep the facts for the run to read later.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from vangnet.core.services import audit_record
from vangnet.ledger.models import Account
from vangnet.strategy.constants import CaseEventKind, CaseStatus
from vangnet.strategy.models import Case, CaseEvent

# Causes written to the case timeline (kind "note" until strategy has a direct-debit kind).
CAUSE_MANDATE_SIGNED = "mandate_signed"
CAUSE_MANDATE_REVOKED = "mandate_revoked"
CAUSE_MANDATE_DAY = "mandate_day_changed"
CAUSE_MANDATE_VOID = "mandate_void"
CAUSE_DEBIT_RETURNED = "debit_returned"
CAUSE_REPRESENT = "debit_represent"
CAUSE_CONTACT = "debit_contact_needed"


def dd_event(
    *,
    account: Account,
    cause: str,
    text: str,
    on: date,
    details: dict[str, Any],
    actor: Any = None,
    object_type: str = "mandate",
    object_id: int | str = "",
) -> CaseEvent | None:
    """Write one event to the non-closed case of ``account``, else to the audit log."""
    case = Case.objects.filter(account_id=account.pk).exclude(status=CaseStatus.CLOSED).first()
    if case is None:
        audit_record(
            action=f"directdebit_{cause}",
            actor=actor,
            object_type=object_type,
            object_id=object_id,
            summary=text,
            details={**details, "account_id": account.pk},
        )
        return None
    user = actor if getattr(actor, "is_authenticated", False) else None
    return CaseEvent.objects.create(
        case=case,
        on=on,
        at=timezone.now(),
        kind=CaseEventKind.NOTE,
        cause=cause,
        text=text[:300],
        details=details,
        actor=user,
    )
