"""Benchmark: plan_sends, the send window, assignments and rewards_refresh at volume.

Usage::

    .venv/bin/python bench/bench_engagement.py [--requests N] [--postgres]

N defaults to $BENCH_SIZE or 100,000. Builds a throwaway database (see ``_throwaway``),
starts a send-hour and a variant experiment, then times (median of ``--runs``):

- ``next_allowed_many`` alone for N rows (mixed channels, windows, a Sunday);
- ``plan_sends`` for N requests (both experiments apply: Thompson sampling + window);
- ``assignment_record`` for the 2·N assignments (once);
- ``reward_credit`` for 10 % of them and ``rewards_refresh`` counting all (once);
- ``shortlinks_create`` for N links (once);

and prints requests/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from _throwaway import throwaway_database
from _timing import median_seconds

PG_DATABASE = "vangnet_bench_engagement"
AMS = ZoneInfo("Europe/Amsterdam")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("BENCH_SIZE") or 100_000)
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    n = args.requests

    with throwaway_database(PG_DATABASE, postgres=args.postgres):
        from django.db import connection

        import numpy as np

        from vangnet.messaging.engagement.experiments import (
            SendRequest,
            assignment_record,
            experiment_create,
            plan_sends,
            reward_credit,
            rewards_refresh,
        )
        from vangnet.messaging.engagement.links import LinkRequest, shortlinks_create
        from vangnet.parties.models import Organisation
        from vangnet.rules.send_window import next_allowed_many

        vendor = connection.vendor
        org = Organisation.objects.create(name="Bench", slug="bench-engagement")
        day = datetime(2026, 3, 7, 0, 0, tzinfo=AMS)  # a Saturday: Sunday moves some
        experiment_create(
            organisation_id=org.pk,
            kind="send_hour",
            arms=["8", "10", "12", "14", "16", "18", "20"],
            now=day,
        )
        experiment_create(organisation_id=org.pk, kind="variant", arms=["A", "B", "C"], now=day)
        channels = ("sms", "email", "whatsapp", "letter")
        windows = (None, None, (dtime(18), dtime(20)), (dtime(9), dtime(17)))
        requests = [
            SendRequest(
                case_id=i,
                segment=("standaard", "kwetsbaar")[i % 2],
                channel=channels[i % 4],
                template_code="herinnering-1",
                variants=["A", "B", "C"],
                earliest=day + timedelta(days=i % 3),
                window=windows[(i // 4) % 4],
            )
            for i in range(n)
        ]
        desired = [r.earliest + timedelta(hours=7 + (i % 15)) for i, r in enumerate(requests)]
        t_window = median_seconds(
            lambda: next_allowed_many(
                channels=[r.channel for r in requests],
                desired=desired,
                windows=[r.window for r in requests],
            ),
            args.runs,
        )
        print(f"next_allowed_many: {n:,} rows in {t_window:.3f} s = {n / t_window:,.0f} rows/s")

        rng = np.random.default_rng(1)
        t_plan = median_seconds(
            lambda: plan_sends(organisation_id=org.pk, requests=requests, now=day, rng=rng),
            args.runs,
        )
        print(
            f"plan_sends: {n:,} requests in {t_plan:.3f} s"
            f" = {n / t_plan:,.0f} requests/s ({vendor})"
        )

        plans = plan_sends(organisation_id=org.pk, requests=requests, now=day, rng=rng)
        began = time.perf_counter()
        written = assignment_record(plans=plans, now=day, outbox_message_ids=list(range(1, n + 1)))
        t_rec = time.perf_counter() - began
        print(
            f"assignment_record: {written:,} rows in {t_rec:.2f} s = {written / t_rec:,.0f} rows/s"
        )

        clicked = list(range(1, n + 1, 10))
        began = time.perf_counter()
        credited = reward_credit(
            at=day + timedelta(days=3, hours=9), source="click", outbox_message_ids=clicked
        )
        t_credit = time.perf_counter() - began
        began = time.perf_counter()
        result = rewards_refresh(now=day + timedelta(days=10))
        t_refresh = time.perf_counter() - began
        print(
            f"reward_credit: {len(clicked):,} messages ({credited:,} assignments)"
            f" in {t_credit:.2f} s;"
            f" rewards_refresh: {result.counted:,} assignments counted in {t_refresh:.2f} s"
        )

        began = time.perf_counter()
        shortlinks_create(
            organisation_id=org.pk,
            requests=[
                LinkRequest(
                    target_url="http://127.0.0.1:8000/pay/x", case_id=i, outbox_message_id=i
                )
                for i in range(n)
            ],
            now=day,
        )
        t_links = time.perf_counter() - began
        print(f"shortlinks_create: {n:,} links in {t_links:.2f} s = {n / t_links:,.0f} links/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
