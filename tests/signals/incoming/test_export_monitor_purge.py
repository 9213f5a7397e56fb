"""DDAS export (validated), monitor figures from the database, retention purge."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from tests.signals.incoming.conftest import receive, signal_body
from vangnet.parties.models import Person
from vangnet.signals import ddas
from vangnet.signals.incoming.casework import contact_attempt_record, melding_close
from vangnet.signals.incoming.meldingen import melding_brp_decide, signals_process
from vangnet.signals.incoming.models import IncomingSignal, Melding
from vangnet.signals.incoming.monitoring import ddas_document, monitor_figures, monitor_records
from vangnet.signals.incoming.privacy import signals_in_purge

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def worked(partners):
    """March 2026: one multiple melding reached by phone and referred; one not reached."""
    water, rent = partners["water"][0], partners["rent"][0]
    receive(water, signal_body("W-1"), at=datetime(2026, 3, 2, 9, tzinfo=AMS))
    receive(rent, signal_body("H-1"), at=datetime(2026, 3, 3, 9, tzinfo=AMS))
    receive(
        water,
        signal_body("W-2", surname="Bakker", house_number="40", customer_number="K-2"),
        at=datetime(2026, 3, 4, 9, tzinfo=AMS),
    )
    signals_process(on=date(2026, 3, 4))
    first, second = Melding.objects.order_by("pk")
    for m in (first, second):
        melding_brp_decide(melding=m, decision="confirmed", on=date(2026, 3, 5))
    contact_attempt_record(
        melding=first, kind="Brief", reached=False, at=datetime(2026, 3, 5, 9, tzinfo=AMS)
    )
    contact_attempt_record(
        melding=first, kind="Telefoon", reached=True, at=datetime(2026, 3, 9, 19, tzinfo=AMS)
    )
    melding_close(melding=first, result="referral_financial", on=date(2026, 3, 20))
    contact_attempt_record(
        melding=second, kind="Huisbezoek", reached=False, at=datetime(2026, 3, 10, 8, tzinfo=AMS)
    )
    return first, second


def test_ddas_document_validates_against_the_official_schema(worked):
    document = ddas_document(
        municipality_code="0344", start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    assert ddas.validate(document) == []
    levering = document["leveringen"][0]
    assert len(levering["vroegsignalen"]) == 3 and len(levering["vroegsignaalzaken"]) == 2
    zaak = levering["vroegsignaalzaken"][0]
    assert zaak["resultaat"] == "Vervolghulp en/of verwijzing financieel"
    assert [p["dagdeel"] for p in zaak["contactpogingen"]] == ["Ochtend", "Avond"]
    assert "Burgerservicenummer" not in json.dumps(document)


def test_export_command_writes_a_valid_file(worked, tmp_path):
    out = tmp_path / "ddas.json"
    call_command("export_ddas", "--from", "2026-03-01", "--to", "2026-03-31", "--out", str(out))
    assert ddas.validate(json.loads(out.read_text())) == []


def test_export_command_refuses_data_outside_the_ddas_vocabulary(worked, tmp_path):
    from vangnet.signals.incoming.models import ContactAttempt

    ContactAttempt.objects.filter(kind="Brief").update(kind="Postduif")  # bypasses choices
    out = tmp_path / "ddas.json"
    with pytest.raises(CommandError, match="nothing written"):
        call_command("export_ddas", "--from", "2026-03-01", "--to", "2026-03-31", "--out", str(out))
    assert not out.exists()


def test_monitor_figures_from_the_database(worked):
    figures = monitor_figures(
        municipality_code="0344", start=date(2026, 3, 1), end=date(2026, 3, 31), residents=10_000
    )
    assert figures.signals == 3 and figures.meldingen == 2
    assert figures.multiple.count == 1
    assert (figures.reach.count, figures.reach.total) == (1, 2)
    assert (figures.reach_with_phone.count, figures.reach_with_phone.total) == (1, 1)
    assert (figures.reach_with_visit.count, figures.reach_with_visit.total) == (0, 1)
    assert figures.help_accepted.count == 1
    assert str(figures.signals_per_1000_per_month) == "0.30"


def test_monitor_uses_pseudonymised_ids(worked):
    ids = [
        pid
        for pid, _ in monitor_records(
            municipality_code="0344", start=date(2026, 3, 1), end=date(2026, 3, 31)
        )
    ]
    assert len(ids) == 2 and all(len(i) == 16 for i in ids)
    assert not {str(m.pk) for m in Melding.objects.all()} & set(ids)


def test_monitor_page_renders_bars(client, worked, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("m", password="x")
    user.user_permissions.add(Permission.objects.get(codename="view_melding"))
    client.force_login(user)
    page = client.get("/signals/in/monitor/?van=2026-03-01&tot=2026-03-31")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Telefoon" in html


def test_purge_after_the_retention_term(worked):
    first, _ = worked
    first.refresh_from_db()
    assert first.purge_after == date(2027, 3, 20)  # 12 months after closure
    assert signals_in_purge(on=date(2027, 3, 20)).meldingen == 0  # not yet
    report = signals_in_purge(on=date(2027, 3, 21))
    assert report.meldingen == 1 and report.signals == 2
    assert Melding.objects.filter(pk=first.pk).count() == 0
    assert IncomingSignal.objects.count() == 1  # the open melding's signal stays
    assert Person.objects.count() == 1  # the resident of the purged melding is gone


def test_not_picked_up_signals_are_purged_sooner(partners):
    water = partners["water"][0]
    receive(water, signal_body("W-1", amount_cents=20000), at=datetime(2026, 1, 10, tzinfo=AMS))
    signals_process(on=date(2026, 1, 10))
    receive(water, signal_body("W-2", amount_cents=20000), at=datetime(2026, 3, 10, tzinfo=AMS))
    signals_process(on=date(2026, 3, 10))
    repeat = IncomingSignal.objects.get(external_id="W-2")
    assert repeat.purge_after == date(2026, 9, 10)
    signals_in_purge(on=date(2026, 9, 11))
    assert not IncomingSignal.objects.filter(external_id="W-2").exists()
    assert IncomingSignal.objects.filter(external_id="W-1").exists()
