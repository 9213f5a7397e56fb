"""``vangnet run [--date YYYY-MM-DD] [--organisation SLUG]``: the daily run."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vangnet.parties.models import Organisation
from vangnet.strategy.report import summary_lines
from vangnet.strategy.run import DEFAULT_CHUNK, daily_run


class Command(BaseCommand):
    help = (
        "De dagelijkse run: opent en sluit dossiers, kiest per dossier de volgende stap, "
        "toetst de vangrails en zet acties klaar (idempotent per dag)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, default=None, help="rundatum (standaard vandaag)"
        )
        parser.add_argument("--organisation", help="organisatiecode (standaard: alle)")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
        parser.add_argument("--progress", action="store_true", help="toon de tijd per fase")

    def handle(self, *args: Any, **options: Any) -> None:
        run_date: date = options["date"] or timezone.localdate()
        qs = Organisation.objects.filter(kind="creditor").order_by("pk")
        if options.get("organisation"):
            qs = Organisation.objects.filter(slug=options["organisation"])
            if not qs.exists():
                raise CommandError(
                    f"onbekende organisatie / unknown organisation {options['organisation']!r}"
                )
        progress = (lambda msg: sys.stderr.write(f"  {msg}\n")) if options["progress"] else None
        for organisation in qs:
            summary = daily_run(
                organisation=organisation,
                run_date=run_date,
                chunk_size=options["chunk_size"],
                progress=progress,
            )
            for line in summary_lines(summary):
                self.stdout.write(line)
