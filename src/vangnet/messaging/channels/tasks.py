"""Celery entry points of the channels app (thin wrappers over the services)."""

from __future__ import annotations

from datetime import date

from celery import shared_task


@shared_task(name="messaging_channels.print_batch")
def print_batch(batch_date: str | None = None) -> dict:
    """Build (or rebuild) the print batch; idempotent, so a redelivered task is harmless."""
    from django.utils import timezone

    from vangnet.messaging.channels.printing import print_batch_build

    day = date.fromisoformat(batch_date) if batch_date else timezone.localdate()
    result = print_batch_build(batch_date=day)
    return {"date": day.isoformat(), "letters": result.letters, "pages": result.pages}
