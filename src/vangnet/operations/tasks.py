"""Celery entry points for the day's batch (thin; the same code as `vangnet daily`)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="operations.daily")
def daily_task(on: str | None = None) -> list[dict]:
    from datetime import date

    from django.utils import timezone

    from vangnet.operations.daily import daily_operations
    from vangnet.parties.models import Organisation

    day = date.fromisoformat(on) if on else timezone.localdate()
    out = []
    for org in Organisation.objects.exclude(kind="municipality").order_by("pk"):
        results = daily_operations(organisation=org, on=day, now=timezone.now())
        out.append({"organisation": org.slug, "steps": [r.code for r in results]})
    return out


@shared_task(name="operations.municipality_daily")
def municipality_daily_task() -> None:
    from django.core.management import call_command

    call_command("signals_in", "daily")
