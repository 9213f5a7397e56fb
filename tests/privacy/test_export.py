"""The AVG export holds the person's data from every app, and nobody else's."""

from __future__ import annotations

import json

from django.core.management import call_command
from django.urls import reverse

import pytest

from tests.privacy.conftest import rich_person
from vangnet.core.models import AccessLogEntry, AuditEvent
from vangnet.core.services import access_record
from vangnet.privacy.export import privacy_export_person

pytestmark = pytest.mark.django_db


def test_export_contains_data_from_each_app(ledger, django_user_model):
    rich = rich_person(ledger)
    staff = django_user_model.objects.create_user("kijker", password="x-long-enough-1")
    access_record(user=staff, object_type="account", object_id=rich.account.pk, purpose="view")
    access_record(user=staff, object_type="account", object_id=ledger.de_vries.pk, purpose="view")

    data = privacy_export_person(person=rich.person)
    records = data["records"]
    assert data["person"]["surname"] == "Jansen"
    assert data["person"]["bsn"] == "111222333"
    assert data["addresses"][0]["postcode"] == "1234 AB"
    for label in [
        "parties.contactpoint",
        "parties.consent",
        "ledger.customer",
        "ledger.account",
        "ledger.invoice",
        "ledger.payment",
        "ledger.allocation",
        "strategy.case",
        *rich.created,
    ]:
        assert records.get(label), f"{label} missing from the export"
    for label, obj in rich.created.items():
        assert obj.pk in {row["id"] for row in records[label]}, label
    # Only this person's rows: 4 invoices of Jansen, none of de Vries or Bakker.
    assert {row["number"] for row in records["ledger.invoice"]} == {"F-1", "F-2", "F-3", "F-4"}
    assert records["payments.paymentlink"][0]["token"] == "***"
    assert [e["object_id"] for e in data["access_log"]] == [str(rich.account.pk)]
    assert "kijker" not in json.dumps(data)
    json.dumps(data)  # serialisable as it is
    assert AuditEvent.objects.filter(
        action="privacy.export", object_id=str(rich.person.pk)
    ).exists()


def test_export_command_writes_json(ledger, tmp_path):
    rich_person(ledger)
    out = tmp_path / "inzage.json"
    call_command("privacy", "export", "K-1001", "--out", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["person"]["surname"] == "Jansen"
    assert not (tmp_path / "inzage.json.part").exists()


def test_export_command_unknown_customer(ledger, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no customer"):
        call_command("privacy", "export", "K-0000", "--out", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()


def test_export_page_needs_the_permission_and_downloads(client, ledger, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("privacy", password="x-long-enough-1")
    client.force_login(user)
    assert client.get(reverse("privacy:export")).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    assert client.get(reverse("privacy:export")).status_code == 200
    missing = client.get(reverse("privacy:export"), {"klantnummer": "K-0000"})
    assert missing.status_code == 404 and "Geen klant gevonden" in missing.content.decode()
    response = client.get(reverse("privacy:export"), {"klantnummer": "K-1001"})
    assert response.status_code == 200
    assert json.loads(response.content)["person"]["surname"] == "Jansen"
    assert not AccessLogEntry.objects.exists()
    assert AuditEvent.objects.filter(action="privacy.export", actor=user).exists()
