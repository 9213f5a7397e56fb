"""``vangnet import customers|invoices|payments FILE [--dry-run] [--organisation SLUG]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.imports.errors import BatchFailed, FileRefused
from vangnet.imports.runner import IMPORTERS, run_import
from vangnet.imports.services import organisation_for


class Command(BaseCommand):
    help = (
        "Import customers/accounts, invoices or payments from CSV or XLSX "
        "(columns in docs/formats.md). The last line is the summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )
        parser.add_argument("--organisation", help="organisation slug (default: the first)")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path = options["kind"], options["file"]
        try:
            organisation = organisation_for(options.get("organisation"))
            result = run_import(
                kind=kind,
                path=path,
                organisation=organisation,
                dry_run=options["dry_run"],
                progress=self._progress,
            )
        except FileRefused as exc:
            raise CommandError(f"{path.name}: {exc.nl} / {exc.en}", returncode=2) from exc
        except BatchFailed as exc:
            raise CommandError(
                f"{path.name}: {exc}. Rows before line {exc.first_line} were imported; "
                "running the same file again is safe.",
                returncode=1,
            ) from exc
        for rejection in result.rejections:
            self.stdout.write(rejection.as_text())
        if result.dry_run:
            self.stdout.write("proefimport: niets opgeslagen / dry run: nothing saved")
        self.stdout.write(result.summary())

    def _progress(self, done: int, estimate: int | None) -> None:
        """One stderr line per batch, only for files bigger than one batch."""
        if not estimate or estimate <= settings.VANGNET_IMPORT_BATCH_SIZE:
            return
        self.stderr.write(f"{done}/{estimate} rows ({100 * done // estimate}%)")
