"""Celery entry points (thin wrappers over services)."""

from __future__ import annotations

from celery import shared_task

from vangnet.payments.services import paymentlinks_expire


@shared_task(name="payments.paymentlinks_expire")
def paymentlinks_expire_task() -> int:
    """Nightly: mark links past their expiry as expired (idempotent)."""
    return paymentlinks_expire()
