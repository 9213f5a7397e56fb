"""``vangnet simulate_statement --out FILE.xml``: a CAMT.053 statement for the demo.

Customers of the demo database pay open invoices (with the remittance variety of
``simulation.camt.plan_payments``) and a few direct debits come back unpaid; the file
is then imported like a bank's: ``vangnet bank import FILE.xml``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.imports.errors import FileRefused
from vangnet.imports.services import organisation_for
from vangnet.simulation.camt import (
    VERSIONS,
    payable_invoices,
    plan_payments,
    returned_debits,
    write_camt053,
)

# The demo company's own account (a valid-format IBAN at a fictional bank code).
DEMO_ACCOUNT_IBAN = "NL02ABNA0123456789"


class Command(BaseCommand):
    help = "Write a CAMT.053 statement of simulated payments for the demo organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--organisation", help="organisation slug (default: the first)")
        parser.add_argument("--count", type=int, default=500, help="incoming payments")
        parser.add_argument("--returns", type=int, default=5, help="returned direct debits")
        parser.add_argument("--date", type=date.fromisoformat, default=None)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--camt-version", dest="camt_version", choices=VERSIONS, default="001.02"
        )
        parser.add_argument("--account-iban", default=DEMO_ACCOUNT_IBAN)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_for(options.get("organisation"))
        except FileRefused as exc:
            raise CommandError(exc.en) from exc
        from django.utils import timezone

        day = options["date"] or timezone.localdate()
        invoices = payable_invoices(organisation_id=organisation.pk, count=options["count"])
        payments = plan_payments(invoices, booked_on=day, seed=options["seed"])
        payments += returned_debits(
            organisation_id=organisation.pk,
            count=options["returns"],
            returned_on=day,
            seed=options["seed"],
        )
        written = write_camt053(
            payments,
            options["out"],
            account_iban=options["account_iban"],
            statement_id=f"SIM-{day:%Y%m%d}-{options['seed']}",
            version=options["camt_version"],
        )
        self.stdout.write(f"wrote {written} entries to {options['out']}")
