"""``vangnet privacy export CUSTOMER_NUMBER --out F.json``: the AVG access request."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.ledger.models import Customer
from vangnet.privacy.export import privacy_export_person


class Command(BaseCommand):
    help = "AVG tooling: export everything held on one person (by customer number)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the person's data as JSON")
        export.add_argument("customer_number")
        export.add_argument("--out", required=True, help="output file (.json); '-' for stdout")
        export.add_argument("--organisation", help="organisation slug, if numbers repeat")

    def handle(self, *args, action: str, **options) -> None:
        customers = Customer.objects.filter(number=options["customer_number"])
        if options.get("organisation"):
            customers = customers.filter(organisation__slug=options["organisation"])
        found = list(customers.select_related("person")[:2])
        if not found:
            raise CommandError(f"no customer with number {options['customer_number']!r}")
        if len(found) > 1:
            raise CommandError(
                "customer number exists in several organisations; pass --organisation"
            )
        text = json.dumps(
            privacy_export_person(person=found[0].person), ensure_ascii=False, indent=2
        )
        if options["out"] == "-":
            self.stdout.write(text)
            return
        out = Path(options["out"])
        tmp = out.with_suffix(out.suffix + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)  # never leave half a file under the real name
        self.stdout.write(self.style.SUCCESS(f"written {out}"))
