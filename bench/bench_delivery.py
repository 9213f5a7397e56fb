"""Benchmark: outbox enqueue rate and delivery throughput (messages/s).

Usage::

    .venv/bin/python bench/bench_delivery.py [--actions N] [--deliver M] [--workers K]
                                             [--sms S] [--postgres]

Builds a throwaway database (SQLite file, or with ``--postgres`` a fresh database
``vangnet_bench_delivery`` on 127.0.0.1:5432 that it drops afterwards), writes N planned
e-mail actions (default 100,000) with their people, cases and contact points in bulk,
then times:

1. ``outbox_enqueue_due`` over all N actions (rows/s; a plain renderer stands in for
   the template engine, so this is the outbox's own cost: query, contact points, bulk
   insert);
2. delivery of M e-mails (default 3,000) by one in-process worker to a local aiosmtpd
   server (messages/s, SMTP connection reused per batch, one commit per message);
3. delivery of another M e-mails by K ``vangnet deliver`` processes in parallel
   (default 4; on SQLite they serialise on the write lock);
4. delivery of S SMS (default 1,000) through the real CM adapter to the local CM
   sandbox server (``messaging.channels.sandbox.cm_server``), when it is installed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from _throwaway import throwaway_database

PG_DATABASE = "vangnet_bench_delivery"
VANGNET = str(Path(sys.executable).with_name("vangnet"))
SINK_ARGS = [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink"]
WORKER_ARGS = [VANGNET, "deliver", "--drain", "--no-enqueue", "--sleep", "0.05"]


def render_plain(action):
    from vangnet.messaging.types import RenderedMessage

    return RenderedMessage(
        subject="Uw rekening staat nog open",
        text=f"Beste klant,\n\nEr staat nog een bedrag open ({action.template}).\n",
        html=f"<p>Beste klant,</p><p>Er staat nog een bedrag open ({action.template}).</p>",
        template_code=action.template,
        template_version_id=1,
    )


def build(n: int) -> None:
    """N people with e-mail and mobile, each with an open case and a planned e-mail."""
    from django.db import transaction
    from django.utils import timezone

    from vangnet.ledger.models import Account, Customer
    from vangnet.parties.models import ContactPoint, Organisation, Person
    from vangnet.strategy.models import Action, Case

    org = Organisation.objects.create(
        name="Waterbedrijf Benchmark", slug="bench", contact_email="post@water.example"
    )
    now = timezone.now()
    chunk = 10_000
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        with transaction.atomic():
            people = Person.objects.bulk_create(
                Person(surname=f"Persoon {start + i}") for i in range(size)
            )
            ContactPoint.objects.bulk_create(
                [
                    ContactPoint(person=p, kind="email", value=f"p{start + i}@example.nl")
                    for i, p in enumerate(people)
                ]
                + [
                    ContactPoint(person=p, kind="mobile", value=f"+3161{start + i:07d}")
                    for i, p in enumerate(people)
                ]
            )
            customers = Customer.objects.bulk_create(
                Customer(organisation=org, number=f"K{start + i}", person=p)
                for i, p in enumerate(people)
            )
            accounts = Account.objects.bulk_create(
                Account(organisation=org, customer=c, number=c.number) for c in customers
            )
            cases = Case.objects.bulk_create(
                Case(organisation=org, account=a, opened_on=now.date()) for a in accounts
            )
            Action.objects.bulk_create(
                Action(
                    organisation=org,
                    case=c,
                    action_type="message",
                    channel="email",
                    template="water-friendly-nudge",
                    run_date=now.date(),
                    scheduled_for=now,
                    idempotency_key=f"bench:{c.pk}",
                    created_at=now,
                )
                for c in cases
            )


class SmtpSink:
    """aiosmtpd (``Sink`` handler) in its own process, so the server does not share the
    worker's interpreter lock; what was sent is counted in the outbox."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    def __enter__(self) -> SmtpSink:
        import socket

        self.proc = subprocess.Popen([*SINK_ARGS, "-l", f"127.0.0.1:{self.port}"])
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def release(m: int, *, channel: str = "email") -> None:
    """Make the next ``m`` parked rows pending again (set-based)."""
    from django.db.models import Subquery

    from vangnet.messaging.models import OutboxMessage

    ids = OutboxMessage.objects.filter(status="cancelled").order_by("pk").values("pk")[:m]
    changes: dict = {"status": "pending", "finished_at": None}
    if channel == "sms":
        changes["channel"] = "sms"
    if channel == "sms":
        from django.db.models import OuterRef

        from vangnet.parties.models import ContactPoint

        mobile = ContactPoint.objects.filter(person_id=OuterRef("person_id"), kind="mobile")
        changes["recipient"] = Subquery(mobile.values("value")[:1])
        changes["contact_point_id"] = Subquery(mobile.values("pk")[:1])
    OutboxMessage.objects.filter(pk__in=Subquery(ids)).update(**changes)


