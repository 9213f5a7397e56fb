"""Staff pages and the ``vangnet sepa`` command."""

from __future__ import annotations

import gzip
from datetime import date

from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command

import pytest

from tests.banking.directdebit.conftest import TODAY, invoice_for, sign
from tests.ledger.factories import make_account
from vangnet.banking.directdebit.models import Batch, Collection
from vangnet.banking.directdebit.services import debit_return_register
from vangnet.core.models import AccessLogEntry

DAY = date(2026, 11, 16)


@pytest.fixture
def staff(client, db):
    user = User.objects.create_user("incasso")
    user.user_permissions.add(Permission.objects.get(codename="view_mandate"))
    client.force_login(user)
    return client


@pytest.fixture
def world(profile, organisation, tmp_path):
    """Three mandates, their invoices planned, exported, settled, one returned (AM04)."""
    for i in range(3):
        acc = make_account(organisation)
        sign(acc, day=15, name=f"Klant {i}")
        invoice_for(acc, 1000 + i, due=date(2026, 11, 1), number=f"V{i}")
    call_command("sepa", "schedule", "--date", TODAY.isoformat())
    call_command("sepa", "export", "--date", DAY.isoformat(), "--out", str(tmp_path / "b.xml"))
    call_command("sepa", "settle", "--date", DAY.isoformat())
    first = Collection.objects.order_by("pk").first()
    debit_return_register(
        organisation_id=organisation.pk,
        end_to_end_id=first.end_to_end_id,
        reason_code="AM04",
        returned_on=date(2026, 11, 19),
    )
    return tmp_path


def test_pages_need_the_permission(client, db):
    assert client.get("/directdebit/").status_code == 302  # to the login page
    client.force_login(User.objects.create_user("zonder"))
    for url in ("/directdebit/", "/directdebit/bestanden/", "/directdebit/storneringen/"):
        assert client.get(url).status_code == 403


def test_empty_states(staff, organisation):
    assert "Nog geen machtigingen" in staff.get("/directdebit/").content.decode()
    assert "Nog geen incassobestanden" in staff.get("/directdebit/bestanden/").content.decode()
    assert "Geen storneringen" in staff.get("/directdebit/storneringen/").content.decode()


def test_mandates_search_and_upcoming(staff, world):
    page = staff.get("/directdebit/").content.decode()
    assert "3 machtigingen" in page
    # The AM04 re-presentment is the one upcoming collection (15 December 2026).
    assert "dinsdag 15 december 2026" in page
    found = staff.get("/directdebit/", {"q": "Klant 1"}).content.decode()
    assert "1 machtiging" in found and "Klant 1" in found and "Klant 2" not in found
    assert (
        "Geen machtigingen gevonden" in staff.get("/directdebit/", {"q": "nobody"}).content.decode()
    )


def test_batches_and_download(staff, world):
    batch = Batch.objects.get()
    page = staff.get("/directdebit/bestanden/").content.decode()
    assert batch.message_id in page
    response = staff.get(f"/directdebit/bestanden/{batch.pk}/download/")
    assert response.status_code == 200
    assert response.content == gzip.decompress(batch.content_gz) == (world / "b.xml").read_bytes()
    assert AccessLogEntry.objects.filter(object_type="directdebit_batch").count() == 1
    assert staff.get("/directdebit/bestanden/999999/download/").status_code == 404


def test_returns_page_shows_reason_and_meaning(staff, world):
    page = staff.get("/directdebit/storneringen/").content.decode()
    assert "AM04" in page and "onvoldoende saldo" in page
    assert (
        "Geen storneringen"
        in staff.get("/directdebit/storneringen/", {"reden": "MD06"}).content.decode()
    )


def test_command_errors_are_clear(world, organisation, tmp_path):
    out = tmp_path / "again.xml"
    call_command("sepa", "export", "--date", DAY.isoformat(), "--out", str(out))
    assert not out.exists()  # nothing new for that date
    with pytest.raises(CommandError, match="bestaat al"):
        # The re-presentment date has one collection, but the file is taken.
        call_command("sepa", "export", "--date", "2026-12-15", "--out", str(world / "b.xml"))
    bad = tmp_path / "r.csv"
    bad.write_text("end_to_end_id,reason_code,date,amount\nNOPE,AM04,2026-11-20,\n")
    with pytest.raises(CommandError, match="1 regels niet verwerkt"):
        call_command("sepa", "returns", str(bad))
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("sepa", "settle", "--date", "2026-11-20", "--organisation", "nope")
