"""MT940 via the ``mt-940`` package, with the Dutch banks' ``:86:`` dialects.

``mt940.parse_statements`` reads the SWIFT tags; what a Dutch bank puts in the
free-format ``:86:`` field differs per bank and per era, and that is what this module
normalises into ``ParsedEntry`` fields:

- SEPA-structured (ING, Rabobank, ABN AMRO since 2014):
  ``/EREF/…/REMI/…/IBAN/…/NAME/…``, ``/CNTP/iban/bic/name/city/``,
  ``/REMI/USTD//text/`` or ``/REMI/STRD/CUR/betalingskenmerk/``, ``/RTRN/AM04/``;
- labelled text (ABN AMRO, Knab): ``IBAN: … NAAM: … OMSCHRIJVING: … KENMERK: …``,
  ``REK: NL…/NAAM: …``;
- Triodos subfields ``>20``–``>29`` (text), ``>31`` (account), ``>32`` (name);
- account first (ASN, SNS, old ING): ``NL47INGB… name`` then the description;
- anything else: the whole text as remittance, plus a ``BETALINGSKENM.`` scan.

MT940 has no bank reference per entry that is unique by contract, so the entry key is
a hash of the statement, the position and the content (``ParsedEntry.key``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import mt940
from mt940 import tags as mt940_tags

from vangnet.banking.errors import StatementRefused
from vangnet.banking.records import CREDIT, DEBIT, EntryProblem, ParsedEntry, StatementInfo
from vangnet.banking.safexml import LimitedReader

FORMAT = "mt940"

_SEPA_KEYS = (
    "EREF|REMI|IBAN|NAME|BIC|TRTP|CSID|MARF|RTRN|ORDP|BENM|ID|ISDT|CNTP|ULTC|ULTD|ULTB|"
    "PURP|SVCL|PREF|BUSP|ADDR|OAMT|CHGS|EXCH|IREF|KREF|PRDT|CDTRREFTP|CDTRREF|ACCW"
)
_SEPA_KEY = re.compile(rf"/({_SEPA_KEYS})/")
_LABEL = re.compile(
    r"\b(IBAN|BIC|NAAM|OMSCHRIJVING|KENMERK|BETALINGSKENM\.?|MACHTIGING|INCASSANT|REK)\s*:"
)
_KENMERK = re.compile(r"BETALINGSKENM(?:ERK)?\.?:?\s*((?:\d[ .]?){15,16})", re.IGNORECASE)
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_ACCOUNT_FIRST = re.compile(r"^([A-Z]{2}\d{2}[A-Z]{4}\d{8,10}|\d{9,10})\s+(.*)$")
_TRIODOS = re.compile(r">(\d{2})")
NOT_PROVIDED = {"NOTPROVIDED", "NONREF", ""}


class LenientStatementLine(mt940_tags.Statement):
    """``:61:`` whose supplementary details may span lines (ASN puts the name there)."""

    pattern = mt940_tags.Statement.pattern.replace(
        r"(\n?(?P<extra_details>.*))?", r"(\n?(?P<extra_details>[\s\S]*?))?"
    )


def _squash(text: str) -> str:
    return " ".join(text.split())


def _iban(value: str) -> str:
    compact = value.replace(" ", "").upper()
    return compact if _IBAN.match(compact) else ""


def _sepa_fields(text: str) -> dict[str, str]:
    """``/KEY/value/KEY/value`` → dict; only known keys split, so values may hold '/'."""
    joined = text.replace("\n", "")
    fields: dict[str, str] = {}
    matches = list(_SEPA_KEY.finditer(joined))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(joined)
        value = joined[match.end() : end].strip()
        if value.endswith("/"):  # ING closes each value with "/" before the next "/KEY/"
            value = value[:-1]
        fields.setdefault(match.group(1), value.strip())
    return fields


def parse_details(details: str, extra: str = "") -> dict[str, str]:
    """Normalise one ``:86:`` text (and the ``:61:`` supplementary details)."""
    out = {
        "end_to_end_id": "",
        "mandate_id": "",
        "creditor_reference": "",
        "remittance": "",
        "party_name": "",
        "party_iban": "",
        "return_reason": "",
    }
    details = details or ""
    extra_lines = [line.strip() for line in (extra or "").splitlines() if line.strip()]
    stripped = details.strip()
    if _SEPA_KEY.match(stripped.replace("\n", "")):
        f = _sepa_fields(stripped)
        out["end_to_end_id"] = "" if f.get("EREF", "").upper() in NOT_PROVIDED else f["EREF"]
        out["mandate_id"] = f.get("MARF", "")
        out["return_reason"] = f.get("RTRN", "").strip("/").split("/")[0][:8]
        remi = f.get("REMI", "")
        if remi.startswith("STRD/"):
            # /REMI/STRD/CUR/1234567890123456/ — the structured betalingskenmerk.
            out["creditor_reference"] = remi.split("/")[2] if remi.count("/") >= 2 else ""
        else:
            if remi.startswith("USTD//"):
                remi = remi[6:]
            out["remittance"] = _squash(remi)
        if "CNTP" in f:
            parts = f["CNTP"].split("/")
            out["party_iban"] = _iban(parts[0]) if parts else ""
            out["party_name"] = parts[2].strip() if len(parts) > 2 else ""
        out["party_iban"] = out["party_iban"] or _iban(f.get("IBAN", ""))
        out["party_name"] = out["party_name"] or f.get("NAME", "").strip()
    elif _LABEL.search(stripped):
        text = _squash(stripped)
        matches = list(_LABEL.finditer(text))
        head = text[: matches[0].start()].strip()
        fields: dict[str, str] = {}
        for i, match in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            fields.setdefault(match.group(1).rstrip("."), text[match.end() : end].strip())
        out["party_iban"] = _iban(
            (fields.get("IBAN") or fields.get("REK") or "").rstrip("/").split(" ")[0]
        )
        out["party_name"] = fields.get("NAAM", "").rstrip("/").strip()
        out["creditor_reference"] = re.sub(r"\D", "", fields.get("BETALINGSKENM", ""))
        remittance = " ".join(
            p
            for p in (
                head if not head.upper().startswith("SEPA") else "",
                fields.get("OMSCHRIJVING", ""),
            )
            if p
        )
        out["remittance"] = remittance.rstrip("/").strip()
        kenmerk = fields.get("KENMERK", "")
        if kenmerk and kenmerk.upper() not in NOT_PROVIDED:
            out["end_to_end_id"] = kenmerk
    elif _TRIODOS.search(stripped):
        parts: dict[str, list[str]] = {}
        pieces = _TRIODOS.split(stripped.replace("\n", ""))
        for code, value in zip(pieces[1::2], pieces[2::2], strict=False):
            parts.setdefault(code, []).append(value)
        out["remittance"] = _squash("".join("".join(parts.get(f"{n}", [])) for n in range(20, 30)))
        out["party_iban"] = _iban("".join(parts.get("31", [])))
        out["party_name"] = _squash(" ".join(parts.get("32", [])))
    else:
        lines = [line.strip() for line in stripped.splitlines() if line.strip()]
        first = _ACCOUNT_FIRST.match(lines[0]) if lines else None
        if first:
            out["party_iban"] = _iban(first.group(1))
            if len(lines) > 1:
                out["party_name"] = first.group(2).strip()
                out["remittance"] = _squash(" ".join(lines[1:]))
            else:
                out["remittance"] = _squash(first.group(2))
        else:
            out["remittance"] = _squash(" ".join(lines))
    if not out["creditor_reference"]:
        match = _KENMERK.search(details)
        if match:
            out["creditor_reference"] = re.sub(r"\D", "", match.group(1))
    # Rabobank and ASN give the counterparty's IBAN and name after the :61: line.
    for line in extra_lines:
        if not out["party_iban"] and _iban(line):
            out["party_iban"] = _iban(line)
        elif not out["party_name"] and not _iban(line) and not line.isdigit():
            out["party_name"] = line
    out["party_name"] = out["party_name"][:140]
    return out


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _account(identification: str) -> str:
    compact = identification.replace(" ", "").upper()
    if _iban(compact):
        return compact
    # Old Rabobank style "1291.99.348EUR": the account number without the currency.
    return re.sub(r"[A-Z]{3}$", "", compact) or compact


class Mt940Reader:
    """Iterate the entries of an MT940 file; ``statements`` lists its ``:20:`` blocks."""

    def __init__(self, reader: LimitedReader) -> None:
        self._reader = reader
        self.statements: list[StatementInfo] = []
        self.version = FORMAT

    def close(self) -> None:
        self._reader.close()

    def __iter__(self) -> Iterator[ParsedEntry | EntryProblem]:
        chunks = []
        while True:
            chunk = self._reader.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        text = _decode(b"".join(chunks))
        lines_61 = [n for n, line in enumerate(text.split("\n"), 1) if line.startswith(":61:")]
        try:
            blocks = mt940.parse_statements(text, tags={61: LenientStatementLine()})
        except (RuntimeError, ValueError, KeyError) as exc:
            raise StatementRefused(
                "mt940",
                f"Het MT940-bestand kan niet worden gelezen: {str(exc.args[0])[:200]}",
                f"cannot read the MT940 file: {str(exc.args[0])[:200]}",
            ) from exc
        if not blocks:
            raise StatementRefused(
                "empty",
                "Het MT940-bestand bevat geen afschrift (:20:)",
                "the MT940 file contains no statement (:20:)",
            )
        number = 0
        for block in blocks:
            data = block.data
            opening = data.get("final_opening_balance") or data.get("opening_balance")
            opening_date = getattr(opening, "date", None)
            statement_id = "/".join(
                str(p)
                for p in (
                    (data.get("transaction_reference") or "").strip(),
                    data.get("statement_number") or "",
                    data.get("sequence_number") or "",
                    opening_date.isoformat() if opening_date else "",
                )
            )
            info = StatementInfo(
                FORMAT, FORMAT, statement_id, _account(data.get("account_identification") or "")
            )
            self.statements.append(info)
            for index, transaction in enumerate(block):
                line = lines_61[number] if number < len(lines_61) else 0
                number += 1
                position = f"entry {number} (line {line})"
                try:
                    entry = self._entry(transaction.data, info, index, position)
                except (ArithmeticError, TypeError, ValueError) as exc:
                    yield EntryProblem(
                        position, f"onleesbare post: {exc}", f"unreadable entry: {exc}"
                    )
                    continue
                info.entry_count += 1
                yield entry

    @staticmethod
    def _entry(data: dict, info: StatementInfo, index: int, position: str) -> ParsedEntry:
        amount_obj = data.get("amount")
        if amount_obj is None:
            raise ValueError("no amount")
        amount = Decimal(amount_obj.amount)
        entry_date = data.get("entry_date") or data.get("date")
        value_date = data.get("date")
        details = parse_details(
            data.get("transaction_details") or "", data.get("extra_details") or ""
        )
        customer_reference = (data.get("customer_reference") or "").strip()
        bank_reference = (data.get("bank_reference") or "").strip()
        entry = ParsedEntry(
            statement=info,
            index=index,
            position=position,
            amount=abs(amount),
            currency=getattr(amount_obj, "currency", "") or data.get("currency") or "",
            direction=DEBIT if amount < 0 else CREDIT,
            booking_date=date(entry_date.year, entry_date.month, entry_date.day)
            if entry_date
            else None,
            value_date=date(value_date.year, value_date.month, value_date.day)
            if value_date
            else None,
            reversal=str(data.get("status") or "").startswith("R"),
            account_servicer_reference=""
            if bank_reference.upper() in NOT_PROVIDED
            else bank_reference,
            bank_code=data.get("id") or "",
            **details,
        )
        if customer_reference.upper() not in NOT_PROVIDED | {"EREF"}:
            entry.extra["customer_reference"] = customer_reference
        entry.extra["bank_reference"] = bank_reference
        return entry
