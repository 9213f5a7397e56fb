"""Reading untrusted XML safely: no entities, no DTDs, no network, bounded size.

Bank files come from outside, so the XML parser must never expand entities (billion
laughs), fetch anything (``SYSTEM "file:///etc/passwd"`` or ``http://…``) or load a
DTD. Three independent guards:

1. the size is checked before parsing (``stat`` for a path; a counting reader that
   stops at the limit for an upload stream), so a huge file is never read in full;
2. the prolog is scanned and any ``<!DOCTYPE``/``<!ENTITY`` is refused up front with a
   clear reason — CAMT.053 never has one;
3. lxml runs with ``resolve_entities=False, no_network=True, load_dtd=False,
   dtd_validation=False, huge_tree=False``, and a DOCTYPE that slipped past the prolog
   scan (say after 100 kB of comments) is refused at the first element.

``iterparse`` streams: callers clear each element they are done with, so a
100,000-entry statement parses in constant memory.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

from vangnet.banking import conf
from vangnet.banking.errors import StatementRefused

HEAD_BYTES = 64 * 1024
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

Source = str | os.PathLike[str] | IO[bytes]


def _refuse_too_big(size: int, limit: int) -> StatementRefused:
    mb = limit / (1024 * 1024)
    return StatementRefused(
        "too_big",
        f"Het bestand is groter dan de toegestane {mb:,.0f} MB (VANGNET_BANK_MAX_BYTES); "
        "het is niet ingelezen",
        f"the file is larger than the allowed {mb:,.0f} MB (VANGNET_BANK_MAX_BYTES); "
        "nothing was read",
    )


def refuse_doctype() -> StatementRefused:
    return StatementRefused(
        "doctype",
        "Het bestand bevat een DOCTYPE; dat is niet toegestaan",
        "the file contains a DOCTYPE or ENTITY declaration; that is not allowed",
    )


class LimitedReader:
    """A binary reader that refuses to deliver more than ``limit`` bytes.

    It also keeps the first bytes (``head``) for format detection and the prolog scan
    and replays them, so a non-seekable upload stream is read exactly once.
    """

    def __init__(self, raw: IO[bytes], *, limit: int) -> None:
        self._raw = raw
        self.limit = limit
        self.bytes_read = 0
        self.sha256 = hashlib.sha256()
        self._pending = b""
        self.head = self._read_raw(HEAD_BYTES)
        self._pending = self.head

    def _read_raw(self, size: int) -> bytes:
        data = self._raw.read(size)
        self.bytes_read += len(data)
        self.sha256.update(data)
        if self.bytes_read > self.limit:
            raise _refuse_too_big(self.bytes_read, self.limit)
        return data

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = 1 << 20
        if self._pending:
            chunk, self._pending = self._pending[:size], self._pending[size:]
            return chunk
        return self._read_raw(size)

    def close(self) -> None:
        self._raw.close()


def open_source(source: Source, *, limit: int | None = None) -> LimitedReader:
    """Open a path or wrap a stream; refuse (without reading) what is over the limit."""
    limit = conf.max_statement_bytes() if limit is None else limit
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise StatementRefused(
                "unreadable",
                f"Het bestand {path} kan niet worden gelezen ({exc.strerror})",
                f"cannot read {path} ({exc.strerror})",
            ) from exc
        if size > limit:
            raise _refuse_too_big(size, limit)
        return LimitedReader(path.open("rb"), limit=limit)
    return LimitedReader(source, limit=limit)


def decoded_head(head: bytes) -> bytes:
    """The head as UTF-8-ish bytes, so the scans also see UTF-16 files."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return head


def check_prolog(head: bytes) -> None:
    if _DECLARATION.search(decoded_head(head)):
        raise refuse_doctype()


def safe_iterparse(reader: LimitedReader, **kwargs: Any) -> Iterator[tuple[str, Any]]:
    """``lxml.etree.iterparse`` with every dangerous feature off; XML errors refused."""
    check_prolog(reader.head)
    parser_iter = etree.iterparse(
        reader,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        **kwargs,
    )
    checked = False
    try:
        for event, element in parser_iter:
            if not checked:
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise refuse_doctype()
                checked = True
            yield event, element
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None) or "?"
        raise StatementRefused(
            "xml",
            f"Het bestand is geen geldige XML (regel {line}): {exc.msg}",
            f"the file is not well-formed XML (line {line}): {exc.msg}",
        ) from exc
