"""Monthly payment history: the interchange format, its CSV files and its array form.

Why a format of its own: an organisation should be able to train and evaluate the model
on its *own* exported history, from any billing system, without giving vangnet its
ledger. One row per account per month keeps the file small, behavioural only (no person
data at all) and easy to produce with a spreadsheet or one SQL query. See
docs/scoring.md for the columns and examples.

``MonthlyHistory`` is the same data as dense ``(accounts x months)`` integer arrays; the
features are computed on it in a few vectorised numpy operations, both for the CSV files
and for the ledger (``scoring.ledger_history``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

HISTORY_COLUMNS = ("account_id", "period", "billed_cents", "paid_cents", "months_in_arrears")
OUTCOME_COLUMNS = ("account_id", "in_arrears_next")
MAX_ERRORS = 20
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_INT = re.compile(r"^-?\d+$")


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One account in one calendar month.

    ``billed_cents``: invoices issued in the month minus credit notes issued in it (may be
    negative). ``paid_cents``: payments booked in the month minus payments reversed in it
    (may be negative). ``months_in_arrears``: consecutive months, ending with this one,
    in which the account had an overdue open amount at month end (0 = none now).
    """

    account_id: str
    period: str  # YYYY-MM
    billed_cents: int
    paid_cents: int
    months_in_arrears: int


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    """Whether the account was in arrears at the end of the month after its last period."""

    account_id: str
    in_arrears_next: bool


class HistoryFormatError(ValueError):
    """A file does not follow the interchange format; ``errors`` lists ``line: reason``."""

    def __init__(self, path: str, errors: Sequence[str]) -> None:
        self.path = path
        self.errors = list(errors)
        shown = "\n".join(f"  {e}" for e in self.errors[:MAX_ERRORS])
        more = len(self.errors) - MAX_ERRORS
        suffix = f"\n  … en nog {more} fouten" if more > 0 else ""
        super().__init__(f"{path}: {len(self.errors)} fout(en)\n{shown}{suffix}")


# --- periods ---------------------------------------------------------------------------


