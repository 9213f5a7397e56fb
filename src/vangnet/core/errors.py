"""A validation failure with a stable code and a Dutch and English reason.

Importers report each rejected row in both languages, and forms show the Dutch text, so
the reason is carried as data rather than formatted at the point of failure.
"""

from __future__ import annotations


class Invalid(ValueError):
    def __init__(self, code: str, nl: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.nl = nl
        self.en = en

    def __str__(self) -> str:
        return f"{self.nl} / {self.en}"
