"""``vangnet bank import FILE [--organisation SLUG] [--dry-run]`` and ``vangnet bank returns``.

``import`` reads a CAMT.053 or MT940 statement (format detected from the content),
prints one line per problem entry, a line of counts, and as its last line
``matched M of N entries`` (M matched incoming payments of N incoming payments).
A refused file exits with code 2 and writes nothing.

``returns`` hands returned direct debits that are still waiting to the direct-debit app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.banking.errors import StatementRefused
from vangnet.banking.followup import returns_register
from vangnet.banking.services import statement_import
from vangnet.imports.errors import FileRefused
from vangnet.imports.services import organisation_for


class Command(BaseCommand):
    help = "Import bank statements (CAMT.053, MT940) and reconcile them with the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import and reconcile one statement file")
        imp.add_argument("file", type=Path)
        imp.add_argument("--organisation", help="organisation slug (default: the first)")
        imp.add_argument("--dry-run", action="store_true", help="reconcile, write nothing")
        ret = sub.add_parser("returns", help="register returned debits that are waiting")
        ret.add_argument("--organisation", help="organisation slug (default: the first)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_for(options.get("organisation"))
        except FileRefused as exc:
            raise CommandError(exc.en, returncode=2) from exc
        if options["action"] == "returns":
            outcome = returns_register(organisation_id=organisation.pk)
            for problem in outcome.problems:
                self.stdout.write(problem)
            self.stdout.write(
                f"returned debits registered: {outcome.registered}, waiting: {outcome.waiting}"
                + (f" ({outcome.how})" if outcome.how else "")
            )
            return
        path: Path = options["file"]
        try:
            result = statement_import(
                organisation=organisation, source=path, dry_run=options["dry_run"]
            )
        except StatementRefused as exc:
            raise CommandError(f"{path}: {exc.en}", returncode=2) from exc
        for problem in result.problems:
            self.stdout.write(f"{path}: {problem.position}: {problem.en}")
        for problem in result.returns.problems:
            self.stdout.write(f"{path}: {problem}")
        status = ", ".join(f"{k} {v}" for k, v in sorted(result.by_status.items()))
        rules = ", ".join(f"{k} {v}" for k, v in sorted(result.by_rule.items()))
        self.stdout.write(
            f"{result.version}: {result.statements} statement(s), {result.entries} entries "
            f"({result.new} new, {result.already_imported} already imported); {status}"
            + (f"; rules: {rules}" if rules else "")
            + f"; {result.payments_created} payments, {result.allocations} allocations; "
            f"{len(result.problems)} problem(s)"
            + (" (dry run: nothing written)" if result.dry_run else "")
        )
        if not result.dry_run:
            if result.returns.how:
                self.stdout.write(
                    f"returned debits: {result.returns.registered} registered, "
                    f"{result.returns.waiting} waiting ({result.returns.how})"
                )
            self.stdout.write(f"cases re-evaluated: {result.reevaluated} ({result.reevaluation})")
        self.stdout.write(result.summary)
