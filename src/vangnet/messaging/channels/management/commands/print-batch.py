"""``vangnet print-batch [--date YYYY-MM-DD]``: build the day's letter batch for print."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vangnet.messaging.channels.printing import PrintBatchError, print_batch_build


class Command(BaseCommand):
    help = "Merge the queued letters of a day into one PDF plus a CSV manifest for print."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="batch date (YYYY-MM-DD); default today")

    def handle(self, *args, **options) -> None:
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}") from exc
        try:
            result = print_batch_build(batch_date=day)
        except PrintBatchError as exc:
            raise CommandError(f"print batch {day} not written: {exc}") from exc
        if result.letters == 0:
            self.stdout.write(f"{day}: no letters to print")
            return
        verb = "built" if result.sealed_now else "rebuilt (same letters)"
        self.stdout.write(
            f"{day}: {verb} {result.letters} letters, {result.pages} pages\n"
            f"  {result.pdf_path}\n  {result.manifest_path}"
        )
