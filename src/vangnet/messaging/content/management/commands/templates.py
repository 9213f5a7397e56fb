"""``vangnet templates export|import|defaults``: message templates as YAML files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.messaging.content.library import (
    LibraryError,
    LoadResult,
    library_load,
    templates_export,
    templates_import,
)
from vangnet.messaging.content.rendering import TemplateInvalid


class Command(BaseCommand):
    help = "Export, import or load the shipped message templates (YAML, one file per template)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write one YAML file per template to a folder.")
        export.add_argument("--out", required=True, type=Path)
        export.add_argument(
            "--latest", action="store_true", help="Only the latest version of each template."
        )
        imp = sub.add_parser("import", help="Add the versions in a folder of YAML files.")
        imp.add_argument("directory", type=Path)
        defaults = sub.add_parser(
            "defaults", help="Load the shipped Dutch library (idempotent; keeps staff edits)."
        )
        defaults.add_argument(
            "--update",
            action="store_true",
            help="Also give templates still on a library text the newer library text.",
        )

    def handle(self, *args, **options) -> None:
        action = options["action"]
        try:
            if action == "export":
                paths = templates_export(out=options["out"], latest_only=options["latest"])
                self.stdout.write(f"{len(paths)} template file(s) written to {options['out']}")
                return
            if action == "import":
                result = templates_import(directory=options["directory"])
            else:
                result = library_load(update=options["update"])
        except (LibraryError, TemplateInvalid) as exc:
            raise CommandError(str(exc)) from exc
        self._summary(result)

    def _summary(self, result: LoadResult) -> None:
        self.stdout.write(
            f"templates created: {len(result.templates_created)}, "
            f"with new versions: {len(result.versions_created)}, "
            f"unchanged: {len(result.unchanged)}, kept (edited by staff): {len(result.kept)}"
        )
        for name in result.kept:
            self.stdout.write(f"  kept: {name}")
