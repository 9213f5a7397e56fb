"""Celery entry points: thin wrappers over the services (idempotent, re-runnable)."""

from __future__ import annotations

from datetime import date

from celery import shared_task


@shared_task(name="signals_out.create_due")
def signals_create_due_task(organisation_id: int, on: str) -> dict[str, int]:
    from vangnet.signals.outgoing.gate import signals_create_due

    return signals_create_due(organisation_id=organisation_id, on=date.fromisoformat(on)).as_dict()


@shared_task(name="signals_out.deliver")
def signals_deliver_task() -> dict[str, object]:
    from vangnet.signals.outgoing.delivery import signals_deliver

    return signals_deliver().as_dict()


@shared_task(name="signals_out.sync")
def signals_sync_task(organisation_id: int, on: str) -> dict[str, int]:
    from vangnet.signals.outgoing.services import signals_sync

    return signals_sync(organisation_id=organisation_id, on=date.fromisoformat(on)).as_dict()
