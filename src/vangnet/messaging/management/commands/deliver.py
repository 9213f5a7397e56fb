"""``vangnet deliver``: the delivery worker loop (enqueue due actions, deliver the outbox).

Run as many as you like side by side (PostgreSQL): each claims its own rows. SIGTERM or
Ctrl-C stops after the message in hand; the rest of the batch is given back.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from vangnet.messaging import conf
from vangnet.messaging.delivery import DeliveryStats, outbox_deliver_batch, outbox_in_flight
from vangnet.messaging.services import outbox_enqueue_due


class Command(BaseCommand):
    help = (
        "Bezorgt de berichten in de outbox: zet geplande acties klaar en geeft ze aan het "
        "kanaal (e-mail, sms, brief …). Stopt netjes bij SIGTERM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="één ronde en stoppen")
        parser.add_argument(
            "--drain",
            action="store_true",
            help="doorgaan tot niets meer klaarstaat of wordt verzonden, dan stoppen",
        )
        parser.add_argument("--batch", type=int, default=None, help="berichten per claim")
        parser.add_argument(
            "--sleep", type=float, default=None, help="seconden wachten als er niets is"
        )
        parser.add_argument(
            "--worker-id", default="", help="naam van deze werker (standaard host:pid)"
        )
        parser.add_argument(
            "--no-enqueue", action="store_true", help="geen acties klaarzetten, alleen bezorgen"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"] or f"{socket.gethostname()}:{os.getpid()}"
        batch = options["batch"] or conf.batch_size()
        pause = conf.idle_sleep_seconds() if options["sleep"] is None else options["sleep"]
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        total = DeliveryStats()
        while not stopping:
            now = timezone.now()
            if not options["no_enqueue"]:
                outbox_enqueue_due(now=now)
            stats = outbox_deliver_batch(
                worker_id=worker_id, batch_size=batch, now=now, should_stop=lambda: stopping
            )
            total.add(stats)
            if options["once"]:
                break
            if stats.claimed == 0:
                if options["drain"] and not outbox_in_flight(now=timezone.now()):
                    break
                # Sleep in small steps so SIGTERM is honoured quickly.
                end = time.monotonic() + pause
                while not stopping and time.monotonic() < end:
                    time.sleep(min(0.2, pause))
        self.stdout.write(
            f"{worker_id}: {total.sent} verzonden, {total.retried} opnieuw gepland, "
            f"{total.failed} mislukt ({total.fallbacks} via ander kanaal), "
            f"{total.cancelled} geannuleerd, {total.expired} verlopen, "
            f"{total.reclaimed} overgenomen, {total.released} teruggegeven"
        )
