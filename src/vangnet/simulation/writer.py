"""Fast bulk inserts with ids chosen up front: COPY on PostgreSQL, executemany on SQLite.

Why not ``bulk_create``: measured on this machine it writes ~30,000 rows/s on both
databases (model instances plus per-row SQL building), which makes a million-account
benchmark (~20 million rows) take over ten minutes. Plain ``executemany`` on SQLite
(~190,000 rows/s) and ``COPY`` on PostgreSQL (~110,000 rows/s with id reservation) are
five times faster. Reserving ids first also means foreign keys (invoice -> account,
allocation -> invoice/payment) are known before anything is written, whatever the
database returns from an insert.

Id reservation: on PostgreSQL a block is taken from the table's identity sequence
(``setval(nextval + n - 1)`` in one statement — another session calling ``nextval``
in the microseconds between the two could collide, which is acceptable for demo and
benchmark builds but is why importers should not reuse this writer); on SQLite the
writer holds the write lock (transactions are IMMEDIATE), so ``MAX(id) + 1`` is safe.
Call inside ``transaction.atomic()``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models


class BulkWriter:
    def __init__(self) -> None:
        self.vendor = connection.vendor

    def reserve(self, model: type[models.Model], count: int) -> int:
        """Reserve ``count`` consecutive ids; returns the first."""
        if count <= 0:
            return 0
        table = model._meta.db_table
        pk = model._meta.pk.column
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s),"
                    " nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                    [table, pk, table, pk, count],
                )
                return int(cursor.fetchone()[0]) - count + 1
            qn = connection.ops.quote_name
            cursor.execute(f"SELECT MAX({qn(pk)}) FROM {qn(table)}")
            highest = cursor.fetchone()[0] or 0
            if self.vendor == "sqlite":
                # AUTOINCREMENT never reuses an id handed out before, even if deleted.
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                highest = max(highest, row[0] if row else 0)
            return int(highest) + 1

    def datetime_value(self, value: datetime) -> Any:
        """``value`` as this database stores it; adapt once, reuse for every row."""
        return connection.ops.adapt_datetimefield_value(value)

    def _adapters(self, fields: list[models.Field]) -> list[Callable[[Any], Any] | None]:
        """Per-column conversions the driver does not do itself.

        Dates need none (psycopg dumps them; Django registers an sqlite3 adapter);
        datetimes must be passed through ``datetime_value`` by the caller, because
        adapting the same timestamp for every row costs more than the insert.
        """
        adapters: list[Callable[[Any], Any] | None] = []
        for field in fields:
            if isinstance(field, models.JSONField):
                adapters.append(json.dumps)
            elif isinstance(field, models.TimeField) and self.vendor != "postgresql":
                adapters.append(connection.ops.adapt_timefield_value)
            else:
                adapters.append(None)
        return adapters

    def insert(
        self, model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """Insert ``rows`` (tuples in the order of ``names``, the id included)."""
        if not rows:
            return
        meta = model._meta
        fields = [meta.get_field(name) for name in names]
        adapters = self._adapters(fields)
        if any(adapters):
            rows = [
                tuple(
                    value if adapt is None or value is None else adapt(value)
                    for value, adapt in zip(row, adapters, strict=True)
                )
                for row in rows
            ]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in fields)
        table = qn(meta.db_table)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
