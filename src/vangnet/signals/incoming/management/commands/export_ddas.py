"""``vangnet export_ddas --from D --to D --out F.json``: the DDAS delivery for CBS.

Refuses to write anything unless the document validates against the bundled official
schema (``ddas.validate``); the errors are printed instead.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Export signals and meldingen of a period as a DDAS Uitwisselmodel JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, type=date.fromisoformat)
        parser.add_argument("--to", dest="end", required=True, type=date.fromisoformat)
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--municipality", default="", help="gemeentecode (default: ours)")

    def handle(self, *args, **options) -> None:
        from vangnet.signals import ddas
        from vangnet.signals.incoming.meldingen import municipality_code_default
        from vangnet.signals.incoming.monitoring import ddas_document

        if options["end"] < options["start"]:
            raise CommandError("--to lies before --from")
        code = options["municipality"] or municipality_code_default()
        try:
            document = ddas_document(
                municipality_code=code, start=options["start"], end=options["end"]
            )
        except ValueError as exc:  # a value outside the DDAS vocabulary
            raise CommandError(f"cannot build the DDAS document; nothing written: {exc}") from exc
        errors = ddas.validate(document)
        if errors:
            raise CommandError(
                "the DDAS document does not validate; nothing written:\n" + "\n".join(errors[:50])
            )
        out: Path = options["out"]
        tmp = out.with_suffix(out.suffix + ".tmp")
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(out)
        levering = document["leveringen"][0]
        self.stdout.write(
            f"{out}: {len(levering['vroegsignalen'])} signals, "
            f"{len(levering['vroegsignaalzaken'])} meldingen"
        )
