"""The management commands: summary line, rejections on stdout, exit code 2 for refusals."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from vangnet.ledger.models import Account, Invoice

from .conftest import CUSTOMERS_NL


def _call(*args) -> list[str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().splitlines()


def test_import_prints_rejections_and_the_exact_summary(write, organisation):
    text = CUSTOMERS_NL + "K9;C9;;;;;;Kok;;;Laan;1;1234 SS;Ergens;;;;;\n"
    lines = _call("import", "customers", str(write("k.csv", text)))
    assert lines[-1] == "imported 3, updated 0, unchanged 0, rejected 1"
    assert lines[0].startswith("regel 5, kolom postcode: ongeldige postcode '1234 SS'")
    assert " / invalid postcode '1234 SS'" in lines[0]
    lines = _call(
        "import", "customers", str(write("k.csv", text)), "--organisation", organisation.slug
    )
    assert lines[-1] == "imported 0, updated 0, unchanged 3, rejected 1"


def test_dry_run(write, organisation):
    lines = _call("import", "customers", str(write("k.csv", CUSTOMERS_NL)), "--dry-run")
    assert lines[-1] == "imported 3, updated 0, unchanged 0, rejected 0"
    assert not Account.objects.exists()


def test_missing_columns_exit_code_2(write, organisation):
    with pytest.raises(CommandError) as exc:
        _call("import", "invoices", str(write("f.csv", "factuurnummer;bedrag\nF1;1\n")))
    assert exc.value.returncode == 2
    assert "account_number (account_number, contractnummer" in str(exc.value)
    assert not Invoice.objects.exists()


def test_no_organisation_is_a_clear_error(write, db):
    with pytest.raises(CommandError) as exc:
        _call("import", "customers", str(write("k.csv", CUSTOMERS_NL)))
    assert exc.value.returncode == 2
    assert "geen organisatie" in str(exc.value)


def test_unknown_organisation(write, organisation):
    with pytest.raises(CommandError, match="onbekende organisatie"):
        _call("import", "customers", str(write("k.csv", CUSTOMERS_NL)), "--organisation", "x")
