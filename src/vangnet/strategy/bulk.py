"""Set-based writes for the daily run: COPY on PostgreSQL, executemany on SQLite.

Why not ``bulk_create``/``bulk_update``: they build a model instance and SQL per row
(~30,000 rows/s measured in ``simulation/writer.py``), and ``bulk_update`` emits one huge
CASE per column. The run writes 100,000+ actions and case updates a day; COPY into a
temporary table followed by one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` or
``UPDATE … FROM`` moves them in a few statements and keeps the conflict handling (the
idempotency key) in the database, where a crashed earlier attempt left its rows.

Values are passed as the database stores them: JSON as text (``json_text``), datetimes
adapted once by the caller (``datetime_value``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models


def vendor() -> str:
    return connection.vendor


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[models.Model]) -> str:
    return qn(model._meta.db_table)


def columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    meta = model._meta
    return [meta.get_field(name).column for name in names]


def json_text(value: Any) -> str:
    """JSON for a JSONField column, compact (the run writes a lot of it)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def datetime_value(value: datetime) -> Any:
    """``value`` as this database stores it; adapt once, reuse for every row."""
    return connection.ops.adapt_datetimefield_value(value)


def _copy_into_temp(cursor: Any, name: str, source: str, cols: list[str], rows: list) -> None:
    """Create (or empty) a temporary table shaped like ``source``'s columns and COPY rows."""
    collist = ", ".join(qn(c) for c in cols)
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} AS SELECT {collist} FROM {source} WITH NO DATA")
    with cursor.cursor.copy(f"COPY {name} ({collist}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_ignore(
    model: type[models.Model],
    names: Sequence[str],
    rows: list[tuple[Any, ...]],
    *,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]] | int:
    """Insert rows, skipping those that hit a unique constraint (the idempotency key).

    Returns the ``returning`` columns of the inserted rows, or the number inserted when
    ``returning`` is empty.
    """
    if not rows:
        return [] if returning else 0
    cols = columns(model, names)
    collist = ", ".join(qn(c) for c in cols)
    ret_cols = columns(model, returning) if returning else []
    ret = f" RETURNING {', '.join(qn(c) for c in ret_cols)}" if ret_cols else ""
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            tmp = f"tmp_ins_{model._meta.db_table}"
            _copy_into_temp(cursor, tmp, table(model), cols, rows)
            cursor.execute(
                f"INSERT INTO {table(model)} ({collist}) SELECT {collist} FROM {tmp}"
                f" ON CONFLICT DO NOTHING{ret}"
            )
            out = cursor.fetchall() if ret else cursor.rowcount
            cursor.execute(f"DROP TABLE {tmp}")
            return out
        marks = ", ".join(["%s"] * len(cols))
        sql = f"INSERT INTO {table(model)} ({collist}) VALUES ({marks}) ON CONFLICT DO NOTHING"
        if not ret:
            cursor.executemany(sql, rows)
            return cursor.rowcount
        out: list[tuple[Any, ...]] = []
        for row in rows:
            cursor.execute(sql + ret, row)
            out.extend(cursor.fetchall())
        return out


def copy_insert(
    model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> int:
    """COPY rows straight into the table (PostgreSQL); a duplicate key raises.

    Twice as fast as ``insert_ignore`` (no second pass through a temporary table). The
    caller runs it in a savepoint and falls back to ``insert_ignore`` on
    ``IntegrityError``, so duplicates still cannot get in.
    """
    if not rows:
        return 0
    if vendor() != "postgresql":
        return int(insert_ignore(model, names, rows))  # type: ignore[arg-type]
    collist = ", ".join(qn(c) for c in columns(model, names))
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table(model)} ({collist}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    return len(rows)


def reserve_ids(model: type[models.Model], count: int) -> int:
    """Reserve ``count`` consecutive primary keys; returns the first.

    PostgreSQL: one ``setval(nextval + n - 1)`` on the identity sequence (ids handed out
    are never reused, so a crashed attempt only leaves a gap). SQLite: the writer holds
    the database's write lock (IMMEDIATE transactions), so ``MAX(id) + 1`` is safe; call
    inside ``transaction.atomic()``.
    """
    if count <= 0:
        return 0
    name, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s),"
                " nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                [name, pk, name, pk, count],
            )
            return int(cursor.fetchone()[0]) - count + 1
        cursor.execute(f"SELECT MAX({qn(pk)}) FROM {qn(name)}")
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [name])
        row = cursor.fetchone()
        return int(max(highest, row[0] if row else 0)) + 1


def insert_strict(
    model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> int:
    """Insert rows; any unique violation raises ``IntegrityError`` (COPY on PostgreSQL)."""
    if not rows:
        return 0
    if vendor() == "postgresql":
        return copy_insert(model, names, rows)
    cols = columns(model, names)
    marks = ", ".join(["%s"] * len(cols))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table(model)} ({', '.join(qn(c) for c in cols)}) VALUES ({marks})",
            rows,
        )
    return len(rows)


def update_rows(
    model: type[models.Model],
    key: str,
    names: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> int:
    """``UPDATE model SET names… WHERE key = row[0]`` for each row (key first, then names).

    On PostgreSQL only rows whose values differ are touched (``IS DISTINCT FROM``), so a
    re-run of a day leaves no dead tuples behind for unchanged cases.
    """
    if not rows:
        return 0
    key_col = columns(model, [key])[0]
    cols = columns(model, names)
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            tmp = f"tmp_upd_{model._meta.db_table}"
            _copy_into_temp(cursor, tmp, table(model), [key_col, *cols], rows)
            sets = ", ".join(f"{qn(c)} = s.{qn(c)}" for c in cols)
            old = ", ".join(f"t.{qn(c)}" for c in cols)
            new = ", ".join(f"s.{qn(c)}" for c in cols)
            distinct = (
                f"({old}) IS DISTINCT FROM ({new})"
                if len(cols) > 1
                else (f"{old} IS DISTINCT FROM {new}")
            )
            cursor.execute(
                f"UPDATE {table(model)} AS t SET {sets} FROM {tmp} AS s"
                f" WHERE t.{qn(key_col)} = s.{qn(key_col)} AND {distinct}"
            )
            count = cursor.rowcount
            cursor.execute(f"DROP TABLE {tmp}")
            return count
        sets = ", ".join(f"{qn(c)} = %s" for c in cols)
        sql = f"UPDATE {table(model)} SET {sets} WHERE {qn(key_col)} = %s"
        cursor.executemany(sql, [(*row[1:], row[0]) for row in rows])
        return cursor.rowcount


def json_object_sql(pairs: Sequence[tuple[str, str]]) -> str:
    """SQL building a JSON object from (key, SQL expression) pairs, per database."""
    inner = ", ".join(f"'{k}', {expr}" for k, expr in pairs)
    if vendor() == "postgresql":
        return f"jsonb_build_object({inner})"
    return f"json_object({inner})"


def greatest_sql(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if vendor() == "postgresql" else f"MAX({a}, {b})"


def text_sql(expr: str) -> str:
    """``expr`` cast to text, for building idempotency keys in SQL."""
    return f"CAST({expr} AS TEXT)"
