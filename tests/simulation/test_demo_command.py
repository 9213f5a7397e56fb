"""`vangnet demo` builds, prints the logins, and a second run does not duplicate."""

from __future__ import annotations

import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest

from vangnet.ledger.models import Account, Invoice
from vangnet.parties.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)

ARGS = ["--households", "200", "--months", "6", "--today", "2025-06-10"]


def _run(*extra: str) -> str:
    out = StringIO()
    call_command("demo", *ARGS, *extra, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_demo_builds_and_prints_logins():
    output = _run()
    org = Organisation.objects.get(slug="waterbedrijf-voorbeeld")
    assert org.name == "Waterbedrijf Voorbeeld" and org.sector == "drinking_water"
    assert org.contact_email and org.contact_phone and org.website
    assert Account.objects.filter(organisation=org).count() == 200
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["beheerder"].is_superuser
    for name in (
        "beheerder",
        "kredietbeheerder",
        "incassomedewerker",
        "buitendienst",
        "teamleider",
        "auditor",
        "applicatiebeheerder",
    ):
        assert users[name].is_active
        assert users[name].check_password("vangnet-demo")
        assert name in output
    staff = users["incassomedewerker"]
    assert not staff.is_superuser
    assert staff.has_perm("ledger.view_invoice") and staff.has_perm("parties.view_person")
    assert not staff.has_perm("ledger.change_invoice")
    # Each login carries its role: the collector works cases, the credit manager imports.
    assert staff.has_perm("workspace.change_task")
    assert users["kredietbeheerder"].has_perm("imports.add_importjob")
    assert not users["auditor"].has_perm("strategy.change_hold")
    assert "vangnet-demo" in output
    assert "alleen" in output and "demo" in output
    assert "contracten met achterstand" in output
    # Today's messages went through the adapters, and a bank statement was reconciled.
    assert "Berichten:" in output and "verstuurd" in output
    assert re.search(r"Bankafschrift .*\.xml: matched \d+ of \d+ entries", output)

    invoices = Invoice.objects.count()
    second = _run()
    assert "al 200 contracten" in second
    assert Account.objects.filter(organisation=org).count() == 200
    assert Invoice.objects.count() == invoices
    assert get_user_model().objects.count() == 7
    assert Organisation.objects.filter(slug="waterbedrijf-voorbeeld").count() == 1


def test_demo_reset_rebuilds():
    _run()
    _run("--reset", "--seed", "5")
    org = Organisation.objects.get(slug="waterbedrijf-voorbeeld")
    assert Account.objects.filter(organisation=org).count() == 200
    assert get_user_model().objects.count() == 7
