"""`vangnet demo`: migrate, build the demo water company and print the demo logins."""

from __future__ import annotations

import sys
from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from vangnet.core.money import format_euro
from vangnet.ledger.selectors import aging_report
from vangnet.simulation.demo_messaging import demo_messaging_run, demo_statement_run
from vangnet.simulation.generator import Horizon
from vangnet.simulation.loader import today_default
from vangnet.simulation.services import demo_build, demo_users_ensure
from vangnet.strategy.defaults import strategy_defaults_ensure
from vangnet.strategy.run import daily_run

# 5,000 households × 24 months (~120,000 invoices, ~120,000 payments, ~480,000 rows)
# builds in about 14 s on SQLite (17 s for the whole command, measured on a shared
# two-core machine): enough for realistic aging and work queues, small enough that
# `make demo` is ready well within the two minutes the issue allows.
DEFAULT_HOUSEHOLDS = 5_000
DEFAULT_MONTHS = 24
DEFAULT_SEED = 2024


def _number(value: int) -> str:
    """Dutch thousands separator: 12.345."""
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Bouwt de demodatabase (Waterbedrijf Voorbeeld met klanten, facturen, betalingen "
        "en achterstanden) en toont de demo-inloggegevens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
        parser.add_argument("--months", type=int, default=DEFAULT_MONTHS)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Peildatum JJJJ-MM-DD (standaard vandaag): de laatste maand eindigt hier.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Verwijder de bestaande demogegevens en bouw ze opnieuw op.",
        )

    def handle(self, *args, **options) -> None:
        households: int = options["households"]
        months: int = options["months"]
        if households < 1 or months < 1:
            raise CommandError("--households en --months moeten minstens 1 zijn.")
        today: date = options["today"] or today_default()
        horizon = Horizon(today=today, months=months)
        out = self.stdout

        out.write("Database bijwerken (migrate) …")
        call_command("migrate", interactive=False, verbosity=0)

        # Small chunks for a demo-sized build so the terminal shows it moving.
        chunk_size = 1000 if households <= 20_000 else 10_000
        show_progress = households > chunk_size and options["verbosity"] >= 1

        def progress(done: int, total: int, seconds: float) -> None:
            if show_progress:
                rate = done / seconds if seconds else 0
                sys.stderr.write(
                    f"\r  {_number(done)} / {_number(total)} huishoudens"
                    f" ({seconds:.0f} s, {_number(int(rate))}/s)"
                )
                if done == total:
                    sys.stderr.write("\n")
                sys.stderr.flush()

        out.write(
            f"Demogegevens opbouwen: {_number(households)} huishoudens, {months} maanden "
            f"t/m {today:%d-%m-%Y} (seed {options['seed']}) …"
        )
        result = demo_build(
            households=households,
            horizon=horizon,
            seed=options["seed"],
            reset=options["reset"],
            chunk_size=chunk_size,
            progress=progress,
        )
        organisation = result.organisation
        if not result.built:
            out.write(
                self.style.WARNING(
                    f"{organisation.name} heeft al {_number(result.existing_accounts)} "
                    "contracten; niets opnieuw opgebouwd. Gebruik --reset om de "
                    "demogegevens te vervangen."
                )
            )
        else:
            stats = result.stats
            assert stats is not None
            out.write(
                self.style.SUCCESS(
                    f"Klaar in {stats.seconds:.1f} s ({connection.vendor}): "
                    f"{_number(stats.households)} huishoudens, "
                    f"{_number(stats.persons)} personen, "
                    f"{_number(stats.accounts)} contracten, "
                    f"{_number(stats.invoices)} facturen, "
                    f"{_number(stats.payments)} betalingen "
                    f"(waarvan {_number(stats.reversed_payments)} gestorneerd)."
                )
            )

        report = aging_report(organisation_id=organisation.pk, today=today)
        out.write("")
        out.write(f"Achterstanden bij {organisation.name} op {today:%d-%m-%Y}:")
        out.write(
            f"  {_number(report.accounts_in_arrears)} contracten met achterstand, "
            f"totaal {format_euro(report.total_overdue_cents)} "
            f"(nog niet vervallen: {format_euro(report.not_due_cents)})"
        )
        for bucket in report.buckets:
            out.write(
                f"  {bucket.label + ' dagen':>12}: {_number(bucket.account_count):>7} contracten, "
                f"{format_euro(bucket.amount_cents):>14} in {_number(bucket.invoice_count)} "
                "facturen"
            )

        # The engine as far as it is built: shipped segments and journeys, then today's
        # daily run, so the account pages show dossiers with their first steps.
        strategy_defaults_ensure()
        summary = daily_run(organisation=organisation, run_date=today)
        out.write("")
        out.write(
            f"Dagelijkse run {today:%d-%m-%Y}: {_number(summary.opened)} dossiers geopend, "
            f"{_number(summary.open_cases)} open, {_number(summary.planned)} acties gepland, "
            f"{_number(sum(summary.blocked.values()))} tegengehouden door regels."
        )

        # Messages as far as messaging is built: the shipped Dutch library, today's
        # outbox rendered from the run's actions, and a first delivery round through the
        # real channel adapters (e-mail to files, SMS to the local provider sandbox,
        # letters into the print batch, calls and visits into the work queues).
        messaging = demo_messaging_run(organisation=organisation, now=timezone.now())
        channels = ", ".join(
            f"{name} {_number(count)}" for name, count in sorted(messaging.by_channel.items())
        )
        out.write(
            f"Berichten: {_number(messaging.enqueued)} klaargezet ({channels or 'geen'}), "
            f"{_number(messaging.delivered)} verstuurd, "
            f"{_number(messaging.letters_in_batch)} brieven in de printbatch."
        )

        # This morning's bank statement as a real CAMT.053 file, imported and reconciled.
        statement = demo_statement_run(organisation=organisation, on=today)
        out.write(
            f"Bankafschrift {statement.path}: {statement.summary} "
            f"({_number(statement.unmatched)} naar de wachtrij voor handmatig koppelen)."
        )

        logins = demo_users_ensure()
        rows = [f"{login.username:<20} {login.password:<14} {login.role}" for login in logins]
        title = "Demo-inloggegevens (alleen voor de demo!)"
        url = "Open http://127.0.0.1:8000 na `vangnet serve`."
        width = max(len(r) for r in [*rows, title, url]) + 2
        out.write("")
        out.write("┌" + "─" * width + "┐")
        out.write("│ " + title.ljust(width - 1) + "│")
        out.write("├" + "─" * width + "┤")
        out.write("│ " + f"{'gebruiker':<20} {'wachtwoord':<14} rol".ljust(width - 1) + "│")
        for row in rows:
            out.write("│ " + row.ljust(width - 1) + "│")
        out.write("├" + "─" * width + "┤")
        out.write("│ " + url.ljust(width - 1) + "│")
        out.write("└" + "─" * width + "┘")
        out.write(
            "Deze wachtwoorden zijn openbaar en alleen bedoeld voor deze demo; "
            "gebruik ze nooit in productie."
        )
