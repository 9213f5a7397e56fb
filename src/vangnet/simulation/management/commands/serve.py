"""`vangnet serve`: serve the app with waitress (static files through whitenoise)."""

from __future__ import annotations

import contextlib
import signal

from django.core.management.base import BaseCommand, CommandParser


def _stop(signum: int, frame: object) -> None:
    """SIGTERM (docker stop, systemd, kill) stops as cleanly as Ctrl-C."""
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Start de webserver (waitress) voor vangnet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options) -> None:
        # Imported here: loading the WSGI app (and waitress) is only needed to serve.
        from waitress import serve

        from vangnet.conf.wsgi import application

        self.check_migrations()
        host, port = options["host"], options["port"]
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(
            self.style.SUCCESS(f"vangnet draait op http://{shown_host}:{port}/")
            + " — stop met Ctrl-C."
        )
        self.stdout.flush()
        signal.signal(signal.SIGTERM, _stop)
        with contextlib.suppress(KeyboardInterrupt):
            serve(
                application,
                host=host,
                port=port,
                threads=options["threads"],
                ident="vangnet",
                clear_untrusted_proxy_headers=True,
                # 100 simultaneous phones on the portal must not queue behind the
                # default limit of 100 connections (measured: bench/bench_portal.py).
                connection_limit=1000,
            )
        self.stdout.write("vangnet gestopt.")
