"""What happens after money moved: re-evaluate cases, register returned debits.

Both live in apps built alongside this one (``strategy.reevaluate`` and
``banking.directdebit.services``), so they are looked up lazily and called only when
present; until then entries wait (returned debits keep ``return_registered_at`` empty and
are retried on every import or with ``vangnet bank returns``).
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from vangnet.banking.constants import EntryStatus
from vangnet.banking.models import StatementEntry

logger = logging.getLogger(__name__)


def _optional(module: str, *names: str) -> Callable[..., Any] | None:
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return None
    for name in names:
        fn = getattr(loaded, name, None)
        if callable(fn):
            return fn
    return None


def _accepts(fn: Callable[..., Any], offered: dict[str, Any]) -> dict[str, Any] | None:
    """The keyword arguments ``fn`` takes from ``offered``; None if it needs others."""
    params = inspect.signature(fn).parameters
    kwargs = {name: value for name, value in offered.items() if name in params}
    for name, param in params.items():
        if (
            param.default is inspect.Parameter.empty
            and param.kind not in (param.VAR_KEYWORD, param.VAR_POSITIONAL)
            and name not in kwargs
        ):
            return None
    return kwargs


def _accounts_with_open_case(ids: list[int]) -> list[int]:
    """Only accounts with a case that is not closed need re-evaluating (one query/chunk)."""
    try:
        case_model = apps.get_model("strategy", "Case")
    except LookupError:
        return ids
    found: list[int] = []
    for start in range(0, len(ids), 2000):
        found.extend(
            case_model.objects.filter(account_id__in=ids[start : start + 2000])
            .exclude(status="closed")
            .values_list("account_id", flat=True)
            .distinct()
        )
    return sorted(set(found))


def cases_reevaluate(
    *,
    account_ids: Iterable[int],
    actor: Any = None,
    paid_cents: dict[int, int] | None = None,
    cause: str = "bank_payment",
) -> tuple[int, str]:
    """Re-evaluate the cases of these accounts after payments; returns (count, how).

    Prefers a bulk function (``cases_reevaluate(account_ids=…)``) and otherwise calls
    ``strategy.reevaluate.case_reevaluate`` once per account that has an open case
    (found with one query), after allocation so the arrears it computes are current.
    A failure is logged, never raised: the payments are committed, and the daily run
    re-evaluates every case anyway.
    """
    ids = sorted(set(account_ids))
    if not ids:
        return 0, "nothing to re-evaluate"
    today = timezone.localdate()
    module = "vangnet.strategy.reevaluate"
    paid_cents = paid_cents or {}
    try:
        bulk = _optional(module, "cases_reevaluate", "accounts_reevaluate")
        if bulk is not None:
            kwargs = _accepts(
                bulk,
                {"account_ids": ids, "today": today, "on": today, "cause": cause, "actor": actor},
            )
            if kwargs is not None and "account_ids" in kwargs:
                bulk(**kwargs)
                return len(ids), f"{module}.{bulk.__name__} (bulk)"
        single = _optional(module, "case_reevaluate")
        if single is None:
            return 0, f"{module} not available; the daily run re-evaluates"
        from vangnet.core.money import format_euro

        open_ids = _accounts_with_open_case(ids)
        done = 0
        for account_id in open_ids:
            offered = {
                "account_id": account_id,
                "today": today,
                "on": today,
                "cause": cause,
                "actor": actor,
                "note": f"Betaling ontvangen via bankafschrift: "
                f"{format_euro(paid_cents[account_id])}"
                if account_id in paid_cents
                else "",
            }
            kwargs = _accepts(single, offered)
            if kwargs is None:
                return 0, f"{module}.case_reevaluate has an unknown signature; not called"
            single(**kwargs)
            done += 1
        return done, (
            f"{module}.case_reevaluate per account with an open case "
            f"({len(open_ids)} of {len(ids)} accounts)"
        )
    except Exception:
        logger.exception("re-evaluating cases after a bank import failed")
        return 0, "re-evaluation failed (logged); the daily run re-evaluates"


@dataclass
class ReturnOutcome:
    registered: int = 0
    waiting: int = 0
    how: str = ""
    problems: list[str] = field(default_factory=list)


def returns_register(*, organisation_id: int, actor: Any = None) -> ReturnOutcome:
    """Hand every waiting returned debit to the direct-debit app, once each."""
    outcome = ReturnOutcome()
    pending = list(
        StatementEntry.objects.filter(
            organisation_id=organisation_id,
            status=EntryStatus.RETURNED,
            return_registered_at__isnull=True,
        ).order_by("booking_date", "id")
    )
    if not pending:
        return outcome
    register = _optional("vangnet.banking.directdebit.services", "debit_return_register")
    if register is None:
        outcome.waiting = len(pending)
        outcome.how = "directdebit.services.debit_return_register not available; waiting"
        return outcome
    outcome.how = "directdebit.services.debit_return_register"
    for entry in pending:
        if not entry.end_to_end_id:
            outcome.waiting += 1
            outcome.problems.append(f"{entry.position}: returned debit without end-to-end id")
            continue
        offered = {
            "organisation_id": organisation_id,
            "end_to_end_id": entry.end_to_end_id,
            "reason_code": entry.return_reason,
            "returned_on": entry.booking_date or entry.value_date or timezone.localdate(),
            "amount_cents": entry.amount_cents,
            "source": f"bankafschrift {entry.entry_key}"[:64],
            "actor": actor,
        }
        kwargs = _accepts(register, offered)
        if kwargs is None:
            outcome.waiting = len(pending)
            outcome.how = "debit_return_register has an unknown signature; waiting"
            return outcome
        try:
            with transaction.atomic():
                register(**kwargs)
                StatementEntry.objects.filter(pk=entry.pk).update(
                    return_registered_at=timezone.now()
                )
            outcome.registered += 1
        except Exception as exc:
            outcome.waiting += 1
            outcome.problems.append(
                f"{entry.position}: returned debit {entry.end_to_end_id} not registered: {exc}"
            )
    return outcome
