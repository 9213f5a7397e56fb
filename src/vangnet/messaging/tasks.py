"""Celery entry points of the outbox: thin wrappers over the services (STYLE.md 4)."""

from __future__ import annotations

import os
import socket
from dataclasses import asdict

from django.utils import timezone

from celery import shared_task

from vangnet.messaging import conf
from vangnet.messaging.delivery import outbox_deliver_batch
from vangnet.messaging.services import outbox_enqueue_due


@shared_task(name="messaging.deliver_due")
def deliver_due(batch_size: int | None = None, enqueue: bool = True) -> dict[str, int]:
    """Enqueue due actions, then deliver one batch (schedule it every minute with beat)."""
    now = timezone.now()
    if enqueue:
        outbox_enqueue_due(now=now)
    stats = outbox_deliver_batch(
        worker_id=f"celery:{socket.gethostname()}:{os.getpid()}",
        batch_size=batch_size or conf.batch_size(),
        now=now,
    )
    return asdict(stats)
