"""``vangnet journey list | export CODE [--version N] [--out FILE] | import FILE…``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.core.errors import Invalid
from vangnet.strategy.defaults import strategy_defaults_ensure
from vangnet.strategy.journeys import journey_export, journey_import
from vangnet.strategy.models import Journey


class Command(BaseCommand):
    help = "Klantreizen tonen, exporteren naar YAML of importeren uit YAML."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="alle klantreizen en versies")
        exp = sub.add_parser("export", help="een klantreis als YAML")
        exp.add_argument("code")
        exp.add_argument("--version", type=int, default=None)
        exp.add_argument("--out", type=Path, default=None)
        imp = sub.add_parser("import", help="klantreizen uit YAML-bestanden")
        imp.add_argument("files", nargs="+", type=Path)
        sub.add_parser("defaults", help="de meegeleverde segmenten en klantreizen aanvullen")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for j in Journey.objects.order_by("code", "version"):
                steps = j.steps.count()
                flag = "" if j.published else " (niet gepubliceerd)"
                self.stdout.write(
                    f"{j.code:<16} v{j.version:<3} {j.style:<8} {j.sector or '-':<17} "
                    f"{steps:>2} stappen  {j.name}{flag}"
                )
        elif action == "export":
            qs = Journey.objects.filter(code=options["code"]).order_by("-version")
            if options["version"]:
                qs = qs.filter(version=options["version"])
            else:
                qs = qs.filter(published=True)  # a draft is exported only by its version
            journey = qs.first()
            if journey is None:
                raise CommandError(f"onbekende klantreis / unknown journey {options['code']!r}")
            text = journey_export(journey)
            if options["out"]:
                options["out"].write_text(text, encoding="utf-8")
                self.stdout.write(f"{journey.code} v{journey.version} -> {options['out']}")
            else:
                self.stdout.write(text, ending="")
        elif action == "import":
            for path in options["files"]:
                try:
                    journey, created = journey_import(path.read_text(encoding="utf-8"))
                except Invalid as exc:
                    raise CommandError(f"{path}: {exc.nl} / {exc.en}", returncode=2) from exc
                state = "nieuw" if created else "ongewijzigd"
                self.stdout.write(f"{path}: {journey.code} v{journey.version} ({state})")
        elif action == "defaults":
            result = strategy_defaults_ensure()
            self.stdout.write(
                f"segmenten toegevoegd: {', '.join(result.segments_created) or '-'}; "
                f"klantreizen toegevoegd: {', '.join(result.journeys_created) or '-'}"
            )