def deliver_in_process(m: int) -> tuple[int, float]:
    from django.utils import timezone

    from vangnet.messaging.delivery import outbox_deliver_batch

    sent, began = 0, time.perf_counter()
    while True:
        stats = outbox_deliver_batch(worker_id="bench", batch_size=100, now=timezone.now())
        sent += stats.sent
        if not stats.claimed:
            break
    return sent, time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=int(os.environ.get("BENCH_SIZE") or 100_000))
    parser.add_argument("--deliver", type=int, default=3_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--sms", type=int, default=1_000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.conf import settings
        from django.db import connection, connections
        from django.utils import timezone

        from vangnet.messaging.models import OutboxMessage
        from vangnet.messaging.services import outbox_enqueue_due

        vendor = connection.vendor
        began = time.perf_counter()
        build(args.actions)
        print(
            f"built {args.actions:,} planned actions"
            f" in {time.perf_counter() - began:.1f} s ({vendor})"
        )

        began = time.perf_counter()
        stats = outbox_enqueue_due(now=timezone.now(), limit=args.actions, render=render_plain)
        took = time.perf_counter() - began
        print(
            f"enqueue: {stats.created:,} outbox rows in {took:.1f} s: "
            f"{stats.created / took:,.0f} rows/s ({vendor})"
        )
        # Park everything; each round releases the rows it delivers.
        OutboxMessage.objects.update(status="cancelled")

        with SmtpSink() as smtp:
            settings.VANGNET_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
            import vangnet.messaging.channels.email  # noqa: F401

            release(args.deliver)
            sent, took = deliver_in_process(args.deliver)
            print(
                f"deliver e-mail, 1 worker in-process: {sent:,} in {took:.1f} s: "
                f"{sent / took:,.0f} messages/s ({vendor}, aiosmtpd)"
            )

            release(args.deliver)
            connections.close_all()
            env = dict(
                os.environ,
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(smtp.port),
                VANGNET_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            )
            began = time.perf_counter()
            procs = [
                subprocess.Popen(
                    [*WORKER_ARGS, "--worker-id", f"bench{k}"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
                for k in range(args.workers)
            ]
            for proc in procs:
                proc.wait()
            took = time.perf_counter() - began
            got = OutboxMessage.objects.filter(status="sent").count() - sent
            print(
                f"deliver e-mail, {args.workers} worker processes: {got:,} in {took:.1f} s "
                f"(incl. ~1 s start-up): {got / took:,.0f} messages/s ({vendor}, aiosmtpd)"
            )

        try:
            from vangnet.messaging.channels.sandbox.cm_server import start_server
        except ImportError:
            print("SMS: CM sandbox not installed; skipped")
            return 0
        server, base_url = start_server(token="bench-token")
        try:
            settings.VANGNET_CM_BASE_URL, settings.VANGNET_CM_PRODUCT_TOKEN = (
                base_url,
                "bench-token",
            )
            release(args.sms, channel="sms")
            sent, took = deliver_in_process(args.sms)
            print(
                f"deliver SMS, 1 worker in-process: {sent:,} in {took:.1f} s: "
                f"{sent / took:,.0f} messages/s ({vendor}, CM sandbox over HTTP)"
            )
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