def period_index(period: str) -> int:
    """``"2025-06"`` -> months since year 0 (an integer that subtracts like months)."""
    m = _PERIOD.match(period)
    if not m:
        raise ValueError(f"period moet JJJJ-MM zijn (bijv. 2025-06), niet {period!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def period_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --- CSV -------------------------------------------------------------------------------


def _open_text(source: str | Path | IO[str]) -> tuple[IO[str], str, bool]:
    if isinstance(source, str | Path):
        return Path(source).open(encoding="utf-8-sig", newline=""), str(source), True
    return source, getattr(source, "name", "<stream>"), False


def _rows(source: str | Path | IO[str], columns: Sequence[str]) -> Iterator[tuple[int, dict]]:
    """Yield ``(line_number, {column: text})``; the header is line 1, blank lines skipped.

    The delimiter is taken from the header line (``,``, ``;`` or tab) because Dutch
    spreadsheets save CSV with ``;``. Unknown columns are refused rather than ignored:
    the format is deliberately minimal, and an extra ``postcode`` or ``birth_date``
    column must not travel along unnoticed (data minimisation, AVG art. 5).
    """
    fh, name, close = _open_text(source)
    try:
        header_line = fh.readline()
        if not header_line.strip():
            raise HistoryFormatError(name, ["regel 1: het bestand is leeg (geen kopregel)"])
        delimiter = max((",", ";", "\t"), key=header_line.count)
        header = [h.strip().lower() for h in next(csv.reader([header_line], delimiter=delimiter))]
        errors = []
        missing = [c for c in columns if c not in header]
        extra = [h for h in header if h not in columns]
        if missing:
            errors.append(f"regel 1: kolom(men) ontbreken: {', '.join(missing)}")
        if extra:
            errors.append(
                f"regel 1: onbekende kolom(men) {', '.join(extra)}; alleen "
                f"{', '.join(columns)} zijn toegestaan"
            )
        if len(set(header)) != len(header):
            errors.append("regel 1: een kolom staat er twee keer in")
        if errors:
            raise HistoryFormatError(name, errors)
        for offset, cells in enumerate(csv.reader(fh, delimiter=delimiter)):
            line = offset + 2
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield line, {"__error__": f"{len(cells)} velden, verwacht {len(header)}"}
                continue
            yield line, {h: c.strip() for h, c in zip(header, cells, strict=True)}
    finally:
        if close:
            fh.close()


def _int_field(row: dict, column: str, errors: list[str], line: int, *, minimum=None) -> int:
    text = row[column]
    if not _INT.match(text):
        errors.append(f"regel {line}: {column} moet een geheel getal (centen) zijn, niet {text!r}")
        return 0
    value = int(text)
    if minimum is not None and value < minimum:
        errors.append(f"regel {line}: {column} mag niet kleiner zijn dan {minimum}")
    return value


def read_history(source: str | Path | IO[str]) -> list[HistoryRow]:
    """Read and validate a history file; raises ``HistoryFormatError`` listing all bad rows."""
    errors: list[str] = []
    rows: list[HistoryRow] = []
    seen: dict[tuple[str, str], int] = {}
    name = str(source) if isinstance(source, str | Path) else getattr(source, "name", "<stream>")
    for line, row in _rows(source, HISTORY_COLUMNS):
        if "__error__" in row:
            errors.append(f"regel {line}: {row['__error__']}")
            continue
        before = len(errors)
        account = row["account_id"]
        if not account:
            errors.append(f"regel {line}: account_id is leeg")
        elif len(account) > 64:
            errors.append(f"regel {line}: account_id is langer dan 64 tekens")
        period = row["period"]
        if not _PERIOD.match(period):
            errors.append(
                f"regel {line}: period moet JJJJ-MM zijn (bijv. 2025-06), niet {period!r}"
            )
        billed = _int_field(row, "billed_cents", errors, line)
        paid = _int_field(row, "paid_cents", errors, line)
        arrears = _int_field(row, "months_in_arrears", errors, line, minimum=0)
        if len(errors) > before:
            continue
        key = (account, period)
        if key in seen:
            errors.append(
                f"regel {line}: account_id {account} heeft periode {period} al op regel {seen[key]}"
            )
            continue
        seen[key] = line
        rows.append(HistoryRow(account, period, billed, paid, arrears))
    if errors:
        raise HistoryFormatError(name, errors)
    return rows


_TRUE = {"1": True, "0": False, "true": True, "false": False, "ja": True, "nee": False}


def read_outcomes(source: str | Path | IO[str]) -> list[OutcomeRow]:
    """Read and validate an outcome file (``in_arrears_next`` is 1/0, true/false, ja/nee)."""
    errors: list[str] = []
    rows: list[OutcomeRow] = []
    seen: dict[str, int] = {}
    name = str(source) if isinstance(source, str | Path) else getattr(source, "name", "<stream>")
    for line, row in _rows(source, OUTCOME_COLUMNS):
        if "__error__" in row:
            errors.append(f"regel {line}: {row['__error__']}")
            continue
        account = row["account_id"]
        value = _TRUE.get(row["in_arrears_next"].lower())
        if not account:
            errors.append(f"regel {line}: account_id is leeg")
        elif value is None:
            errors.append(
                f"regel {line}: in_arrears_next moet 1 of 0 zijn, niet {row['in_arrears_next']!r}"
            )
        elif account in seen:
            errors.append(f"regel {line}: account_id {account} staat al op regel {seen[account]}")
        else:
            seen[account] = line
            rows.append(OutcomeRow(account, value))
    if errors:
        raise HistoryFormatError(name, errors)
    return rows


def write_history(target: str | Path | IO[str], rows: Iterable[HistoryRow]) -> int:
    """Write rows in the interchange format (comma, UTF-8, header first); returns the count."""
    with _writer(target) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HISTORY_COLUMNS)
        n = 0
        for r in rows:
            w.writerow((r.account_id, r.period, r.billed_cents, r.paid_cents, r.months_in_arrears))
            n += 1
    return n


def write_outcomes(target: str | Path | IO[str], rows: Iterable[OutcomeRow]) -> int:
    with _writer(target) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(OUTCOME_COLUMNS)
        n = 0
        for r in rows:
            w.writerow((r.account_id, int(r.in_arrears_next)))
            n += 1
    return n


