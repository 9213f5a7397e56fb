"""Which statement format a file is, from its first bytes (never from its name).

XML whose root namespace names ``camt.053`` is CAMT.053 (any version); text with the
MT940 tags ``:20:`` and ``:25:``/``:60F:``/``:61:`` is MT940. Everything else — a
CAMT.054, a pain.008, a CSV, a PDF — is refused with a reason that says what was found.
"""

from __future__ import annotations

import re

from vangnet.banking.errors import StatementRefused
from vangnet.banking.safexml import Source, check_prolog, decoded_head, open_source

CAMT053 = "camt053"
MT940 = "mt940"

_NAMESPACE = re.compile(rb"xmlns(?::\w+)?\s*=\s*[\"']([^\"']+)[\"']")
_MT940_TAG = re.compile(rb"^:(25|28C?|60[FM]|61|62[FM]):", re.MULTILINE)
_MT940_START = re.compile(rb"(^|\n|\{4:\s*\n?):20:", re.MULTILINE)


def detect_format(head: bytes) -> str:
    text = decoded_head(head).lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        check_prolog(text)
        namespaces = [ns.decode(errors="replace") for ns in _NAMESPACE.findall(text)]
        if any("camt.053" in ns for ns in namespaces):
            return CAMT053
        found = next((ns for ns in namespaces if "iso:20022" in ns or "camt" in ns), "")
        what = found.rpartition(":")[2] if found else "XML"
        raise StatementRefused(
            "format",
            f"Dit XML-bestand is geen CAMT.053-afschrift maar {what}; lees een "
            "CAMT.053- of MT940-bestand in",
            f"this XML file is not a CAMT.053 statement but {what}; "
            "import a CAMT.053 or MT940 file",
        )
    normalised = text.replace(b"\r\n", b"\n")
    if _MT940_START.search(normalised) and _MT940_TAG.search(normalised):
        return MT940
    raise StatementRefused(
        "format",
        "Onbekend bestandsformaat; verwacht een bankafschrift in CAMT.053 (XML) of MT940",
        "unknown file format; expected a CAMT.053 (XML) or MT940 bank statement",
    )


def statement_reader(source: Source, *, limit: int | None = None):
    """Open ``source`` (size-checked), detect its format and return the entry reader."""
    from vangnet.banking.camt053 import CamtReader
    from vangnet.banking.mt940 import Mt940Reader

    reader = open_source(source, limit=limit)
    try:
        kind = detect_format(reader.head)
    except StatementRefused:
        reader.close()
        raise
    return (CamtReader if kind == CAMT053 else Mt940Reader)(reader)
