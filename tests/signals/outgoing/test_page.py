"""The staff list /signals/out/."""

from __future__ import annotations

from django.contrib.auth.models import Permission, User

from vangnet.signals.outgoing.gate import signals_create_due

from .conftest import DAY, make_case


def test_list_needs_login_and_permission_and_shows_evidence(client, water, utrecht):
    assert client.get("/signals/out/").status_code == 302
    user = User.objects.create_user("medewerker", password="x")
    client.force_login(user)
    assert client.get("/signals/out/").status_code == 403
    user.user_permissions.add(
        Permission.objects.get(
            codename="view_outgoingsignal", content_type__app_label="signals_out"
        )
    )
    user = User.objects.get(pk=user.pk)
    client.force_login(user)
    empty = client.get("/signals/out/")
    assert empty.status_code == 200
    assert "Geen vroegsignalen" in empty.content.decode()
    make_case(water, reminder="reminder-plain")
    signals_create_due(organisation_id=water.pk, on=DAY)
    page = client.get("/signals/out/").content.decode()
    assert "signal_no_help_referral" in page
    assert "Tegengehouden" in page
    assert "Geen herinnering wees de klant op hulp bij geldzaken." in page
    filtered = client.get("/signals/out/?status=acknowledged").content.decode()
    assert "Er zijn geen signalen met deze status" in filtered
