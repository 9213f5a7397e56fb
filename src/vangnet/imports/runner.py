"""Run an import: read, validate every row, write valid rows in atomic batches.

The flow is the same for every kind: the reader refuses unusable files up front; each
row is parsed and checked on its own (cell parsers, cross-field checks, duplicate natural
keys within the file); valid rows are collected into batches of
``VANGNET_IMPORT_BATCH_SIZE`` and handed to the kind's batch writer inside one
``transaction.atomic()``. Writers load what exists with one query per table and write with
``bulk_create``/``bulk_update``, so the cost per row is Python, not round trips.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction

from vangnet.core.errors import Invalid
from vangnet.core.services import audit_record
from vangnet.imports import customers, invoices, payments
from vangnet.imports.columns import BoundColumn, Column, bind_columns, parse_cells
from vangnet.imports.errors import BatchFailed, FileRefused
from vangnet.imports.readers import open_table, require_rows
from vangnet.imports.records import (
    BatchOutcome,
    ImportResult,
    ParsedRow,
    ProgressCallback,
    Rejection,
)
from vangnet.parties.models import Organisation


@dataclass(frozen=True)
class Importer:
    """What makes one kind of import: its columns, natural key and batch writer."""

    kind: str
    columns: tuple[Column, ...]
    key: str
    key_nl: str
    key_en: str
    check_row: Callable[[dict[str, Any]], list[tuple[str, Invalid]]]
    write_batch: Callable[..., BatchOutcome]


IMPORTERS: dict[str, Importer] = {
    "customers": Importer(
        "customers",
        customers.COLUMNS,
        "account_number",
        "contractnummer",
        "account number",
        customers.check_row,
        customers.write_batch,
    ),
    "invoices": Importer(
        "invoices",
        invoices.COLUMNS,
        "invoice_number",
        "factuurnummer",
        "invoice number",
        invoices.check_row,
        invoices.write_batch,
    ),
    "payments": Importer(
        "payments",
        payments.COLUMNS,
        "reference",
        "bankreferentie",
        "bank reference",
        payments.check_row,
        payments.write_batch,
    ),
}


def run_import(
    *,
    kind: str,
    path: Path | str,
    organisation: Organisation,
    dry_run: bool = False,
    actor: Any = None,
    progress: ProgressCallback | None = None,
    batch_size: int | None = None,
    file_name: str | None = None,
) -> ImportResult:
    """Import ``path`` as ``kind`` for ``organisation``.

    Raises :class:`FileRefused` (nothing written) when the file as a whole is unusable,
    and :class:`BatchFailed` when a batch could not be written (that batch is rolled back,
    earlier ones stay; re-running the same file afterwards is safe because it is
    idempotent). Rejected rows never raise: they are in ``result.rejections``.
    """
    if kind not in IMPORTERS:
        raise FileRefused(
            "kind",
            f"onbekende importsoort {kind!r}; kies uit {', '.join(IMPORTERS)}",
            f"unknown import kind {kind!r}; choose from {', '.join(IMPORTERS)}",
        )
    importer = IMPORTERS[kind]
    path = Path(path)
    size = batch_size or settings.VANGNET_IMPORT_BATCH_SIZE
    result = ImportResult(kind=kind, file_name=file_name or path.name, dry_run=dry_run)
    table = open_table(path)
    bound = bind_columns(importer.columns, table.headers)
    require_rows(table)
    header_of = {b.column.name: b.header for b in bound}
    key_header = header_of.get(importer.key, importer.key)
    width = len(table.headers)
    # Later writers may keep file-wide state (e.g. customers already seen in this file).
    state: dict[str, Any] = {}
    seen: dict[str, int] = {}
    batch: list[ParsedRow] = []
    committed = 0

    def flush() -> None:
        nonlocal committed
        if not batch:
            return
        try:
            with transaction.atomic():
                outcome = importer.write_batch(organisation=organisation, rows=batch, state=state)
                if dry_run:
                    transaction.set_rollback(True)
        except DatabaseError as exc:
            raise BatchFailed(
                f"batch from line {batch[0].line} failed and was rolled back: {exc}",
                first_line=batch[0].line,
                rows_committed=committed,
            ) from exc
        _merge(result, outcome, header_of)
        committed = result.rows_total
        batch.clear()
        if progress is not None:
            progress(result.rows_total, table.rows_estimate)

    for line, cells in table.rows:
        result.rows_total += 1
        row = _parse(importer, bound, header_of, width, line, cells, result)
        if row is not None:
            key = row.values[importer.key]
            first = seen.get(key)
            if first is not None:
                _reject(
                    result,
                    line,
                    key_header,
                    Invalid(
                        "duplicate",
                        f"dubbel {importer.key_nl} {key!r} (ook op regel {first})",
                        f"duplicate {importer.key_en} {key!r} (also on line {first})",
                    ),
                )
                result.rejected += 1
            else:
                seen[key] = line
                batch.append(row)
        if len(batch) >= size:
            flush()
    flush()
    if not dry_run:
        audit_record(
            action=f"import_{kind}",
            process="import",
            actor=actor,
            object_type="organisation",
            object_id=organisation.pk,
            summary=f"{result.file_name}: {result.summary()}",
            details={"file": result.file_name, **result.counts()},
        )
    return result


def _parse(
    importer: Importer,
    bound: list[BoundColumn],
    header_of: dict[str, str],
    width: int,
    line: int,
    cells: Any,
    result: ImportResult,
) -> ParsedRow | None:
    values, errors = parse_cells(bound, cells)
    problems = [(e.header, e.error) for e in errors]
    if len(cells) > width and any(str(c).strip() for c in cells[width:]):
        problems.append(
            (
                "*",
                Invalid(
                    "extra_cells",
                    f"regel heeft meer dan {width} kolommen: een scheidingsteken in een "
                    "waarde zonder aanhalingstekens?",
                    f"row has more than {width} columns: a delimiter inside an unquoted value?",
                ),
            )
        )
    if not problems:
        problems = [(header_of.get(col, col), err) for col, err in importer.check_row(values)]
    if problems:
        for header, error in problems:
            _reject(result, line, header, error)
        result.rejected += 1
        return None
    return ParsedRow(line, values)


def _reject(result: ImportResult, line: int, column: str, error: Invalid) -> None:
    result.rejections.append(Rejection(line, column, error.code, error.nl, error.en))


def _merge(result: ImportResult, outcome: BatchOutcome, header_of: dict[str, str]) -> None:
    result.imported += outcome.imported
    result.updated += outcome.updated
    result.unchanged += outcome.unchanged
    rejected_lines = set()
    for line, column, error in outcome.rejections:
        _reject(result, line, header_of.get(column, column), error)
        rejected_lines.add(line)
    result.rejected += len(rejected_lines)
    if rejected_lines:
        result.rejections.sort(key=lambda r: r.line)
