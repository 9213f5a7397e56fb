"""Typed SQL placeholders that work on PostgreSQL and SQLite alike.

In ``INSERT … SELECT`` PostgreSQL cannot infer a parameter's type from the target column,
so dates, timestamps and JSON need an explicit cast there; SQLite stores them as text and
a cast would change their affinity. These helpers hide that difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection


def _pg() -> bool:
    return connection.vendor == "postgresql"


def p_date() -> str:
    return "CAST(%s AS date)" if _pg() else "%s"


def p_ts() -> str:
    return "CAST(%s AS timestamp with time zone)" if _pg() else "%s"


def p_json() -> str:
    return "CAST(%s AS jsonb)" if _pg() else "%s"


def p_int() -> str:
    return "CAST(%s AS bigint)" if _pg() else "%s"


def p_text() -> str:
    return "CAST(%s AS text)" if _pg() else "%s"


def in_list(ids: Sequence[int]) -> tuple[str, list[Any]]:
    """``IN (…)`` for a list of ids: ``= ANY(array)`` on PostgreSQL (one parameter)."""
    if _pg():
        return "= ANY(%s)", [list(ids)]
    return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def id_batches(ids: Iterable[int]) -> Iterator[list[int]]:
    """Batches small enough for SQLite's variable limit (one batch on PostgreSQL)."""
    ids = list(ids)
    size = max(len(ids), 1) if _pg() else 30_000
    for batch in chunks(ids, size):
        yield list(batch)
