"""``vangnet signals_in templates|process|brp|outreach|feedback|purge|partner|daily``.

The municipal daily chain: ``process`` (match + bundle new signals), ``brp`` (the
pluggable BRP checker; the manual one leaves everything to staff), ``outreach`` (the
next step per melding), ``feedback`` (post pending feedback to creditors), ``purge``
(retention). ``daily`` runs them in that order. Each is idempotent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

LIBRARY = Path(__file__).resolve().parents[2] / "library"


class Command(BaseCommand):
    help = "Vroegsignalering (municipality): templates, processing, outreach, feedback, purge."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("templates", help="Load the municipal outreach templates (muni_*).")
        for name in ("process", "brp", "outreach", "feedback", "purge", "daily"):
            p = sub.add_parser(name)
            p.add_argument("--on", type=date.fromisoformat, default=None)
        partner = sub.add_parser("partner", help="Register a signal partner; prints its secret.")
        partner.add_argument("--name", required=True)
        partner.add_argument("--type", required=True, help="DDAS signaalpartner type, e.g. Water")
        partner.add_argument("--key-id", required=True)
        partner.add_argument("--feedback-url", default="")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "templates":
            from vangnet.messaging.content.library import LibraryError, library_load

            try:
                result = library_load(directory=LIBRARY)
            except LibraryError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"created {len(result.templates_created)}, new versions "
                f"{len(result.versions_created)}, unchanged {len(result.unchanged)}, "
                f"kept {len(result.kept)}"
            )
            return
        if action == "partner":
            from vangnet.signals import ddas
            from vangnet.signals.incoming.intake import partner_create

            if options["type"] not in ddas.PARTNER_TYPES:
                raise CommandError(f"--type must be one of: {', '.join(ddas.PARTNER_TYPES)}")
            partner, secret = partner_create(
                name=options["name"],
                partner_type=options["type"],
                key_id=options["key_id"],
                feedback_url=options["feedback_url"],
            )
            self.stdout.write(f"partner {partner.pk} key id {partner.key_id}")
            self.stdout.write(f"secret (shown once, give it to the partner): {secret}")
            return
        on = options.get("on") or timezone.localdate()
        steps = (
            ["process", "brp", "outreach", "feedback", "purge"] if action == "daily" else [action]
        )
        for step in steps:
            self.stdout.write(f"{step}: {self._run(step, on)}")

    def _run(self, step: str, on: date) -> object:
        if step == "process":
            from vangnet.signals.incoming.meldingen import signals_process

            return signals_process(on=on)
        if step == "brp":
            from vangnet.signals.incoming.meldingen import ManualBrpChecker, brp_check_run

            return brp_check_run(checker=ManualBrpChecker(), on=on)
        if step == "outreach":
            from vangnet.signals.incoming.outreach import meldingen_outreach_run

            return meldingen_outreach_run(on=on)
        if step == "feedback":
            from vangnet.signals.incoming.feedback import feedback_send_pending

            return feedback_send_pending()
        from vangnet.signals.incoming.privacy import signals_in_purge

        return signals_in_purge(on=on)
