"""Benchmark: the channel adapters — SMS through the CM sandbox, letters, the print batch,
inbound replies.

Usage::

    .venv/bin/python bench/bench_channels.py [--sms N] [--letters N] [--replies N]
                                             [--threads T] [--postgres]

Builds a throwaway database (see ``_throwaway.py``), N people with an address, a mobile
number and an open case, and starts the local CM server. Then it times:

* SMS hand-overs through the real adapter over HTTP (T threads, as T delivery workers);
* letters rendered with WeasyPrint and queued (one process: rendering is CPU-bound);
* building the day's print batch (merge + manifest) from those letters;
* inbound replies registered (match by phone, timeline event, reply task).

Each figure is printed as one line.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

from _throwaway import throwaway_database

PG_DATABASE = "vangnet_bench_channels"
DAY = date(2025, 6, 10)


def people(organisation, n: int) -> list:
    """N debtors with address, mobile and an open case, written in bulk."""
    from vangnet.ledger.models import Account, Customer
    from vangnet.parties.models import Address, ContactPoint, Person
    from vangnet.strategy.models import Case

    addresses = Address.objects.bulk_create(
        Address(
            street="Dorpsstraat",
            house_number=i + 1,
            postcode=f"{1000 + i % 8999} AB",
            city="Utrecht",
        )
        for i in range(n)
    )
    persons = Person.objects.bulk_create(
        Person(initials="A.", given_name="Anna", surname=f"Klant{i}", address=a)
        for i, a in enumerate(addresses)
    )
    customers = Customer.objects.bulk_create(
        Customer(organisation=organisation, number=f"K{i:07d}", person=p)
        for i, p in enumerate(persons)
    )
    accounts = Account.objects.bulk_create(
        Account(organisation=organisation, customer=c, number=c.number) for c in customers
    )
    ContactPoint.objects.bulk_create(
        ContactPoint(person=p, kind="mobile", value=f"+3161{i:07d}") for i, p in enumerate(persons)
    )
    return Case.objects.bulk_create(
        Case(organisation=organisation, account=a, opened_on=DAY) for a in accounts
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sms", type=int, default=2000)
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres) as home:
        from django.conf import settings
        from django.db import connection, connections

        from vangnet.messaging.channels.inbound import Incoming, inbound_register
        from vangnet.messaging.channels.letter import letter_queue
        from vangnet.messaging.channels.printing import print_batch_build
        from vangnet.messaging.channels.sandbox.cm_server import start_server
        from vangnet.messaging.registry import adapter_for
        from vangnet.messaging.types import OutgoingMessage, RenderedMessage
        from vangnet.parties.models import Organisation

        vendor = connection.vendor
        organisation = Organisation.objects.create(name="Waterbedrijf Benchmark", slug="bench")
        cases = people(organisation, max(args.letters, args.replies, 1))

        server, base_url = start_server(token="bench")
        settings.VANGNET_CM_BASE_URL = base_url
        settings.VANGNET_CM_PRODUCT_TOKEN = "bench"
        settings.VANGNET_PRINT_DIR = tempfile.mkdtemp(dir=home)

        adapter = adapter_for("sms")
        text = "Hallo Anna, uw rekening van € 42,50 staat nog open. Betaal via de link of bel ons."

        def send(i: int) -> None:
            adapter.send(
                OutgoingMessage(f"bench-sms-{i}", "sms", f"+3161{i % 9_999_999:07d}", "", text)
            )

        began = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(send, range(args.sms)))
        sms_s = time.perf_counter() - began
        assert len(server.messages()) == args.sms
        print(
            f"sms via CM sandbox: {args.sms:,} messages in {sms_s:.2f} s, "
            f"{args.sms / sms_s:,.0f}/s with {args.threads} threads (HTTP on localhost)"
        )
        server.stop()

        body = "\n\n".join(
            [
                "Beste mevrouw Klant,",
                "Wij hebben uw betaling van € 42,50 nog niet ontvangen. Betaal binnen 14 dagen.",
                "Lukt dat niet? Bel ons, dan zoeken we samen een oplossing.",
                "Met vriendelijke groet,\nWaterbedrijf Benchmark",
            ]
        )
        rendered = RenderedMessage(subject="Uw rekening staat open", text=body, template_code="b")
        letter_queue(idempotency_key="warm-up", rendered=rendered, case=cases[0], on=DAY)
        began = time.perf_counter()
        for i in range(args.letters):
            letter_queue(
                idempotency_key=f"bench-letter-{i}", rendered=rendered, case=cases[i], on=DAY
            )
        letters_s = time.perf_counter() - began
        print(
            f"letters rendered + queued: {args.letters:,} in {letters_s:.2f} s, "
            f"{args.letters / letters_s:,.1f}/s ({vendor}, one process)"
        )

        began = time.perf_counter()
        result = print_batch_build(batch_date=DAY)
        batch_s = time.perf_counter() - began
        print(
            f"print batch: {result.letters:,} letters / {result.pages:,} pages merged in "
            f"{batch_s:.2f} s ({result.pdf_path.stat().st_size / 1e6:.1f} MB PDF)"
        )

        at = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)
        began = time.perf_counter()
        for i in range(args.replies):
            inbound_register(
                incoming=Incoming(
                    channel="sms",
                    sender=f"+3161{i:07d}",
                    body="Ik betaal vrijdag.",
                    received_at=at + timedelta(seconds=i),
                    provider_id=f"bench:{i}",
                )
            )
        replies_s = time.perf_counter() - began
        print(
            f"inbound replies matched + timelined + queued: {args.replies:,} in "
            f"{replies_s:.2f} s, {args.replies / replies_s:,.0f}/s ({vendor})"
        )
        connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
