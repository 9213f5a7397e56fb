"""Hostile XML: entities, external references, DTDs and oversized files are refused."""

from __future__ import annotations

import io

import pytest

from vangnet.banking.camt053 import CamtReader
from vangnet.banking.detect import detect_format, statement_reader
from vangnet.banking.errors import StatementRefused
from vangnet.banking.safexml import LimitedReader, open_source

from .conftest import camt_document

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>&lol9;</Id></Stmt></BkToCstmrStmt></Document>
"""


def _external(url: str) -> str:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE Document [<!ENTITY xxe SYSTEM "{url}">]>\n'
        + camt_document(
            '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
            "<AddtlNtryInf>&xxe;</AddtlNtryInf></Ntry>"
        ).split("\n", 1)[1]
    )


@pytest.mark.parametrize(
    "content",
    [BILLION_LAUGHS, _external("file:///etc/passwd"), _external("http://127.0.0.1:9/x")],
    ids=["billion-laughs", "xxe-file", "xxe-http"],
)
def test_doctype_and_entities_are_refused_up_front(write, content):
    path = write("hostile.xml", content)
    with pytest.raises(StatementRefused) as exc:
        list(statement_reader(path))
    assert exc.value.code == "doctype"
    assert exc.value.nl == "Het bestand bevat een DOCTYPE; dat is niet toegestaan"
    assert "DOCTYPE" in exc.value.en


def test_doctype_hidden_behind_a_long_comment_is_refused_by_the_parser(write):
    """Past the 64 kB prolog scan, the parser-level check still refuses (never expands)."""
    padding = "<!-- " + "x" * 70_000 + " -->\n"
    content = (
        '<?xml version="1.0"?>\n' + padding + _external("file:///etc/passwd").split("\n", 1)[1]
    )
    path = write("hidden.xml", content)
    reader = CamtReader(open_source(path))
    with pytest.raises(StatementRefused) as exc:
        for entry in reader:
            assert "root:" not in getattr(entry, "additional_info", "")
    assert exc.value.code in {"doctype", "xml"}


def test_file_over_the_limit_is_refused_without_reading(write, tmp_path):
    path = tmp_path / "sparse.xml"
    with path.open("wb") as f:  # sparse: 300 MB apparent size, no data written
        f.seek(300 * 1024 * 1024)
        f.write(b"\0")
    with pytest.raises(StatementRefused) as exc:
        statement_reader(path)  # default limit 200 MB
    assert exc.value.code == "too_big"
    assert "200 MB" in exc.value.en


class CountingStream(io.RawIOBase):
    """A non-seekable upload stream that records how much was read from it."""

    def __init__(self, path):
        self._file = path.open("rb")
        self.read_bytes = 0

    def readable(self):
        return True

    def read(self, size=-1):
        data = self._file.read(size)
        self.read_bytes += len(data)
        return data

    def close(self):
        self._file.close()
        super().close()


def test_real_100_mb_statement_is_refused_without_reading_it_all(tmp_path):
    """The issue's check: a real 100 MB CAMT.053, generated streaming.

    By path it is refused on its size before it is opened; as an upload stream (size
    unknown) reading stops just past the limit (4 MB here, so the test stays quick).
    """
    path = tmp_path / "big.xml"
    entry = (
        b'<Ntry><Amt Ccy="EUR">12.34</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        b"<BookgDt><Dt>2025-06-10</Dt></BookgDt><NtryDtls><TxDtls><RmtInf>"
        b"<Ustrd>Factuur V202506000000001 betaling drinkwater juni</Ustrd>"
        b"</RmtInf></TxDtls></NtryDtls></Ntry>\n"
    )
    head, tail = camt_document("@@").encode().split(b"@@")
    with path.open("wb") as f:
        f.write(head)
        block = entry * 1000
        while f.tell() < 100 * 1024 * 1024:
            f.write(block)
        f.write(tail)
    limit = 4 * 1024 * 1024
    assert path.stat().st_size >= 100 * 1024 * 1024
    with pytest.raises(StatementRefused):
        statement_reader(path, limit=limit)  # by size, before opening
    stream = CountingStream(path)
    with pytest.raises(StatementRefused) as exc:
        list(statement_reader(stream, limit=limit))
    assert exc.value.code == "too_big"
    assert stream.read_bytes <= limit + 1024 * 1024
    stream.close()


def test_limited_reader_replays_the_head():
    data = b"<a>" + b"x" * 100_000 + b"</a>"
    reader = LimitedReader(io.BytesIO(data), limit=10**6)
    out = b"".join(iter(lambda: reader.read(4096), b""))
    assert out == data
    assert reader.bytes_read == len(data)


def test_broken_xml_is_refused_with_its_line(write):
    path = write("broken.xml", camt_document("<Ntry><Amt>1.00</Ntry>"))
    with pytest.raises(StatementRefused) as exc:
        list(statement_reader(path))
    assert exc.value.code == "xml"
    assert "line" in exc.value.en


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (camt_document("").encode(), "camt053"),
        (camt_document("", version="001.08").encode(), "camt053"),
        (b"\xef\xbb\xbf" + camt_document("").encode(), "camt053"),
        (b":20:940S130101\n:25:NL71RABO0123456789\n:28C:0\n:60F:C130101EUR1,00\n", "mt940"),
        (b"{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:\n:20:0\n:25:NL81\n", "mt940"),
    ],
)
def test_detect_format(head, expected):
    assert detect_format(head) == expected


@pytest.mark.parametrize(
    ("head", "word"),
    [
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
            b'pain.008.001.08"></Document>',
            "pain.008.001.08",
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"/>',
            "camt.054.001.02",
        ),
        (b"datum;bedrag;omschrijving\n2025-06-10;12,50;x\n", "unknown file format"),
        (b"%PDF-1.7\n", "unknown file format"),
    ],
)
def test_unknown_formats_are_refused_clearly(head, word):
    with pytest.raises(StatementRefused) as exc:
        detect_format(head)
    assert word in exc.value.en
