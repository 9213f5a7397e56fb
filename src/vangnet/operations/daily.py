"""The day's batch steps for one organisation, in dependency order.

Why an ordered list and not one Celery chain per app: the order carries meaning.
Collections settle before the run (a settled direct debit may close a case); plans are
monitored before the run (a breach ends the plan's hold, so the same run resumes the
journey); costs are booked after the run (the run decides ``charge_costs`` under the
14-day-letter guardrail); messages are rendered into the outbox last (they must see the
day's decisions). Every step is idempotent, so ``vangnet daily`` can be re-run after a
crash and the steps already done add nothing.

Steps are imported lazily by dotted path: the web process never imports WeasyPrint or
numpy just because this module is loaded.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime
from typing import Any

from vangnet.parties.models import Organisation


@dataclass(frozen=True)
class Step:
    code: str
    label: str  # Dutch, shown in the terminal and the audit log
    target: str  # "module:function"
    kwargs: Callable[[Organisation, date, datetime], dict[str, Any]]
    # Whether the step applies to this organisation (e.g. direct debit is configured).
    applies: Callable[[Organisation], bool] = lambda org: True


def _org_on(org: Organisation, on: date, now: datetime) -> dict[str, Any]:
    return {"organisation_id": org.pk, "on": on}


def _collects_by_direct_debit(org: Organisation) -> bool:
    from vangnet.banking.directdebit.models import DirectDebitProfile

    return DirectDebitProfile.objects.filter(organisation=org).exists()


STEPS: tuple[Step, ...] = (
    Step(
        "settle",
        "Geïnde incasso's boeken",
        "vangnet.banking.directdebit.collections:collections_settle",
        _org_on,
        _collects_by_direct_debit,
    ),
    Step(
        "plans",
        "Betalingsregelingen bijwerken",
        "vangnet.arrangements.monitor:plans_monitor",
        _org_on,
    ),
    Step(
        "run",
        "Dagelijkse run",
        "vangnet.strategy.run:daily_run",
        lambda org, on, now: {"organisation": org, "run_date": on},
    ),
    Step("costs", "Incassokosten boeken", "vangnet.arrangements.costs:costs_charge_due", _org_on),
    Step(
        "signals",
        "Vroegsignalen toetsen",
        "vangnet.signals.outgoing.gate:signals_create_due",
        _org_on,
    ),
    Step(
        "signals_sync",
        "Vroegsignalen bijwerken",
        "vangnet.signals.outgoing.services:signals_sync",
        _org_on,
    ),
    Step(
        "collections",
        "Incasso's plannen",
        "vangnet.banking.directdebit.collections:collections_schedule_open_invoices",
        _org_on,
        _collects_by_direct_debit,
    ),
    Step(
        "outbox",
        "Berichten klaarzetten",
        "vangnet.messaging.services:outbox_enqueue_due",
        lambda org, on, now: {"organisation_id": org.pk, "now": now},
    ),
    Step(
        "rewards",
        "Experimenten bijwerken",
        "vangnet.messaging.engagement.experiments:rewards_refresh",
        lambda org, on, now: {"now": now},
    ),
)
STEP_CODES = tuple(s.code for s in STEPS)


@dataclass
class StepResult:
    code: str
    label: str
    seconds: float
    summary: Any = None
    error: str = ""
    skipped: bool = False  # the step does not apply to this organisation


def _resolve(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def daily_operations(
    *,
    organisation: Organisation,
    on: date,
    now: datetime,
    only: tuple[str, ...] = (),
    progress: Callable[[StepResult], None] | None = None,
) -> list[StepResult]:
    """Run the day's steps in order; a failing step stops the day (later steps need it)."""
    unknown = set(only) - set(STEP_CODES)
    if unknown:
        raise ValueError(f"unknown step(s): {', '.join(sorted(unknown))}")
    results = []
    for step in STEPS:
        if only and step.code not in only:
            continue
        started = time.perf_counter()
        result = StepResult(step.code, step.label, 0.0)
        if not step.applies(organisation):
            result.skipped = True
            results.append(result)
            if progress:
                progress(result)
            continue
        try:
            result.summary = _plain(_resolve(step.target)(**step.kwargs(organisation, on, now)))
        except Exception as exc:  # recorded, then re-raised: the rest depends on this step
            result.error = f"{type(exc).__name__}: {exc}"
            result.seconds = time.perf_counter() - started
            results.append(result)
            if progress:
                progress(result)
            raise
        result.seconds = time.perf_counter() - started
        results.append(result)
        if progress:
            progress(result)
    return results