class _writer:
    """Open a path for writing, or pass a stream through without closing it."""

    def __init__(self, target: str | Path | IO[str]) -> None:
        self.target = target
        self.fh: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if isinstance(self.target, str | Path):
            self.fh = Path(self.target).open("w", encoding="utf-8", newline="")
            return self.fh
        return self.target

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()


# --- array form ------------------------------------------------------------------------


@dataclass
class MonthlyHistory:
    """``n`` accounts x ``months`` months, oldest month first, last column = "now".

    ``active`` marks months that carry data (a row in the file, or ledger activity on or
    after the account's first invoice or payment); missing months inside the window are
    zeros and inactive, so a new account is not mistaken for one that stopped paying.
    """

    account_ids: list
    billed: np.ndarray  # int64 (n, months)
    paid: np.ndarray  # int64 (n, months)
    months_in_arrears: np.ndarray  # int64 (n, months)
    active: np.ndarray  # bool (n, months)
    last_period: np.ndarray  # int64 (n,) period index of the last column

    @property
    def months(self) -> int:
        return int(self.billed.shape[1])

    def __len__(self) -> int:
        return len(self.account_ids)

    def rows(self) -> Iterator[HistoryRow]:
        """The interchange rows (active months only), account by account."""
        months = self.months
        for i, acc in enumerate(self.account_ids):
            last = int(self.last_period[i])
            for j in range(months):
                if self.active[i, j]:
                    yield HistoryRow(
                        str(acc),
                        period_label(last - months + 1 + j),
                        int(self.billed[i, j]),
                        int(self.paid[i, j]),
                        int(self.months_in_arrears[i, j]),
                    )


def history_matrix(rows: Iterable[HistoryRow], *, months: int = 12) -> MonthlyHistory:
    """Rows -> arrays. Each account's window ends at its own last period in the rows.

    Per-account alignment lets one file hold several snapshots (give each snapshot its own
    account_id, e.g. ``A123@2025-03``), so an organisation can stack a few month ends for
    more training rows.
    """
    by_account: dict[str, list[HistoryRow]] = {}
    for r in rows:
        by_account.setdefault(r.account_id, []).append(r)
    ids = list(by_account)
    n = len(ids)
    billed = np.zeros((n, months), dtype=np.int64)
    paid = np.zeros((n, months), dtype=np.int64)
    arrears = np.zeros((n, months), dtype=np.int64)
    active = np.zeros((n, months), dtype=bool)
    last = np.zeros(n, dtype=np.int64)
    for i, acc in enumerate(ids):
        items = [(period_index(r.period), r) for r in by_account[acc]]
        end = max(p for p, _ in items)
        last[i] = end
        for p, r in items:
            j = p - end + months - 1
            if j < 0:
                continue
            billed[i, j] = r.billed_cents
            paid[i, j] = r.paid_cents
            arrears[i, j] = r.months_in_arrears
            active[i, j] = True
    return MonthlyHistory(ids, billed, paid, arrears, active, last)


def write_history_text(rows: Iterable[HistoryRow]) -> str:
    """The CSV as a string (tests, small exports)."""
    buf = io.StringIO()
    write_history(buf, rows)
    return buf.getvalue()


# --- from the ledger (kept in ledger_history.py; re-exported here for one entry point) --


def history_from_ledger(
    organisation_id: int,
    account_ids: Sequence[int] | None = None,
    months: int = 12,
    *,
    as_of,
) -> list[HistoryRow]:
    """The interchange rows computed from the ledger; see ``ledger_history`` for definitions."""
    from vangnet.scoring import ledger_history

    return ledger_history.history_from_ledger(organisation_id, account_ids, months, as_of=as_of)


def outcomes_from_ledger(
    organisation_id: int, account_ids: Sequence[int] | None = None, *, as_of
) -> list[OutcomeRow]:
    """In arrears at the end of the month after ``as_of``'s month, per account."""
    from vangnet.scoring import ledger_history

    return ledger_history.outcomes_from_ledger(organisation_id, account_ids, as_of=as_of)
