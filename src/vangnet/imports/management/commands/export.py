"""``vangnet export customers|invoices|payments|actions --out FILE.csv [--organisation SLUG]``.

``actions`` is the strategy engine's audit export (``vangnet.strategy.export``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.imports.errors import FileRefused
from vangnet.imports.exports import EXPORTS, export_to_file
from vangnet.imports.services import organisation_for


class Command(BaseCommand):
    help = "Export in the importer's format (;-separated UTF-8 CSV); re-imports unchanged."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[*sorted(EXPORTS), "actions"])
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--organisation", help="organisation slug (default: the first)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_for(options.get("organisation"))
        except FileRefused as exc:
            raise CommandError(f"{exc.nl} / {exc.en}", returncode=2) from exc
        if options["kind"] == "actions":
            from vangnet.strategy.export import actions_export

            count = actions_export(organisation=organisation, path=options["out"])
        else:
            count = export_to_file(
                kind=options["kind"], organisation=organisation, path=options["out"]
            )
        self.stdout.write(f"exported {count} rows to {options['out']}")
