"""``vangnet sepa …``: schedule, export, settle and import returns of SEPA direct debits.

Only parses arguments and prints; the work is in ``directdebit.services``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.banking.directdebit.pain008 import BatchInvalid
from vangnet.banking.directdebit.services import (
    batch_export,
    collections_schedule_open_invoices,
    collections_settle,
    mandates_lapse,
    returns_import_csv,
)
from vangnet.core.errors import Invalid
from vangnet.core.money import format_euro
from vangnet.parties.models import Organisation


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _organisation(slug: str | None) -> Organisation:
    if slug:
        try:
            return Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist:
            raise CommandError(f"organisatie {slug!r} bestaat niet") from None
    orgs = list(Organisation.objects.order_by("pk")[:2])
    if len(orgs) != 1:
        raise CommandError("geef --organisation SLUG (er is niet precies één organisatie)")
    return orgs[0]


class Command(BaseCommand):
    help = "SEPA-incasso: plannen, pain.008 exporteren, afschrijvingen boeken, storneringen."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        p = sub.add_parser("schedule", help="plan open invoices; lapse unused mandates")
        p.add_argument("--date", type=_date, required=True, help="today (YYYY-MM-DD)")
        p.add_argument("--organisation")
        p = sub.add_parser("export", help="write the pain.008 of one collection date")
        p.add_argument("--date", type=_date, required=True, help="collection date")
        p.add_argument("--out", required=True, help="XML file to write (must not exist)")
        p.add_argument("--organisation")
        p = sub.add_parser("settle", help="book exported collections up to DATE as paid")
        p.add_argument("--date", type=_date, required=True)
        p.add_argument("--organisation")
        p = sub.add_parser("returns", help="register returned debits from a CSV")
        p.add_argument("file", help="CSV: end_to_end_id, reason_code, date, amount")
        p.add_argument("--organisation")

    def handle(self, *args, **opts) -> None:
        org = _organisation(opts.get("organisation"))
        try:
            getattr(self, f"_{opts['action']}")(org, opts)
        except BatchInvalid as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems[:50])
            raise CommandError(f"{exc}\n{lines}") from exc
        except (Invalid, OSError) as exc:
            raise CommandError(getattr(exc, "nl", None) or str(exc)) from exc

    def _schedule(self, org: Organisation, opts: dict) -> None:
        lapsed = mandates_lapse(organisation_id=org.pk, on=opts["date"])
        n = collections_schedule_open_invoices(organisation_id=org.pk, on=opts["date"])
        self.stdout.write(f"{n} incasso's gepland; {lapsed} machtigingen vervallen.")

    def _export(self, org: Organisation, opts: dict) -> None:
        result = batch_export(
            organisation_id=org.pk, collection_date=opts["date"], out=Path(opts["out"])
        )
        self.stdout.write(result.message)

    def _settle(self, org: Organisation, opts: dict) -> None:
        result = collections_settle(organisation_id=org.pk, on=opts["date"])
        self.stdout.write(
            f"{result.count} incasso's afgeschreven ({format_euro(result.total_cents)})."
        )

    def _returns(self, org: Organisation, opts: dict) -> None:
        report = returns_import_csv(organisation_id=org.pk, path=opts["file"])
        self.stdout.write(
            f"{report.registered} storneringen geboekt, {report.already_known} waren al bekend,"
            f" {len(report.errors)} regels met fouten."
        )
        for lineno, message in report.errors:
            self.stderr.write(f"regel {lineno}: {message}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} regels niet verwerkt (zie hierboven)")
