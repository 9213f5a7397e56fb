"""Plain multi-row inserts for the import's two big tables (payments, entries).

``bulk_create`` builds a model instance and per-value SQL for every row, which made it
the largest cost of a 100,000-entry import; ``executemany`` (SQLite) and ``COPY``
(PostgreSQL) of tuples are several times faster. Ids are left to the database (unlike
``simulation.writer``, nothing is reserved, so concurrent writers stay safe); callers
that need them read them back by natural key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def rows_insert(
    model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``names``; no id) in one statement batch."""
    if not rows:
        return
    meta = model._meta
    qn = connection.ops.quote_name
    columns = ", ".join(qn(meta.get_field(name).column) for name in names)
    table = qn(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
