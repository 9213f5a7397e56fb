"""Optional direct debit for plan instalments (the hook into ``banking.directdebit``).

The direct-debit app is built alongside this one, so it is imported lazily: without it
(or without an active mandate for the account) a plan is simply paid by bank transfer
with the plan's reference. With it, each instalment is scheduled as one collection via
``collection_schedule(*, mandate, amount_cents, reference, remittance, earliest,
invoice=None, today=None)`` and its reference is kept on the instalment; the collected money arrives
as a ledger ``Payment`` and a returned debit reverses that payment, which the monitor
sees as the instalment being unpaid again.
"""

from __future__ import annotations

import inspect
import logging
from datetime import date
from typing import Any

logger = logging.getLogger(__name__)


def mandate_for(account: Any) -> Any | None:
    """The account's active mandate, or ``None`` (no app, no mandate)."""
    try:
        from vangnet.banking.directdebit.constants import MandateStatus
        from vangnet.banking.directdebit.models import Mandate
    except ImportError:  # the direct-debit app is not installed
        return None
    return (
        Mandate.objects.filter(account_id=account.pk, status=MandateStatus.ACTIVE)
        .order_by("-signed_on", "-pk")
        .first()
    )


def _collection_schedule() -> Any | None:
    try:
        from vangnet.banking.directdebit.services import collection_schedule
    except ImportError:
        return None
    return collection_schedule


def collection_reference(plan: Any, number: int) -> str:
    """End-to-end reference of one instalment's collection (≤ 35 characters)."""
    return f"{plan.reference}-T{number}"[:35]


def instalments_schedule_collection(*, plan: Any, today: date) -> bool:
    """Schedule every open instalment as a collection; ``False`` when no direct debit.

    Idempotent per instalment: one that already has a collection reference is skipped.
    """
    from vangnet.arrangements.models import Instalment

    mandate = mandate_for(plan.account)
    schedule = _collection_schedule()
    if mandate is None:
        return False
    if schedule is None:
        logger.warning(
            "plan %s: account has an active mandate but banking.directdebit.services."
            "collection_schedule is not available; instalments are paid by transfer",
            plan.pk,
        )
        return False
    # ``today`` lets tests and back-dated runs use the plan's own date (optional argument).
    extra = {"today": today} if "today" in inspect.signature(schedule).parameters else {}
    changed = []
    for inst in plan.instalments.filter(collection_reference="").order_by("number"):
        reference = collection_reference(plan, inst.number)
        collection = schedule(
            mandate=mandate,
            amount_cents=inst.amount_cents,
            reference=reference,
            remittance=f"Betalingsregeling {plan.reference} termijn {inst.number}",
            earliest=max(inst.due_on, today),
            **extra,
        )
        inst.collection_reference = reference
        # The bank collects on the mandate's collection day after the pre-notification
        # term; the instalment is due when the money is actually taken.
        inst.due_on = max(inst.due_on, collection.collection_date)
        changed.append(inst)
    Instalment.objects.bulk_update(changed, ["collection_reference", "due_on"])
    return True
