"""CAMT.053 (ISO 20022 bank-to-customer statement), versions 001.02 up to 001.08+.

The version is read from the root namespace and otherwise ignored: the elements we use
(entries, references, remittance, related parties, return information) kept their
names across versions, and where they moved (``Sts`` became ``Sts/Cd`` in .08, party
names went under ``Pty`` in .08) both places are read.

Streaming: ``iterparse`` stops at the start of each ``Stmt`` and the end of each
``Ntry``; an entry is turned into a ``ParsedEntry`` and cleared at once, so memory
stays flat for a 100,000-entry file. A batch booking (one ``Ntry`` with several
``TxDtls`` that each carry an amount) becomes one entry per transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from vangnet.banking.errors import StatementRefused
from vangnet.banking.records import CREDIT, DEBIT, EntryProblem, ParsedEntry, StatementInfo
from vangnet.banking.safexml import LimitedReader, safe_iterparse

FORMAT = "camt053"
NOT_PROVIDED = {"NOTPROVIDED", "NONREF", ""}


def _localname(tag: str) -> str:
    return tag.rpartition("}")[2]


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _date(text: str | None) -> date | None:
    """``Dt`` or ``DtTm``: the calendar date as the bank wrote it (its local date)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


class CamtReader:
    """Iterate the entries of a CAMT.053 file; ``statements`` fills as it goes."""

    def __init__(self, reader: LimitedReader) -> None:
        self._reader = reader
        self.statements: list[StatementInfo] = []
        self.version = ""
        self._paths: dict[str, str] = {}
        self._ns = ""
        self._cut = 0
        self._tags: dict[str, str] = {}

    def close(self) -> None:
        self._reader.close()

    # -- paths ---------------------------------------------------------------------
    def _q(self, path: str) -> str:
        """``"Refs/EndToEndId"`` → ``"{ns}Refs/{ns}EndToEndId"`` (cached)."""
        found = self._paths.get(path)
        if found is None:
            prefix = f"{{{self._ns}}}" if self._ns else ""
            found = "/".join(f"{prefix}{part}" for part in path.split("/"))
            self._paths[path] = found
        return found

    def _text(self, element: Any, *paths: str) -> str:
        for path in paths:
            value = element.findtext(self._q(path))
            if value is not None and value.strip():
                return " ".join(value.split())
        return ""

    # -- statements ----------------------------------------------------------------
    def _statement(self, stmt: Any) -> StatementInfo:
        iban = self._text(stmt, "Acct/Id/IBAN", "Acct/Id/Othr/Id").replace(" ", "").upper()
        statement_id = self._text(stmt, "Id") or self._text(stmt, "ElctrncSeqNb")
        info = StatementInfo(FORMAT, self.version, statement_id, iban)
        self.statements.append(info)
        return info

    def __iter__(self) -> Iterator[ParsedEntry | EntryProblem]:
        current: StatementInfo | None = None
        entry_number = 0
        events = safe_iterparse(self._reader, events=("start", "end"), tag=("{*}Stmt", "{*}Ntry"))
        for event, element in events:
            name = _localname(element.tag)
            if not self.version:
                root = element.getroottree().getroot()
                self._ns = _namespace(root.tag)
                if _localname(root.tag) != "Document" or "camt.053" not in self._ns:
                    raise StatementRefused(
                        "format",
                        f"Dit is geen CAMT.053-bestand (namespace {self._ns or 'geen'})",
                        f"this is not a CAMT.053 file (namespace {self._ns or 'none'})",
                    )
                self.version = self._ns.rpartition(":")[2] or "camt.053"
                self._cut = len(self._ns) + 2 if self._ns else 0
            if name == "Stmt":
                if event == "start":
                    current = None
                    continue
                if current is None:  # a statement without entries
                    current = self._statement(element)
                element.clear()
                current = None
                continue
            if event == "start":
                if current is None:
                    # Id and Acct precede the first Ntry, so they are complete now.
                    current = self._statement(element.getparent())
                continue
            entry_number += 1
            line = element.sourceline or 0
            try:
                for parsed in self._entry(element, current, entry_number, line):
                    current.entry_count += 1
                    yield parsed
            except EntryProblem as problem:
                yield problem
            element.clear()
            parent = element.getparent()
            while element.getprevious() is not None:
                del parent[0]
        if not self.statements:
            raise StatementRefused(
                "empty",
                "Het CAMT.053-bestand bevat geen afschrift (Stmt)",
                "the CAMT.053 file contains no statement (Stmt)",
            )

    # -- entries -------------------------------------------------------------------
    # Each entry is read by looping over the children we need and dispatching on their
    # name; subtrees we do not use (addresses, party ids, charges) are never visited.
    # Measured: three times faster than a generic walk, six times a findtext per field.

    def _child(self, element: Any, *names: str) -> Any:
        """``element/names[0]/names[1]…``: a loop over the few children is faster than
        ``find`` (which compiles a path each call)."""
        tags = self._tags
        for name in names:
            if element is None:
                return None
            tag = tags.get(name)
            if tag is None:
                tag = tags[name] = f"{{{self._ns}}}{name}" if self._ns else name
            for child in element:
                if child.tag == tag:
                    element = child
                    break
            else:
                return None
        return element

    def _leaf(self, element: Any, *names: str) -> str:
        found = self._child(element, *names)
        text = found.text if found is not None else None
        return " ".join(text.split()) if text else ""

    def _bank_code(self, bktxcd: Any) -> str:
        domain = self._child(bktxcd, "Domn")
        if domain is not None:
            parts = (
                self._leaf(domain, "Cd"),
                self._leaf(domain, "Fmly", "Cd"),
                self._leaf(domain, "Fmly", "SubFmlyCd"),
            )
            return "/".join(p for p in parts if p)
        return self._leaf(bktxcd, "Prtry", "Cd")

    @staticmethod
    def _amount(node: Any, position: str) -> tuple[Decimal, str] | None:
        raw = (node.text or "").strip() if node is not None else ""
        if not raw:
            return None
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise EntryProblem(position, f"onleesbaar bedrag {raw!r}", f"unreadable amount {raw!r}")
        return amount, node.get("Ccy", "")

    def _entry(
        self, ntry: Any, statement: StatementInfo, number: int, line: int
    ) -> Iterator[ParsedEntry]:
        position = f"entry {number} (line {line})"
        cut = self._cut
        fields: dict[str, str] = {}
        amount_node = None
        transactions: list[Any] = []
        for child in ntry:
            name = child.tag[cut:]
            if name == "NtryDtls":
                transactions.extend(tx for tx in child if tx.tag[cut:] == "TxDtls")
            elif name == "Amt":
                amount_node = child
            elif name == "BkTxCd":
                fields[name] = self._bank_code(child)
            elif len(child):  # Sts/Cd (.08), BookgDt/Dt|DtTm, ValDt/Dt|DtTm
                fields[name] = child[0].text or ""
            else:
                fields[name] = child.text or ""
        found = self._amount(amount_node, position)
        if found is None:
            raise EntryProblem(position, "post zonder bedrag", "entry without an amount")
        amount, currency = found
        indicator = fields.get("CdtDbtInd", "").strip()
        if indicator not in ("CRDT", "DBIT"):
            raise EntryProblem(
                position,
                f"onbekende credit/debet-aanduiding {indicator!r}",
                f"unknown credit/debit indicator {indicator!r}",
            )
        base = {
            "statement": statement,
            "position": position,
            "currency": currency,
            "direction": CREDIT if indicator == "CRDT" else DEBIT,
            "booking_date": _date(fields.get("BookgDt")),
            "value_date": _date(fields.get("ValDt")),
            "booked": fields.get("Sts", "").strip() in ("BOOK", ""),
            "reversal": fields.get("RvslInd", "").strip().lower() == "true",
            "account_servicer_reference": " ".join(fields.get("AcctSvcrRef", "").split()),
            "bank_code": fields.get("BkTxCd", ""),
            "additional_info": " ".join(fields.get("AddtlNtryInf", "").split()),
        }
        details = [self._transaction(tx, position) for tx in transactions]
        if len(details) > 1 and all(d["amount"] for d in details):
            for k, detail in enumerate(details, 1):
                tx_amount, tx_currency = detail.pop("amount")
                entry = ParsedEntry(
                    index=statement.entry_count, amount=tx_amount, sub_index=k, **base
                )
                entry.position = f"{position} transaction {k}"
                entry.currency = tx_currency or currency
                self._apply(entry, detail)
                yield entry
            return
        entry = ParsedEntry(index=statement.entry_count, amount=amount, **base)
        if details:
            details[0].pop("amount")
            self._apply(entry, details[0])
        yield entry

    def _transaction(self, tx: Any, position: str) -> dict[str, Any]:
        cut = self._cut
        out: dict[str, Any] = {"amount": None, "ustrd": [], "parties": {}}
        for child in tx:
            name = child.tag[cut:]
            if name == "Refs":
                for ref in child:
                    out.setdefault(ref.tag[cut:], ref.text or "")
            elif name == "RmtInf":
                for part in child:
                    kind = part.tag[cut:]
                    if kind == "Ustrd":
                        out["ustrd"].append(part.text or "")
                    elif kind == "Strd" and "CdtrRef" not in out:
                        ref = self._leaf(part, "CdtrRefInf", "Ref")
                        if ref:
                            out["CdtrRef"] = ref
            elif name == "RltdPties":
                for party in child:
                    role = party.tag[cut:]
                    if role in ("Dbtr", "Cdtr"):
                        out["parties"].setdefault(role, ["", ""])[0] = self._leaf(
                            party, "Nm"
                        ) or self._leaf(party, "Pty", "Nm")
                    elif role in ("DbtrAcct", "CdtrAcct"):
                        out["parties"].setdefault(role[:4], ["", ""])[1] = self._leaf(
                            party, "Id", "IBAN"
                        ) or self._leaf(party, "Id", "Othr", "Id")
            elif name == "RtrInf":
                out["RtrInf"] = self._leaf(child, "Rsn", "Cd") or self._leaf(child, "Rsn", "Prtry")
            elif name == "AddtlTxInf":
                out[name] = child.text or ""
            elif name == "Amt":
                out["amount"] = self._amount(child, position)
            elif name == "AmtDtls" and out["amount"] is None:
                out["amount"] = self._amount(self._child(child, "TxAmt", "Amt"), position)
            elif name == "BkTxCd":
                out[name] = self._bank_code(child)
        return out

    @staticmethod
    def _apply(entry: ParsedEntry, tx: dict[str, Any]) -> None:
        def clean(key: str) -> str:
            return " ".join((tx.get(key) or "").split())

        entry.end_to_end_id = clean("EndToEndId")
        if entry.end_to_end_id.upper() in NOT_PROVIDED:
            entry.end_to_end_id = ""
        entry.mandate_id = clean("MndtId")
        if not entry.account_servicer_reference:
            entry.account_servicer_reference = clean("AcctSvcrRef")
        entry.creditor_reference = clean("CdtrRef")
        entry.remittance = " ".join(" ".join(u.split()) for u in tx["ustrd"] if u.strip())
        extra = clean("AddtlTxInf")
        if extra:
            entry.additional_info = f"{entry.additional_info} {extra}".strip()
        entry.return_reason = clean("RtrInf")
        if tx.get("BkTxCd") and not entry.bank_code:
            entry.bank_code = tx["BkTxCd"]
        # The counterparty: the payer of a credit; the payee of a debit — except a
        # returned direct debit, where the debtor (our customer) is the one we want.
        payer = entry.direction == CREDIT or bool(entry.return_reason)
        parties = tx["parties"]
        for role in ("Dbtr", "Cdtr") if payer else ("Cdtr", "Dbtr"):
            name, iban = parties.get(role, ("", ""))
            if name or iban:
                entry.party_name = name[:140]
                entry.party_iban = iban.replace(" ", "").upper()[:34]
                break
