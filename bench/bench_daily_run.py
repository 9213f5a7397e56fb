"""Benchmark: the daily run over a large book, and its ratio to the I/O floor.

Usage::

    .venv/bin/python bench/bench_daily_run.py [--accounts N] [--postgres] [--keep]

N defaults to $BENCH_SIZE or 1,000,000. With ``--postgres`` a fresh database
``vangnet_bench_run`` on postgres://postgres@127.0.0.1:5432 is built with set-based SQL
(``generate_series``: ~1 minute per million accounts instead of the simulator's ~5),
with 4 months of invoices and payments per account and ~12 % of accounts in arrears of
1–3 months; without it, an SQLite file is filled by the simulator (use a small N).

Then it times:

1. ``run`` for day D (opens 100k+ cases at 1M accounts, plans their first step),
2. ``run`` for day D again (must write nothing),
3. ``run`` for day D+7 (next steps for every case),

and the I/O floor of day D: the time to COPY the rows the run reads out of the
database (open invoices, unallocated payments, open cases with their people, contact
points and consents) plus the time to COPY the rows it wrote back in (into tables shaped
like the originals, indexes included). The ratio run / floor says how far the run is
from moving the same data and nothing else.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from datetime import date, timedelta

from _throwaway import throwaway_database

PG_DATABASE = "vangnet_bench_run"


# ---------------------------------------------------------------------------------------
# Fast PostgreSQL generator (set-based SQL, ids chosen up front)

# A cheap deterministic "random" number in [0, 1) per id and salt.
_R = "(mod({id} * 2654435761 + {salt} * 40503, 1000003) / 1000003.0)"


def r(id_expr: str, salt: int) -> str:
    return _R.format(id=id_expr, salt=salt)


def generate_postgres(org_id: int, n: int, today: date) -> dict[str, float]:
    """Fill the ledger and parties tables for ``n`` accounts; returns seconds per table."""
    from django.db import connection

    months = [date(today.year, today.month, 1)]
    for _ in range(3):
        prev = months[-1] - timedelta(days=1)
        months.append(prev.replace(day=1))
    months.reverse()  # oldest first; the last is the current month
    timings: dict[str, float] = {}
    in_arrears = r("g", 1) + " < 0.12"
    # unpaid months for arrears accounts: 1-3 of the three overdue months (newest first)
    unpaid_k = "(1 + (mod(g, 3)))"
    stmts = {
        "address": (
            "INSERT INTO parties_address (id, street, house_number, house_number_suffix,"
            " postcode, city, municipality_code, municipality_name)"
            " SELECT g, 'Dorpsstraat', 1 + mod(g, 200), '',"
            " lpad((1000 + mod(g, 8999))::text, 4, '0') || ' AB', 'Utrecht', '0344', 'Utrecht'"
            " FROM generate_series(1, %(n)s) g"
        ),
        "person": (
            "INSERT INTO parties_person (id, initials, given_name, surname_prefix, surname,"
            " date_of_birth, bsn, household_id, address_id, language, preferred_channels,"
            " contact_window_start, contact_window_end, medical_necessity, in_debt_help,"
            " moratorium_until, deceased_on, created_at, updated_at)"
            " SELECT g, 'J.', 'Jan', '', 'Jansen' || g, DATE '1970-01-01' + (mod(g, 15000)),"
            " NULL, NULL, g, 'nl',"
            f" CASE WHEN {r('g', 2)} < 0.15 THEN '[\"sms\"]'::jsonb ELSE '[]'::jsonb END,"
            f" CASE WHEN {r('g', 3)} < 0.05 THEN TIME '18:00' END,"
            f" CASE WHEN {r('g', 3)} < 0.05 THEN TIME '21:00' END,"
            f" {r('g', 4)} < 0.01, {r('g', 5)} < 0.02,"
            f" CASE WHEN {r('g', 6)} < 0.005 THEN %(today)s::date + 60 END,"
            f" CASE WHEN {r('g', 7)} < 0.001 THEN %(today)s::date - 30 END,"
            " now(), now() FROM generate_series(1, %(n)s) g"
        ),
        "contact_email": (
            "INSERT INTO parties_contactpoint (person_id, kind, value, is_primary,"
            " invalid_reason) SELECT g, 'email', 'p' || g || '@example.nl', true, ''"
            f" FROM generate_series(1, %(n)s) g WHERE {r('g', 8)} < 0.8"
        ),
        "contact_mobile": (
            "INSERT INTO parties_contactpoint (person_id, kind, value, is_primary,"
            " invalid_reason) SELECT g, 'mobile', '+316' || lpad(g::text, 8, '0'), true, ''"
            f" FROM generate_series(1, %(n)s) g WHERE {r('g', 9)} < 0.7"
        ),
        "consent": (
            "INSERT INTO parties_consent (person_id, purpose, granted, recorded_at, source)"
            " SELECT g, CASE WHEN mod(g, 2) = 0 THEN 'digital_contact'"
            " ELSE 'share_with_municipality' END, false, now(), 'bench'"
            f" FROM generate_series(1, %(n)s) g WHERE {r('g', 10)} < 0.05"
        ),
        "customer": (
            "INSERT INTO ledger_customer (id, organisation_id, number, person_id, created_at)"
            " SELECT g, %(org)s, 'K' || lpad(g::text, 8, '0'), g, now()"
            " FROM generate_series(1, %(n)s) g"
        ),
        "account": (
            "INSERT INTO ledger_account (id, organisation_id, customer_id, number, kind,"
            " start_date, end_date, sepa_mandate_reference, supply_address_id, created_at,"
            " updated_at) SELECT g, %(org)s, g, 'C' || lpad(g::text, 8, '0'),"
            " 'drinking_water', DATE '2015-01-01', NULL, '', g, now(), now()"
            " FROM generate_series(1, %(n)s) g"
        ),
    }
    inv_rows = []
    pay_rows = []
    for m, month in enumerate(months):
        age = len(months) - 1 - m  # 0 = current month (not due yet)
        issue = month
        due = month + timedelta(days=14)
        # The current month is not due yet at D; customers who are not in arrears pay
        # it two days before its due date (so the day-2 run, a week later, does not see
        # every account fall behind at once).
        unpaid = f"({in_arrears} AND {age} BETWEEN 1 AND {unpaid_k})" if age else in_arrears
        amount = "(2500 + (mod(g, 1500)))"
        inv_rows.append(
            "INSERT INTO ledger_invoice (organisation_id, account_id, number, kind,"
            " period_start, period_end, issue_date, due_date, amount_cents,"
            " open_amount_cents, payment_reference, description)"
            f" SELECT %(org)s, g, 'F' || lpad(g::text, 8, '0') || '-{m}', 'invoice',"
            f" DATE '{issue}', DATE '{issue}' + 27, DATE '{issue}', DATE '{due}', {amount},"
            f" CASE WHEN {unpaid} THEN {amount} ELSE 0 END, '', ''"
            " FROM generate_series(1, %(n)s) g"
        )
        booked = due - timedelta(days=2)
        pay_rows.append(
            "INSERT INTO ledger_payment (organisation_id, account_id, booked_on,"
            " amount_cents, unallocated_cents, source, reference, invoice_reference,"
            " payer_iban, payer_name, description, reversed_on, reversal_reason,"
            " created_at)"
            f" SELECT %(org)s, g, DATE '{booked}', {amount}, 0, 'direct_debit',"
            f" 'B' || g || '-{m}', '', '', '', '',"
            f" CASE WHEN {unpaid} THEN DATE '{booked}' + 5 END,"
            f" CASE WHEN {unpaid} THEN 'AM04' ELSE '' END, now()"
            f" FROM generate_series(1, %(n)s) g"
            f" WHERE NOT ({unpaid})" + (f" OR {r('g', 11)} < 0.3" if age else "")
        )
    params = {"n": n, "org": org_id, "today": today}
    with connection.cursor() as cursor:
        for name, sql in stmts.items():
            began = time.perf_counter()
            cursor.execute(sql, params)
            timings[name] = time.perf_counter() - began
        began = time.perf_counter()
        for sql in inv_rows:
            cursor.execute(sql, params)
        timings["invoice"] = time.perf_counter() - began
        began = time.perf_counter()
        for sql in pay_rows:
            cursor.execute(sql, params)
        timings["payment"] = time.perf_counter() - began
        for table in ("parties_address", "parties_person", "ledger_customer", "ledger_account"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT MAX(id) FROM {table}))"
            )
        began = time.perf_counter()
        for table in (
            "parties_person",
            "parties_contactpoint",
            "parties_consent",
            "ledger_customer",
            "ledger_account",
            "ledger_invoice",
            "ledger_payment",
        ):
            cursor.execute(f"ANALYZE {table}")
        timings["analyze"] = time.perf_counter() - began
    return timings


# ---------------------------------------------------------------------------------------
# The I/O floor


def io_floor(org_id: int, day: date) -> dict[str, float]:
    """Seconds to COPY the run's input rows out and its written rows back in (PostgreSQL)."""
    from django.db import connection

    inputs = {
        "open_invoices": (
            "SELECT account_id, due_date, open_amount_cents FROM ledger_invoice"
            f" WHERE organisation_id = {org_id} AND kind = 'invoice'"
            f" AND open_amount_cents > 0 AND due_date < DATE '{day}'"
        ),
        "credits": (
            "SELECT account_id, unallocated_cents FROM ledger_payment"
            f" WHERE organisation_id = {org_id} AND unallocated_cents > 0"
        ),
        "cases": (
            f"SELECT * FROM strategy_case WHERE organisation_id = {org_id} AND status = 'open'"
        ),
        "people": (
            "SELECT p.* FROM parties_person p JOIN ledger_customer cu ON cu.person_id = p.id"
            " JOIN ledger_account a ON a.customer_id = cu.id JOIN strategy_case c"
            " ON c.account_id = a.id WHERE c.status = 'open'"
        ),
        "contact_points": (
            "SELECT cp.* FROM parties_contactpoint cp JOIN ledger_customer cu"
            " ON cu.person_id = cp.person_id JOIN ledger_account a ON a.customer_id = cu.id"
            " JOIN strategy_case c ON c.account_id = a.id WHERE c.status = 'open'"
        ),
    }
    outputs = {
        "strategy_action": f"SELECT * FROM strategy_action WHERE run_date = DATE '{day}'",
        "strategy_caseevent": f"SELECT * FROM strategy_caseevent WHERE \"on\" = DATE '{day}'",
        "strategy_case": f"SELECT * FROM strategy_case WHERE updated_on = DATE '{day}'",
    }
    result: dict[str, float] = {}
    raw = connection.connection
    with raw.cursor() as cur:
        began = time.perf_counter()
        rows_out = 0
        for sql in inputs.values():
            with cur.copy(f"COPY ({sql}) TO STDOUT") as copy:
                for block in copy:
                    rows_out += bytes(block).count(b"\n")
        result["copy_out"] = time.perf_counter() - began
        result["rows_out"] = rows_out
        buffers: dict[str, bytes] = {}
        for table, sql in outputs.items():
            buf = io.BytesIO()
            with cur.copy(f"COPY ({sql}) TO STDOUT") as copy:
                for block in copy:
                    buf.write(bytes(block))
            buffers[table] = buf.getvalue()
        for table in outputs:
            cur.execute(f"DROP TABLE IF EXISTS bench_floor_{table}")
            cur.execute(
                f"CREATE TABLE bench_floor_{table} (LIKE {table} INCLUDING DEFAULTS"
                " INCLUDING INDEXES)"
            )
        raw.commit()
        began = time.perf_counter()
        rows_in = 0
        for table, data in buffers.items():
            with cur.copy(f"COPY bench_floor_{table} FROM STDIN") as copy:
                copy.write(data)
            rows_in += data.count(b"\n")
        raw.commit()
        result["copy_in"] = time.perf_counter() - began
        result["rows_in"] = rows_in
        for table in outputs:
            cur.execute(f"DROP TABLE bench_floor_{table}")
        raw.commit()
    result["floor"] = result["copy_out"] + result["copy_in"]
    return result


