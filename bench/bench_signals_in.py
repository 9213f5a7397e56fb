"""Benchmark: the municipal intake chain for a month of signals.

Usage::

    .venv/bin/python bench/bench_signals_in.py [--signals N] [--postgres]

N defaults to $BENCH_SIZE or 20,000 (a month for a city of ~5 million residents at the
Divosa rate of 4 per 1,000; a large municipality sees a few thousand). Builds a
throwaway database, creates two partners, then times: the staff CSV upload (parse +
validate + bulk insert), ``signals_process`` (matching + bundling + new residents),
confirming the BRP check for all meldingen, the first ``meldingen_outreach_run``
(messages and tasks), ``monitor_figures`` and the DDAS export + validation. One line
per figure.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from _throwaway import throwaway_database

PG_DATABASE = "vangnet_bench_signals_in"
SURNAMES = ["Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer"]


def _csv(n: int, *, seed: int, offset: int) -> bytes:
    rng = random.Random(seed)
    lines = [
        "id;signalled_on;amount;surname;initials;date_of_birth;street;house_number;"
        "postcode;city;phone;crisis"
    ]
    for i in range(n):
        house = rng.randint(1, int(n * 0.8) + 1)  # some addresses get more than one signal
        pc = f"{3500 + house % 90}{'ABCDEFGHJK'[house // 90 % 10]}{'LMNPRTVWXZ'[house // 900 % 10]}"
        lines.append(
            f"S-{offset + i};2026-03-02;{rng.randint(50, 2500)},00;{SURNAMES[house % 8]};"
            f"{'ABCDE'[house % 5]}.;19{50 + house % 50}-0{1 + house % 9}-1{house % 9};"
            f"Dorpsstraat;{house // 9000 + 1};{pc};Utrecht;+3161{house:07d}"[:200]
            + (";true" if i % 50 == 0 else ";false")
        )
    return "\n".join(lines).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=int(os.environ.get("BENCH_SIZE") or 20_000))
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.core.management import call_command
        from django.db import connection, connections

        from vangnet.parties.models import Organisation
        from vangnet.signals import ddas
        from vangnet.signals.incoming.intake import partner_create, signals_import
        from vangnet.signals.incoming.meldingen import melding_brp_decide, signals_process
        from vangnet.signals.incoming.models import Melding
        from vangnet.signals.incoming.monitoring import ddas_document, monitor_figures
        from vangnet.signals.incoming.outreach import meldingen_outreach_run

        vendor = connection.vendor
        n = args.signals
        Organisation.objects.create(
            name="Gemeente Utrecht", slug="utrecht", kind="municipality", municipality_code="0344"
        )
        with open(os.devnull, "w") as quiet:
            call_command("signals_in", "templates", stdout=quiet)
        water, _ = partner_create(name="Water", partner_type="Water", key_id="w")
        rent, _ = partner_create(name="Huur", partner_type="Huur", key_id="h")
        now = datetime(2026, 3, 9, 10, tzinfo=ZoneInfo("Europe/Amsterdam"))
        on = date(2026, 3, 9)

        def timed(label, fn):
            began = time.perf_counter()
            result = fn()
            seconds = time.perf_counter() - began
            return result, seconds

        half = n // 2
        (r1, t1) = timed(
            "",
            lambda: signals_import(
                partner=water, data=_csv(half, seed=1, offset=0), kind="csv", now=now, today=on
            ),
        )
        (r2, t2) = timed(
            "",
            lambda: signals_import(
                partner=rent,
                data=_csv(n - half, seed=1, offset=half),
                kind="csv",
                now=now,
                today=on,
            ),
        )
        received = r1.outcomes.get("received", 0) + r2.outcomes.get("received", 0)
        print(
            f"upload {received:,} signals (2 CSV files): {t1 + t2:.2f} s, "
            f"{received / (t1 + t2):,.0f} signals/s, "
            f"{len(r1.errors) + len(r2.errors)} errors ({vendor})"
        )
        report, t = timed("", lambda: signals_process(on=on, now=now))
        print(
            f"signals_process {report.signals:,} signals -> "
            f"{report.meldingen_created:,} meldingen: "
            f"{t:.2f} s, {report.signals / t:,.0f} signals/s ({vendor})"
        )
        meldingen = list(Melding.objects.all())
        began = time.perf_counter()
        for m in meldingen:
            melding_brp_decide(melding=m, decision="confirmed", on=on)
        t = time.perf_counter() - began
        print(f"BRP confirm {len(meldingen):,} meldingen one by one: {t:.2f} s ({vendor})")
        run, t = timed("", lambda: meldingen_outreach_run(on=on, now=now))
        print(
            f"outreach run over {run.due:,} meldingen: {t:.2f} s, {run.messages:,} messages, "
            f"{run.tasks:,} tasks ({vendor})"
        )
        figures, t = timed(
            "",
            lambda: monitor_figures(
                municipality_code="0344",
                start=date(2026, 3, 1),
                end=date(2026, 3, 31),
                residents=360_000,
            ),
        )
        print(f"monitor_figures over {figures.meldingen:,} meldingen: {t:.2f} s ({vendor})")
        document, t = timed(
            "",
            lambda: ddas_document(
                municipality_code="0344", start=date(2026, 3, 1), end=date(2026, 3, 31)
            ),
        )
        errors, tv = timed("", lambda: ddas.validate(document))
        print(
            f"DDAS export build {t:.2f} s + validate {tv:.2f} s, "
            f"{len(errors)} schema errors ({vendor})"
        )
        connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
