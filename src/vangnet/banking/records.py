"""The common shape of a statement entry, whatever format it came in.

CAMT.053 and the MT940 dialects of the Dutch banks are both parsed into ``ParsedEntry``
so that import and reconciliation never look at a file format. Amounts are ``Decimal``
at this edge and become integer cents (exactly, or the entry is rejected) in
``ParsedEntry.cents``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

CREDIT = "credit"
DEBIT = "debit"


class EntryProblem(ValueError):
    """One entry cannot be used; the others can. Carries a Dutch and an English reason."""

    def __init__(self, position: str, nl: str, en: str) -> None:
        super().__init__(en)
        self.position = position
        self.nl = nl
        self.en = en

    def __str__(self) -> str:
        return f"{self.position}: {self.en}"


@dataclass(slots=True)
class StatementInfo:
    """One statement (a CAMT ``Stmt`` or an MT940 ``:20:`` block) in a file."""

    format: str  # "camt053" or "mt940"
    version: str  # e.g. "camt.053.001.08" or "mt940"
    statement_id: str
    account_iban: str
    entry_count: int = 0


@dataclass(slots=True)
class ParsedEntry:
    statement: StatementInfo
    index: int  # position of the entry within its statement (0-based)
    position: str  # where a person finds it: "entry 12" or "line 240"
    amount: Decimal
    currency: str
    direction: str  # CREDIT or DEBIT
    booking_date: date | None
    value_date: date | None = None
    booked: bool = True  # CAMT status BOOK (PDNG/INFO entries are not money yet)
    reversal: bool = False
    account_servicer_reference: str = ""
    end_to_end_id: str = ""
    mandate_id: str = ""
    creditor_reference: str = ""  # structured: the betalingskenmerk
    remittance: str = ""  # unstructured text
    additional_info: str = ""
    party_name: str = ""
    party_iban: str = ""
    bank_code: str = ""
    return_reason: str = ""
    sub_index: int = 0  # the k-th transaction of a batch booking, split into entries
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def cents(self) -> int:
        """The amount in integer cents; a fraction of a cent is a problem, not rounded."""
        scaled = self.amount * 100
        if scaled != scaled.to_integral_value():
            raise EntryProblem(
                self.position,
                f"bedrag {self.amount} heeft meer dan twee decimalen",
                f"amount {self.amount} has more than two decimals",
            )
        return abs(int(scaled))

    @property
    def key(self) -> str:
        """A stable natural key, so re-importing the same statement changes nothing.

        The bank's own reference (AcctSvcrRef) when the bank gives one, qualified by the
        account; otherwise a hash of where the entry sits and what it says.
        """
        ref = self.account_servicer_reference.strip()
        if ref:
            key = f"{self.statement.account_iban}:{ref}"
            if self.sub_index:
                key += f"#{self.sub_index}"
            if len(key) <= 64:
                return key
        material = "|".join(
            (
                self.statement.format,
                self.statement.account_iban,
                self.statement.statement_id,
                str(self.index),
                str(self.sub_index),
                str(self.amount),
                self.direction,
                self.booking_date.isoformat() if self.booking_date else "",
                ref,
                self.end_to_end_id,
                self.extra.get("customer_reference", ""),
                self.extra.get("bank_reference", ""),
            )
        )
        return "h:" + hashlib.sha256(material.encode()).hexdigest()[:40]

    @property
    def text(self) -> str:
        """All free text a payer or bank wrote, for the invoice/customer-number search."""
        return " ".join(t for t in (self.remittance, self.additional_info) if t)
