"""The values that flow between the reader, the batch writers and the callers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vangnet.core.errors import Invalid

ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Rejection:
    """One reason a row was not imported; a row may have several (one per bad cell)."""

    line: int
    column: str
    code: str
    reason_nl: str
    reason_en: str

    def as_text(self) -> str:
        return f"regel {self.line}, kolom {self.column}: {self.reason_nl} / {self.reason_en}"


@dataclass
class ParsedRow:
    line: int
    values: dict[str, Any]


@dataclass
class BatchOutcome:
    """What a batch writer did; rejections name canonical columns (the runner maps them)."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[tuple[int, str, Invalid]] = field(default_factory=list)

    def reject(self, row: ParsedRow, column: str, error: Invalid) -> None:
        self.rejections.append((row.line, column, error))


@dataclass
class ImportResult:
    kind: str
    file_name: str = ""
    dry_run: bool = False
    rows_total: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        """The last line of every import's output (scripts parse it)."""
        return (
            f"imported {self.imported}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )

    def counts(self) -> dict[str, int]:
        return {
            "rows_total": self.rows_total,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }
