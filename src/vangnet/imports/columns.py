"""Column definitions and cell parsers shared by the importers.

Each import kind is a tuple of :class:`Column`: a canonical (English) name that the
exports write, Dutch and English aliases that the importer accepts, and a parser that
turns a cell into a Python value or raises ``Invalid(code, nl, en)``. Parsers are plain
functions on strings/typed XLSX cells so a million rows cost microseconds each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from vangnet.core.errors import Invalid
from vangnet.core.money import AmountError, decimal_to_cents, parse_amount
from vangnet.imports.errors import FileRefused

Parser = Callable[[object], object]

# Larger than any real invoice or payment; protects the BIGINT columns from garbage.
MAX_CENTS = 10**13


@dataclass(frozen=True)
class Column:
    """One importable column; ``required`` means the header must exist and the cell be filled."""

    name: str
    aliases: tuple[str, ...]
    parse: Parser
    required: bool = False
    label_nl: str = ""

    def accepted(self) -> tuple[str, ...]:
        return (self.name, *(a for a in self.aliases if a != self.name))


@dataclass(frozen=True)
class BoundColumn:
    column: Column
    index: int
    header: str  # as written in the file; rejections name the column the user sees


def header_key(text: str) -> str:
    """Normalise a header: case, spaces, dashes, dots and a stray BOM do not matter."""
    return re.sub(r"[\s\-./]+", "_", str(text).replace("\ufeff", "").strip().lower()).strip("_")


def bind_columns(columns: Sequence[Column], headers: Sequence[str]) -> list[BoundColumn]:
    """Map the file's headers onto ``columns``; refuse the file if a required one is missing."""
    position: dict[str, int] = {}
    for index, header in enumerate(headers):
        position.setdefault(header_key(header), index)
    bound: list[BoundColumn] = []
    missing: list[Column] = []
    for column in columns:
        index = next(
            (position[k] for k in map(header_key, column.accepted()) if k in position), None
        )
        if index is None:
            if column.required:
                missing.append(column)
            continue
        bound.append(BoundColumn(column, index, str(headers[index]).replace("\ufeff", "").strip()))
    if missing:
        listing = "; ".join(f"{c.name} ({', '.join(c.accepted())})" for c in missing)
        found = ", ".join(str(h) for h in headers[:12]) or "-"
        raise FileRefused(
            "missing_columns",
            f"verplichte kolom(men) ontbreken: {listing}. Gevonden kolommen: {found}. "
            "Controleer ook het scheidingsteken (; of ,).",
            f"required column(s) missing: {listing}. Columns found: {found}. "
            "Also check the delimiter (; or ,).",
        )
    return bound


@dataclass
class CellError:
    header: str
    error: Invalid


def parse_cells(
    bound: Sequence[BoundColumn], cells: Sequence[object]
) -> tuple[dict[str, object], list[CellError]]:
    """Parse one row: absent columns are missing from the dict, empty cells are ``None``."""
    values: dict[str, object] = {}
    errors: list[CellError] = []
    width = len(cells)
    for b in bound:
        raw = cells[b.index] if b.index < width else ""
        if raw is None or (isinstance(raw, str) and not (raw := raw.strip())):
            if b.column.required:
                errors.append(
                    CellError(
                        b.header,
                        Invalid(
                            "required",
                            f"{b.header} is verplicht maar leeg",
                            f"{b.header} is required but empty",
                        ),
                    )
                )
            values[b.column.name] = None
            continue
        try:
            values[b.column.name] = b.column.parse(raw)
        except Invalid as exc:
            errors.append(CellError(b.header, exc))
    return values, errors


# --- parsers -------------------------------------------------------------------------


def text(max_length: int) -> Parser:
    def parse(raw: object) -> str:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # XLSX stores "12345" typed as a number as 12345.0
        value = str(raw).strip()
        if len(value) > max_length:
            raise Invalid(
                "too_long",
                f"te lang ({len(value)} tekens; maximaal {max_length})",
                f"too long ({len(value)} characters; at most {max_length})",
            )
        return value

    return parse


_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def parse_date(raw: object) -> date:
    """ISO ``2026-01-31``, Dutch ``31-01-2026`` / ``31/01/2026`` / ``31.01.2026``, XLSX dates."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    value = str(raw).strip()
    try:
        if len(value) >= 10 and value[4] == "-":
            return date.fromisoformat(value[:10])
        match = _DUTCH_DATE.match(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        pass
    raise Invalid(
        "date",
        f"ongeldige datum {value!r}: gebruik 2026-01-31 of 31-01-2026",
        f"invalid date {value!r}: use 2026-01-31 or 31-01-2026",
    )


def parse_cents(raw: object) -> int:
    """Euros as written ("1.234,56", "1,234.56", XLSX number) -> integer cents, never float."""
    try:
        if isinstance(raw, bool):
            raise AmountError("boolean")
        if isinstance(raw, int | float | Decimal):
            amount = Decimal(str(raw))
            if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
                raise AmountError("more than two decimals")
        else:
            amount = parse_amount(str(raw))
        cents = decimal_to_cents(amount)
    except (AmountError, InvalidOperation, ValueError) as exc:
        raise Invalid(
            "amount",
            f"ongeldig bedrag {raw!r}: gebruik bijvoorbeeld 1234,56",
            f"invalid amount {raw!r}: use for example 1234.56",
        ) from exc
    if abs(cents) >= MAX_CENTS:
        raise Invalid(
            "amount", f"onmogelijk groot bedrag {raw!r}", f"impossibly large amount {raw!r}"
        )
    return cents


def choice(mapping: Mapping[str, str], what_nl: str, what_en: str) -> Parser:
    """Map Dutch and English words (case-insensitive) onto stored values."""
    lookup = {header_key(k): v for k, v in mapping.items()}
    accepted = ", ".join(sorted(set(mapping)))

    def parse(raw: object) -> str:
        key = header_key(str(raw))
        if key not in lookup:
            raise Invalid(
                "choice",
                f"onbekende {what_nl} {raw!r}; kies uit {accepted}",
                f"unknown {what_en} {raw!r}; choose from {accepted}",
            )
        return lookup[key]

    return parse


_YES = {"ja", "j", "yes", "y", "true", "1", "waar", "x"}
_NO = {"nee", "n", "no", "false", "0", "onwaar"}


def parse_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise Invalid("boolean", f"gebruik ja of nee, niet {raw!r}", f"use yes or no, not {raw!r}")


def as_text(fn: Callable[[str], object]) -> Parser:
    """Adapt a ``validation.normalise_*`` function (str -> value) to XLSX cells."""

    def parse(raw: object) -> object:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return fn(str(raw).strip())

    return parse
