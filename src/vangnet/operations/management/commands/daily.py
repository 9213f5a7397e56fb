"""`vangnet daily [--date D] [--organisation slug] [--step code …]`: the day's batch."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vangnet.core.services import audit_record
from vangnet.operations.daily import STEP_CODES, StepResult, daily_operations
from vangnet.parties.models import Organisation


class Command(BaseCommand):
    help = (
        "Voert de dagelijkse verwerking uit: incasso's boeken, regelingen bijwerken, de "
        "dagelijkse run, kosten boeken, incasso's plannen, berichten klaarzetten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, default=None)
        parser.add_argument("--organisation", default=None, help="code (slug); standaard alle")
        parser.add_argument("--step", action="append", choices=STEP_CODES, default=[])

    def handle(self, *args: Any, **options: Any) -> None:
        on: date = options["date"] or timezone.localdate()
        now = timezone.now()
        if options["date"] and options["date"] != timezone.localdate():
            # A past or future day is processed as of its morning, as the scheduler would.
            now = timezone.make_aware(datetime.combine(on, time(6, 0)))
        orgs = Organisation.objects.exclude(kind="municipality").order_by("pk")
        if options["organisation"]:
            orgs = orgs.filter(slug=options["organisation"])
            if not orgs.exists():
                raise CommandError(f"Onbekende organisatie {options['organisation']!r}.")

        def show(result: StepResult) -> None:
            status = (
                self.style.ERROR(result.error)
                if result.error
                else ("overgeslagen (niet ingesteld)" if result.skipped else "klaar")
            )
            self.stdout.write(f"  {result.label:<32} {result.seconds:6.1f} s  {status}")

        for org in orgs:
            self.stdout.write(f"{org.name} — {on:%d-%m-%Y}")
            results = daily_operations(
                organisation=org, on=on, now=now, only=tuple(options["step"]), progress=show
            )
            audit_record(
                action="daily_operations",
                object_type="organisation",
                object_id=org.pk,
                summary=f"{on} {len(results)} stappen",
                details={"steps": [r.__dict__ for r in results]},
            )
