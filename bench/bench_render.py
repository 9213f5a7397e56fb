"""Benchmark: rendering personalised messages from the shipped templates.

Usage::

    .venv/bin/python bench/bench_render.py [--messages N] [--runs R]

N defaults to $BENCH_SIZE or 100,000. The script builds a throwaway SQLite database,
loads the shipped library (``vangnet templates defaults``), prebuilds N contexts with
varying names and amounts, and times ``message_render`` (the real path: resolution
cache, sandboxed compiled templates, SMS alphabet check, e-mail HTML layout) on one
core for the first-reminder SMS and e-mail. For comparison it times a bare Jinja2 loop
(plain ``Environment``, the same subject, text and — for e-mail — HTML page
templates, ``Template.render``) over the same contexts and prints the ratio. Median of
R runs.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

from _throwaway import throwaway_database
from _timing import median_seconds

GIVEN = ["Anna", "Mohamed", "Sanne", "Kees", "Fatima", "Daan", "Priya", "Johan", "Ayşe", "Wim"]
SURNAMES = ["de Vries", "Jansen", "El Amrani", "Bakker", "van den Berg", "Öztürk", "Visser"]


def contexts(n: int, seed: int = 1) -> list[dict]:
    from decimal import Decimal

    from vangnet.messaging.content.context import sample_context
    from vangnet.rules.text import eur_nl

    rng = random.Random(seed)
    base = sample_context(channel="email")
    out = []
    for i in range(n):
        given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
        cents = rng.randint(500, 250_000)
        full = f"{given} {surname}"
        out.append(
            {
                **base,
                "salutation": f"Beste {full}",
                "given_name": given,
                "surname": surname,
                "full_name": full,
                "arrears_total": eur_nl(Decimal(cents) / 100),
                "arrears_total_cents": cents,
                "pay_url": f"https://mijn.voorbeeld.nl/pay/a/{i}:{'x' * 43}/",
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--messages", type=int, default=int(os.environ.get("BENCH_SIZE") or 100_000)
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    with throwaway_database("vangnet_bench_render", postgres=False):
        from jinja2 import Environment

        from vangnet.messaging.content.library import library_load
        from vangnet.messaging.content.models import TemplateVersion
        from vangnet.messaging.content.rendering import email_layout_source, html_source_from_text
        from vangnet.messaging.content.services import message_render

        library_load()
        ctxs = contexts(args.messages)
        bare_env = Environment(autoescape=False, trim_blocks=True, lstrip_blocks=True)
        bare_html_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
        for channel in ("sms", "email"):
            version = TemplateVersion.objects.get(
                template__code="water-friendly-nudge",
                template__channel=channel,
                template__variant="A",
            )
            message_render(  # warm: resolve and compile once, as a long-running worker would
                template_code="water-friendly-nudge", channel=channel, variant="A", context=ctxs[0]
            )

            def ours(channel: str = channel) -> None:
                for ctx in ctxs:
                    message_render(
                        template_code="water-friendly-nudge",
                        channel=channel,
                        variant="A",
                        context=ctx,
                    )

            # The same templates in a plain (not sandboxed) Environment, rendered the
            # plain way: subject, text and, for e-mail, the same HTML page source.
            parts = [bare_env.from_string(version.subject), bare_env.from_string(version.text_body)]
            if channel == "email":
                page = email_layout_source().replace(
                    "{{ body }}", html_source_from_text(version.text_body)
                )
                parts.append(bare_html_env.from_string(page))

            def bare(parts: list = parts) -> None:
                for ctx in ctxs:
                    for part in parts:
                        part.render(ctx)

            began = time.perf_counter()
            ours_s = median_seconds(ours, args.runs)
            bare_s = median_seconds(bare, args.runs)
            rate, bare_rate = args.messages / ours_s, args.messages / bare_s
            sample = message_render(
                template_code="water-friendly-nudge", channel=channel, variant="A", context=ctxs[1]
            )
            print(
                f"render {channel:5}: {rate:,.0f} messages/s on one core "
                f"({args.messages:,} messages, median of {args.runs}; "
                f"text {len(sample.text)} chars, html {len(sample.html)} chars); "
                f"bare Jinja2 loop, same templates: {bare_rate:,.0f}/s; "
                f"ratio vangnet/bare = {rate / bare_rate:.2f} "
                f"({time.perf_counter() - began:.0f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
