"""``vangnet plans monitor --date D`` and ``vangnet plans costs --date D``.

Both are idempotent: run them as often as you like for a day. Without ``--organisation``
every organisation is processed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vangnet.arrangements.costs import costs_charge_due
from vangnet.arrangements.monitor import plans_monitor
from vangnet.parties.models import Organisation


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"ongeldige datum / invalid date {text!r} (JJJJ-MM-DD)") from exc


class Command(BaseCommand):
    help = "Betalingsregelingen bewaken en incassokosten boeken."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("monitor", "betalingen aan termijnen toewijzen; herinneren, verbreken, afronden"),
            ("costs", "toegestane acties 'incassokosten rekenen' in de administratie boeken"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument(
                "--date", type=_date, default=None, help="JJJJ-MM-DD (standaard: vandaag)"
            )
            p.add_argument("--organisation", default=None, help="slug van de organisatie")

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["date"] or timezone.localdate()
        orgs = Organisation.objects.order_by("pk")
        if options["organisation"]:
            orgs = orgs.filter(slug=options["organisation"])
            if not orgs.exists():
                raise CommandError(
                    f"onbekende organisatie / unknown organisation {options['organisation']!r}"
                )
        for org in orgs:
            if options["action"] == "monitor":
                s = plans_monitor(organisation_id=org.pk, on=on)
                self.stdout.write(
                    f"{org.slug} {on}: {s.plans} regelingen, {s.instalments_changed} termijnen "
                    f"bijgewerkt, {s.reminders} herinneringen, {s.breached} verbroken, "
                    f"{s.completed} nagekomen"
                )
            else:
                c = costs_charge_due(organisation_id=org.pk, on=on)
                self.stdout.write(
                    f"{org.slug} {on}: {c.charged} gerekend, {c.waived} kwijtgescholden, "
                    f"{c.refused} geweigerd, {c.interest} rente"
                )
