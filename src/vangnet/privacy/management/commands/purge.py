"""``vangnet purge [--dry-run] [--date D]``: anonymise after the retention term."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.privacy.purge import privacy_purge


class Command(BaseCommand):
    help = "Anonymise persons past the retention term and remove expired links (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")
        parser.add_argument("--date", help="run as if today were this date (YYYY-MM-DD)")
        parser.add_argument("--retention-days", type=int, help="override VANGNET_RETENTION_DAYS")

    def handle(self, *args, **options) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}") from exc
        result = privacy_purge(
            today=today, dry_run=options["dry_run"], retention_days=options["retention_days"]
        )
        verb = "due for anonymisation" if result.dry_run else "anonymised"
        self.stdout.write(f"cutoff {result.cutoff}: {result.persons} persons {verb}")
        for label, count in sorted(result.changed.items()):
            self.stdout.write(f"  {label}: {count}")
        for label, count in sorted(result.expired_links.items()):
            self.stdout.write(f"  expired {label}: {count}")
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
