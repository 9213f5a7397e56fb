"""``vangnet signals <create-due|deliver|sync|export>``: the creditor side's batch steps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Early signals to municipalities: create due, deliver, sync, export files."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="step", required=True)
        for name in ("create-due", "sync"):
            p = sub.add_parser(name)
            p.add_argument("--organisation", type=int, required=True, help="organisation id")
            p.add_argument("--date", type=date.fromisoformat, default=None)
        sub.add_parser("deliver")
        p = sub.add_parser("export")
        p.add_argument("--format", choices=["ris", "vps", "json"], required=True)
        p.add_argument("--date", type=date.fromisoformat, default=None)
        p.add_argument("--out", type=Path, required=True)

    def handle(self, *args, **opts) -> None:
        step = opts["step"]
        on = opts.get("date") or timezone.localdate()
        if step == "create-due":
            from vangnet.signals.outgoing.gate import signals_create_due

            result = signals_create_due(organisation_id=opts["organisation"], on=on).as_dict()
        elif step == "sync":
            from vangnet.signals.outgoing.services import signals_sync

            result = signals_sync(organisation_id=opts["organisation"], on=on).as_dict()
        elif step == "deliver":
            from vangnet.signals.outgoing.delivery import signals_deliver

            result = signals_deliver().as_dict()
        else:
            from vangnet.signals.outgoing.export import signals_export

            try:
                result = {"exported": signals_export(fmt=opts["format"], on=on, out=opts["out"])}
            except (ValueError, OSError) as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
