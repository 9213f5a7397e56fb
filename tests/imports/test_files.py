"""Whole-file problems: empty, header only, garbage, wrong encoding, too big, BOM, sniffing."""

from __future__ import annotations

import os

import pytest

from vangnet.core.models import AuditEvent
from vangnet.imports.errors import FileRefused
from vangnet.imports.readers import open_table, sniff_delimiter
from vangnet.imports.runner import run_import
from vangnet.ledger.models import Invoice

HEADER = "factuurnummer;contractnummer;factuurdatum;vervaldatum;bedrag\n"


def _refused(path, organisation) -> FileRefused:
    with pytest.raises(FileRefused) as exc:
        run_import(kind="invoices", path=path, organisation=organisation)
    assert not Invoice.objects.exists()
    assert not AuditEvent.objects.exists()
    return exc.value


@pytest.mark.parametrize(
    ("line", "expected"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ("a;b,c;d", ";"), ("abc", ";")],
)
def test_sniff_delimiter(line, expected):
    assert sniff_delimiter(line) == expected


def test_empty_file(write, organisation):
    assert _refused(write("leeg.csv", ""), organisation).code == "empty"
    assert _refused(write("leeg2.csv", "\n\n  \n", bom=True), organisation).code == "empty"


def test_header_only(write, organisation):
    error = _refused(write("kop.csv", HEADER + "\n;;;;\n"), organisation)
    assert error.code == "no_rows"
    assert "alleen een kopregel" in error.nl


def test_ten_megabytes_of_garbage(tmp_path, organisation, accounts):
    path = tmp_path / "rommel.csv"
    path.write_bytes(os.urandom(10 * 1024 * 1024))
    error = _refused(path, organisation)
    assert error.code in {"binary", "encoding"}
    assert "CSV" in error.nl or "UTF-8" in error.nl


def test_garbage_after_valid_rows_writes_nothing(tmp_path, organisation, accounts):
    """Encoding is checked for the whole file before the first batch is written."""
    good = HEADER + "".join(f"F{i};A1;2026-01-01;2026-01-15;1\n" for i in range(100))
    path = tmp_path / "half.csv"
    path.write_bytes(good.encode() + os.urandom(4096))
    _refused(path, organisation)


def test_latin1_is_refused_with_line(write, organisation, accounts):
    text = HEADER + "F1;A1;2026-01-01;2026-01-15;1\nF2;A1;2026-01-01;2026-01-15;1;Café\n"
    error = _refused(write("latin.csv", text, encoding="latin-1"), organisation)
    assert error.code == "encoding"
    assert "regel 3" in error.nl and "line 3" in error.en


def test_too_large(write, organisation, settings):
    settings.VANGNET_IMPORT_MAX_BYTES = 10
    assert (
        _refused(write("groot.csv", HEADER + "F1;A1;2026-01-01;2026-01-15;1\n"), organisation).code
        == "too_large"
    )


def test_fake_xlsx(write, organisation):
    assert _refused(write("nep.xlsx", "geen excel"), organisation).code == "xlsx"


def test_bom_is_not_part_of_the_first_header(write):
    table = open_table(write("bom.csv", "klantnummer;achternaam\nK1;X\n", bom=True))
    assert table.headers == ["klantnummer", "achternaam"]
    assert list(table.rows) == [(2, ["K1", "X"])]


def test_line_numbers_count_blank_lines_and_multiline_cells(write):
    table = open_table(write("l.csv", 'a;b\n\n1;"twee\nregels"\n3;4\n'))
    assert [line for line, _cells in table.rows] == [4, 5]


def test_audit_record_per_run(write, organisation, accounts):
    run_import(
        kind="invoices",
        path=write("f.csv", HEADER + "F1;A1;2026-01-01;2026-01-15;1\n"),
        organisation=organisation,
    )
    event = AuditEvent.objects.get()
    assert event.action == "import_invoices"
    assert event.details["imported"] == 1
    run_import(
        kind="invoices",
        path=write("g.csv", HEADER + "F2;A1;2026-01-01;2026-01-15;1\n"),
        organisation=organisation,
        dry_run=True,
    )
    assert AuditEvent.objects.count() == 1
