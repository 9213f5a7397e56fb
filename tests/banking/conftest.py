from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
CAMT = DATA / "camt053"
MT940 = DATA / "mt940"
DAY = date(2025, 6, 10)


def camt_document(
    entries: str, *, version: str = "001.02", iban: str = "NL02ABNA0123456789"
) -> str:
    """A minimal CAMT.053 around hand-written ``Ntry`` elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.{version}"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-06-10T08:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>STMT-1</Id><CreDtTm>2025-06-10T08:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-06-10</Dt></Dt></Bal>"
        f"{entries}</Stmt></BkToCstmrStmt></Document>\n"
    )


@pytest.fixture
def write(tmp_path):
    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return _write
