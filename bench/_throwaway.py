"""A throwaway database for one benchmark run, so benchmarks never touch real data.

SQLite: a file in a fresh temporary folder. PostgreSQL (``postgres=True``): a database of
the given name on 127.0.0.1:5432 (trust auth), dropped first if a crashed run left it.
Django is set up and migrated inside; everything is removed afterwards unless ``keep``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def throwaway_database(pg_database: str, *, postgres: bool, keep: bool = False) -> Iterator[str]:
    """Yield the temporary VANGNET_HOME with Django set up on a fresh, migrated database."""
    home = tempfile.mkdtemp(prefix="vangnet-bench-")
    os.environ["VANGNET_HOME"] = home
    os.environ["DJANGO_SETTINGS_MODULE"] = "vangnet.conf.settings"
    if postgres:
        pg_admin(f"DROP DATABASE IF EXISTS {pg_database} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {pg_database}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{pg_database}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{home}/bench.sqlite3"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        yield home
    finally:
        # Django may not be set up when the setup itself failed; clean up anyway.
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if postgres and not keep:
            pg_admin(f"DROP DATABASE IF EXISTS {pg_database} WITH (FORCE)")
        if not keep:
            shutil.rmtree(home, ignore_errors=True)
