"""Nightly purge for Celery beat (thin: the service does the work and the audit)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="vangnet.privacy.tasks.privacy_purge_task")
def privacy_purge_task() -> dict:
    from vangnet.privacy.purge import privacy_purge

    result = privacy_purge()
    return {"persons": result.persons, "cutoff": result.cutoff.isoformat()}
