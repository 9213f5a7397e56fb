"""Benchmark: 100 concurrent users on the portal overview, next to a trivial Django view.

Usage::

    .venv/bin/python bench/bench_portal.py [--users 100] [--seconds 10] [--postgres]

Builds a throwaway database (SQLite file, or with ``--postgres`` a fresh
``vangnet_bench_portal`` database that is dropped afterwards) with one customer per user
(an account, three overdue invoices, an open case), starts ``vangnet serve`` (waitress,
8 threads, as in production) on a free loopback port in a subprocess, signs every user
in through a magic link (own session cookie), and lets them all load
``/portaal/overzicht/`` in a loop for ``--seconds``; then the same for
``/portaal/gezond/`` (no database, no template) as the baseline of Django + waitress on
this machine. Prints requests/s, p50/p95/p99 latency and errors for both.

The client is plain threads with ``http.client`` keep-alive connections (no ``wrk``
needed); it shares the machine with the server, so compare the two lines of one run,
not runs on different machines.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from _throwaway import throwaway_database

PG_DATABASE = "vangnet_bench_portal"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def populate(users: int) -> list[str]:
    """One customer per user; returns their magic-link paths."""
    from django.utils import timezone

    from vangnet.ledger.models import Account, Customer, Invoice
    from vangnet.parties.models import Address, Organisation, Person
    from vangnet.portal.tokens import portal_link_create
    from vangnet.strategy.models import Case

    today = timezone.localdate()
    org = Organisation.objects.create(name="Water Bench", slug="water-bench")
    paths = []
    for i in range(users):
        addr = Address.objects.create(
            street="Laan", house_number=i + 1, postcode="3511 AB", city="Utrecht"
        )
        person = Person.objects.create(
            given_name="Klant", surname=f"Nummer {i}", date_of_birth=date(1980, 1, 1), address=addr
        )
        cust = Customer.objects.create(organisation=org, number=f"B{i:05d}", person=person)
        acc = Account.objects.create(
            organisation=org, customer=cust, number=f"C{i:05d}", supply_address=addr
        )
        Invoice.objects.bulk_create(
            Invoice(
                organisation=org,
                account=acc,
                number=f"F{i:05d}-{m}",
                issue_date=today - timedelta(days=30 * m + 44),
                due_date=today - timedelta(days=30 * m + 30),
                amount_cents=3150,
                open_amount_cents=3150,
                description=f"Water maand {m + 1}",
            )
            for m in range(3)
        )
        Case.objects.create(
            organisation=org,
            account=acc,
            opened_on=today,
            arrears_cents=9450,
            arrears_since=today - timedelta(days=90),
        )
        paths.append(urlsplit(portal_link_create(customer=cust)).path)
    return paths


def sign_in(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    cookies = [v.split(";", 1)[0] for k, v in resp.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    if resp.status != 302 or not cookies:
        raise RuntimeError(f"sign-in failed: {resp.status}")
    return "; ".join(cookies)


def load(port: int, path: str, cookies: list[str], seconds: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    start = threading.Barrier(len(cookies) + 1)
    stop_at = [0.0]

    def user(cookie: str) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        start.wait()
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - t0)
            bad += not ok
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=user, args=(c,)) for c in cookies]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + seconds
    start.wait()
    for t in threads:
        t.join()
    return latencies, errors


def report(name: str, latencies: list[float], errors: int, seconds: float) -> None:
    lat = sorted(latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else lat * 99
    print(
        f"{name:<24} {len(lat) / seconds:8.1f} req/s  p50 {q[49] * 1000:7.1f} ms  "
        f"p95 {q[94] * 1000:7.1f} ms  p99 {q[98] * 1000:7.1f} ms  "
        f"requests {len(lat):,}  errors {errors}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.db import connection, connections

        paths = populate(args.users)
        connections.close_all()
        port = free_port()
        env = {**os.environ, "DEBUG": "0", "VANGNET_DEBUG": "0"}
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/vangnet"),
                "serve",
                "--port",
                str(port),
                "--threads",
                str(args.threads),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.time() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.time() > deadline or server.poll() is not None:
                        raise RuntimeError("server did not start") from None
                    time.sleep(0.2)
            cookies = [sign_in(port, p) for p in paths]
            print(
                f"database {connection.vendor}, {args.users} users, {args.seconds:.0f} s "
                f"per page, waitress {args.threads} threads, {os.cpu_count()} CPUs"
            )
            for name, path in (
                ("overview /overzicht/", "/portaal/overzicht/"),
                ("trivial /gezond/", "/portaal/gezond/"),
            ):
                # Let waitress reap the previous phase's closed connections first: its
                # connection_limit is 100, and new ones beyond it wait (time-outs).
                time.sleep(3)
                load(port, path, cookies[:5], 1.0)  # warm-up
                time.sleep(1)
                lat, errors = load(port, path, cookies, args.seconds)
                report(name, lat, errors, args.seconds)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
