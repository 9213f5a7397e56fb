"""The console script's spoken aliases map to the Django command that does the work."""

from __future__ import annotations

from vangnet.cli import resolve_aliases


def test_export_ddas_goes_to_the_municipality_export():
    assert resolve_aliases(["export", "ddas", "--from", "2026-01-01"]) == [
        "export_ddas",
        "--from",
        "2026-01-01",
    ]


def test_other_exports_are_untouched():
    assert resolve_aliases(["export", "customers", "--out", "x.csv"]) == [
        "export",
        "customers",
        "--out",
        "x.csv",
    ]
    assert resolve_aliases(["export"]) == ["export"]
