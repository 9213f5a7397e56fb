"""The auditor's access-log search: by staff member, by customer, by period; CSV."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.urls import reverse

import pytest

from tests.privacy.conftest import rich_person
from vangnet.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(client, django_user_model):
    user = django_user_model.objects.create_user("auditor", password="x-long-enough-1")
    user.user_permissions.add(Permission.objects.get(codename="search_access_log"))
    client.force_login(user)
    return user


@pytest.fixture
def looks(ledger, django_user_model):
    rich = rich_person(ledger)
    anna = django_user_model.objects.create_user("anna", password="x-long-enough-1")
    bram = django_user_model.objects.create_user("bram", password="x-long-enough-1")
    plan = rich.created["arrangements.paymentplan"]
    rows = [
        AccessLogEntry(
            user=anna, object_type="account", object_id=str(ledger.jansen.pk), purpose="view"
        ),
        AccessLogEntry(
            user=bram, object_type="payment_plan", object_id=str(plan.pk), purpose="view"
        ),
        AccessLogEntry(
            user=bram, object_type="account", object_id=str(ledger.de_vries.pk), purpose="view"
        ),
    ]
    AccessLogEntry.objects.bulk_create(rows)
    old = AccessLogEntry.objects.get(object_id=str(ledger.de_vries.pk))
    AccessLogEntry.objects.filter(pk=old.pk).update(at=old.at - timedelta(days=40))
    return rich


def _ids(response):
    return sorted(e.object_type for e in response.context["page"].object_list)


def test_needs_the_permission(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("x", password="x-long-enough-1"))
    assert client.get(reverse("privacy:access-log")).status_code == 403


def test_search_by_customer_covers_all_their_records(client, auditor, looks):
    response = client.get(reverse("privacy:access-log"), {"klantnummer": "K-1001"})
    assert response.status_code == 200
    assert _ids(response) == ["account", "payment_plan"]


def test_search_by_user_and_period(client, auditor, looks, ledger):
    response = client.get(reverse("privacy:access-log"), {"gebruiker": "bram"})
    assert _ids(response) == ["account", "payment_plan"]
    since = (ledger.today - timedelta(days=7)).isoformat()
    response = client.get(reverse("privacy:access-log"), {"gebruiker": "bram", "van": since})
    assert _ids(response) == ["payment_plan"]
    bad = client.get(reverse("privacy:access-log"), {"van": "2026-02-01", "tot": "2026-01-01"})
    assert "De begindatum ligt na de einddatum" in bad.content.decode()
    assert bad.context["page"].paginator.count == 0


def test_unknown_customer_gives_the_empty_state(client, auditor, looks):
    response = client.get(reverse("privacy:access-log"), {"klantnummer": "K-404"})
    assert "Niets gevonden" in response.content.decode()


def test_csv_export(client, auditor, looks):
    response = client.get(reverse("privacy:access-log"), {"gebruiker": "anna", "formaat": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 2 and lines[1].split(";")[1:4] == [
        "anna",
        "account",
        str(looks.account.pk),
    ]


def test_workspace_account_page_writes_the_access_log(client, ledger, auditor, looks):
    # Verify the source of this page: opening an account is logged (auditor may view).
    auditor.user_permissions.add(Permission.objects.get(codename="view_account"))
    before = AccessLogEntry.objects.filter(user=auditor).count()
    client.get(reverse("workspace:account", kwargs={"pk": ledger.bakker.pk}))
    assert AccessLogEntry.objects.filter(user=auditor).count() == before + 1
