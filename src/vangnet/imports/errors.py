"""Why a whole import file is refused, as opposed to one rejected row.

A refused file (wrong encoding, missing columns, empty, too big) writes nothing, and the
CLI exits with code 2; a rejected row only costs that row.
"""

from __future__ import annotations

from vangnet.core.errors import Invalid


class FileRefused(Invalid):
    """The file as a whole cannot be imported; nothing was written."""


class BatchFailed(RuntimeError):
    """A batch failed while writing; it was rolled back, earlier batches were kept.

    Only a bug or a concurrent writer can cause this, because rows are validated before
    the batch is written. ``rows_committed`` says how far the import got.
    """

    def __init__(self, message: str, *, first_line: int, rows_committed: int) -> None:
        super().__init__(message)
        self.first_line = first_line
        self.rows_committed = rows_committed
