"""Read CSV and XLSX files as rows with their 1-based line numbers.

Billing systems export whatever their locale gives them: ``;`` or ``,`` or tab, with or
without a UTF-8 byte-order mark, sometimes Excel files. The reader hides that, and refuses
a file *before* anything is written when it is empty, too big, not UTF-8 or binary
garbage, so that the importers only ever see text cells (CSV) or typed cells (XLSX).
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from django.conf import settings

from vangnet.imports.errors import FileRefused

Cell = object  # str for CSV; str/int/float/datetime/None for XLSX
Row = tuple[int, Sequence[Cell]]

_CHUNK = 1 << 20
_DELIMITERS = (";", ",", "\t")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    """A header and a lazy stream of ``(line_number, cells)``; the header is line 1."""

    headers: list[str]
    rows: Iterator[Row]
    rows_estimate: int | None
    format: str
    delimiter: str | None = None


def open_table(path: Path | str, *, max_bytes: int | None = None) -> Table:
    """Open a CSV or XLSX file, or raise :class:`FileRefused` saying why not.

    A header without data rows is not refused here (the caller checks the columns first,
    the more useful message); call :func:`require_rows` after that.
    """
    path = Path(path)
    limit = settings.VANGNET_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileRefused(
            "unreadable",
            f"bestand {path.name!r} is niet te lezen",
            f"cannot read file {path.name!r}",
        ) from exc
    if size > limit:
        raise FileRefused(
            "too_large",
            f"bestand is te groot ({size} bytes; maximaal {limit})",
            f"file is too large ({size} bytes; at most {limit})",
        )
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == _ZIP_MAGIC or path.suffix.lower() in {".xlsx", ".xlsm"}:
        table = _open_xlsx(path)
    else:
        table = _open_csv(path)
    return table


def _empty_file() -> FileRefused:
    return FileRefused(
        "empty",
        "het bestand is leeg (geen kopregel en geen gegevens)",
        "the file is empty (no header and no data)",
    )


def require_rows(table: Table) -> Table:
    """Refuse a header-only file before anything is written, and say so clearly."""
    try:
        first = next(table.rows)
    except StopIteration:
        raise FileRefused(
            "no_rows",
            "het bestand bevat alleen een kopregel en geen gegevens",
            "the file contains only a header and no data",
        ) from None
    table.rows = chain([first], table.rows)
    return table


def _check_text(path: Path) -> int:
    """Stream the whole file once: strict UTF-8, no NUL bytes; returns the line count.

    Doing this before the first batch is written means a file that turns out to be
    garbage half-way never leaves half an import behind. It runs at disk speed.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines = 0
    seen_text = False
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if b"\x00" in chunk:
                raise FileRefused(
                    "binary",
                    "dit is geen tekstbestand (CSV) of Excel-bestand (XLSX)",
                    "this is not a text (CSV) or Excel (XLSX) file",
                )
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line = lines + chunk.count(b"\n", 0, exc.start) + 1
                raise FileRefused(
                    "encoding",
                    f"het bestand is niet in UTF-8 gecodeerd (regel {line}); "
                    "sla het op als 'CSV UTF-8'",
                    f"the file is not UTF-8 encoded (line {line}); save it as 'CSV UTF-8'",
                ) from exc
            lines += chunk.count(b"\n")
            seen_text = seen_text or bool(chunk.strip(b"\xef\xbb\xbf \t\r\n"))
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise FileRefused(
            "encoding",
            "het bestand is niet in UTF-8 gecodeerd (einde van het bestand)",
            "the file is not UTF-8 encoded (end of file)",
        ) from exc
    if not seen_text:
        raise _empty_file()
    return lines


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of ``;``, ``,`` and tab in the header line (``;`` on a tie).

    The header has many columns and no free text, so counting beats ``csv.Sniffer``,
    which guesses wrong on short samples with decimal commas.
    """
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _open_csv(path: Path) -> Table:
    lines = _check_text(path)
    fh = path.open(encoding="utf-8-sig", newline="")
    first_line = ""
    for candidate in fh:
        if candidate.strip():
            first_line = candidate
            break
    fh.seek(0)
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        headers = next(reader)
        while not any(h.strip() for h in headers):
            headers = next(reader)
    except (StopIteration, csv.Error):
        fh.close()
        raise _empty_file() from None
    header_line = reader.line_num

    def rows() -> Iterator[Row]:
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield reader.line_num, cells
        except csv.Error as exc:
            raise FileRefused(
                "csv",
                f"regel {reader.line_num}: het bestand is geen geldige CSV ({exc})",
                f"line {reader.line_num}: the file is not valid CSV ({exc})",
            ) from exc
        finally:
            fh.close()

    return Table(
        headers=headers,
        rows=rows(),
        rows_estimate=max(lines - header_line, 0),
        format="csv",
        delimiter=delimiter,
    )


def _open_xlsx(path: Path) -> Table:
    """First worksheet, values only (formulas' cached results), streamed (read-only)."""
    import openpyxl  # heavy; only when an Excel file is imported

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header_cells = next(iterator, None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as exc:
        raise FileRefused(
            "xlsx",
            "dit is geen geldig Excel-bestand (XLSX)",
            "this is not a valid Excel (XLSX) file",
        ) from exc
    if header_cells is None or not any(c not in (None, "") for c in header_cells):
        workbook.close()
        raise _empty_file()
    headers = ["" if c is None else str(c) for c in header_cells]
    max_row = sheet.max_row

    def rows() -> Iterator[Row]:
        try:
            for line, cells in enumerate(iterator, start=2):
                if any(c not in (None, "") and str(c).strip() for c in cells):
                    yield line, ["" if c is None else c for c in cells]
        finally:
            workbook.close()

    return Table(
        headers=headers,
        rows=rows(),
        rows_estimate=(max_row - 1) if max_row else None,
        format="xlsx",
    )
