"""Staff pages: permissions, access log, the melding page's actions."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Permission
from django.utils import timezone

import pytest

from tests.signals.incoming.conftest import receive, signal_body
from vangnet.core.models import AccessLogEntry
from vangnet.signals.incoming.meldingen import melding_brp_decide, signals_process
from vangnet.signals.incoming.models import ContactAttempt, Melding

pytestmark = pytest.mark.django_db


@pytest.fixture
def melding(partners):
    receive(partners["rent"][0], signal_body("H-1"), at=timezone.now())
    signals_process(on=timezone.localdate())
    return melding_brp_decide(
        melding=Melding.objects.get(), decision="confirmed", on=timezone.localdate()
    )


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_user("w", password="x")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_melding", "change_melding"])
    )
    client.force_login(user)
    return user


def test_pages_need_login_and_permission(client, melding, django_user_model):
    assert client.get("/signals/in/").status_code == 302
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get("/signals/in/").status_code == 403
    assert client.get(f"/signals/in/meldingen/{melding.pk}/").status_code == 403


def test_list_and_detail_are_shown_and_logged(client, staff, melding):
    listing = client.get("/signals/in/?status=outreach")
    assert listing.status_code == 200 and "Jansen" in listing.content.decode()
    empty = client.get("/signals/in/?status=closed")
    assert "Geen meldingen" in empty.content.decode()
    detail = client.get(f"/signals/in/meldingen/{melding.pk}/")
    assert detail.status_code == 200 and "Woonstad" in detail.content.decode()
    assert AccessLogEntry.objects.filter(user=staff, object_id=str(melding.pk)).exists()


def test_record_attempt_refer_and_bad_input(client, staff, melding):
    url = f"/signals/in/meldingen/{melding.pk}/"
    client.post(
        url + "attempt/",
        {"kind": "Huisbezoek", "date": date.today().isoformat(), "time": "19:30", "reached": "1"},
    )
    attempt = ContactAttempt.objects.get()
    assert attempt.day_part == "Avond" and attempt.reached and attempt.by == staff
    bad = client.post(url + "attempt/", {"kind": "Huisbezoek", "date": "gisteren"}, follow=True)
    assert "geldige datum" in bad.content.decode()
    client.post(url + "refer/", {"to": "Schuldhulp Utrecht", "financial": "1"})
    melding.refresh_from_db()
    assert melding.result == "referral_financial" and melding.referral == "Schuldhulp Utrecht"
    again = client.post(url + "close/", {"result": "no_contact"}, follow=True)
    assert "al afgesloten" in again.content.decode()