# ---------------------------------------------------------------------------------------


def _phases(summary) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in summary.timings.items() if k != "total")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--accounts", type=int, default=int(os.environ.get("BENCH_SIZE") or 1_000_000)
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 10))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    with throwaway_database(PG_DATABASE, postgres=args.postgres, keep=args.keep):
        from django.db import connection, connections

        from vangnet.parties.models import Organisation
        from vangnet.strategy.models import Action
        from vangnet.strategy.run import daily_run

        vendor = connection.vendor
        organisation = Organisation.objects.create(
            name="Waterbedrijf Benchmark", slug="waterbedrijf-benchmark", sector="drinking_water"
        )
        began = time.perf_counter()
        if args.postgres:
            gen = generate_postgres(organisation.pk, args.accounts, args.today)
            detail = ", ".join(f"{k} {v:.1f}" for k, v in gen.items())
        else:
            from vangnet.simulation.generator import Horizon
            from vangnet.simulation.loader import population_load

            stats = population_load(
                organisation=organisation,
                households=args.accounts,
                horizon=Horizon(today=args.today, months=4),
                seed=1,
                chunk_size=10_000,
            )
            detail = f"{stats.rows:,} rows"
        print(
            f"built {args.accounts:,} accounts in {time.perf_counter() - began:.1f} s"
            f" ({vendor}; {detail})",
            flush=True,
        )

        day = args.today
        s1 = daily_run(organisation=organisation, run_date=day)
        print(
            f"run day 1 ({day}): {s1.timings['total']:.2f} s ({vendor}); "
            f"{s1.accounts_in_arrears:,} accounts in arrears, {s1.opened:,} cases opened, "
            f"{s1.written:,} actions written, {sum(s1.blocked.values()):,} blocked; "
            f"phases: {_phases(s1)}",
            flush=True,
        )
        s1b = daily_run(organisation=organisation, run_date=day)
        print(
            f"run day 1 again: {s1b.timings['total']:.2f} s ({vendor}); "
            f"{s1b.opened} opened, {s1b.written} actions written (must be 0); "
            f"phases: {_phases(s1b)}",
            flush=True,
        )
        assert s1b.written == 0 and s1b.opened == 0
        if vendor == "postgresql":
            floor = io_floor(organisation.pk, day)
            print(
                f"I/O floor day 1: {floor['floor']:.2f} s (COPY out {int(floor['rows_out']):,}"
                f" input rows {floor['copy_out']:.2f} s + COPY in {int(floor['rows_in']):,}"
                f" written rows {floor['copy_in']:.2f} s); run/floor ="
                f" {s1.timings['total'] / floor['floor']:.1f}x",
                flush=True,
            )
        day2 = day + timedelta(days=7)
        s2 = daily_run(organisation=organisation, run_date=day2)
        print(
            f"run day 2 ({day2}): {s2.timings['total']:.2f} s ({vendor}); "
            f"{s2.open_cases:,} open cases, {s2.written:,} actions written, "
            f"{s2.scored:,} rescored; phases: {_phases(s2)}",
            flush=True,
        )
        if vendor == "postgresql":
            floor2 = io_floor(organisation.pk, day2)
            print(
                f"I/O floor day 2: {floor2['floor']:.2f} s; run/floor ="
                f" {s2.timings['total'] / floor2['floor']:.1f}x",
                flush=True,
            )
        print(f"actions in database: {Action.objects.count():,}")
        connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
