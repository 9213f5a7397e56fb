"""Staff outbox pages: list with channel tabs, filters, search and pagination; detail with
sandboxed HTML and events; requeue/cancel by POST with permission and audit."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.test import Client

import pytest

from tests.messaging.outbox_support import (
    NOW,
    RENDERER,
    action_make,
    book_make,
    case_make,
    organisation_make,
    person_make,
)
from vangnet.core.models import AccessLogEntry, AuditEvent
from vangnet.messaging.models import OutboxMessage
from vangnet.messaging.services import outbox_enqueue_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _renderer(settings):
    settings.VANGNET_MESSAGING_RENDERER = RENDERER


def login(django_user_model, *perms: str, name: str = "medewerker") -> Client:
    user = django_user_model.objects.create_user(name, password="geheim-wachtwoord")
    for perm in perms:
        user.user_permissions.add(Permission.objects.get(codename=perm))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_list_needs_login_and_permission(client, django_user_model):
    response = client.get("/messaging/outbox/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert login(django_user_model).get("/messaging/outbox/").status_code == 403


def test_empty_state(django_user_model):
    client = login(django_user_model, "view_outboxmessage")
    page = client.get("/messaging/outbox/").content.decode()
    assert "Nog geen uitgaande berichten" in page


def test_list_filters_by_channel_status_and_customer_number(django_user_model):
    org = organisation_make()
    book_make(org, 3)
    letter_person = person_make(50)
    action_make(case_make(org, letter_person, 50), channel="letter", template="wik")
    outbox_enqueue_due(now=NOW)
    OutboxMessage.objects.filter(recipient="p1@example.nl").update(status="failed")
    client = login(django_user_model, "view_outboxmessage")
    page = client.get("/messaging/outbox/").content.decode()
    assert "4 berichten" in page
    page = client.get("/messaging/outbox/?kanaal=letter").content.decode()
    assert "1 bericht" in page and "Dorpsstraat 51" in page and "p0@example.nl" not in page
    page = client.get("/messaging/outbox/?status=failed").content.decode()
    assert "p1@example.nl" in page and "p0@example.nl" not in page
    page = client.get("/messaging/outbox/?q=K00002").content.decode()
    assert "p2@example.nl" in page and "p1@example.nl" not in page
    page = client.get("/messaging/outbox/?q=GEEN").content.decode()
    assert "Geen berichten gevonden" in page
    # Unknown filter values are ignored, not an error.
    assert client.get("/messaging/outbox/?kanaal=duif&status=x").status_code == 200


def test_list_paginates(django_user_model):
    org = organisation_make()
    book_make(org, 55)
    outbox_enqueue_due(now=NOW)
    client = login(django_user_model, "view_outboxmessage")
    first = client.get("/messaging/outbox/").content.decode()
    assert "55 berichten" in first and 'rel="next"' in first
    second = client.get("/messaging/outbox/?page=2").content.decode()
    assert "51 tot en met 55" in second


def test_detail_shows_sandboxed_html_and_events(django_user_model):
    org = organisation_make()
    book_make(org, 1)
    outbox_enqueue_due(now=NOW)
    msg = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=msg.pk).update(
        html='<p onclick="x()">Hallo "klant"</p><script>alert(1)</script>'
    )
    client = login(django_user_model, "view_outboxmessage")
    page = client.get(f"/messaging/outbox/{msg.pk}/").content.decode()
    assert 'sandbox=""' in page
    assert 'srcdoc="&lt;p onclick=&quot;x()&quot;&gt;Hallo &quot;klant&quot;' in page
    assert "<script>alert(1)</script>" not in page
    assert "Beste klant, dit is herinnering-1 via email." in page
    assert "K00000" in page
    assert "Opnieuw versturen" not in page and "Annuleren" not in page  # no change permission
    assert AccessLogEntry.objects.filter(
        object_type="outboxmessage", object_id=str(msg.pk)
    ).exists()
    assert client.get("/messaging/outbox/999999/").status_code == 404


def test_cancel_and_requeue_by_post_with_permission(django_user_model):
    org = organisation_make()
    book_make(org, 1)
    outbox_enqueue_due(now=NOW)
    msg = OutboxMessage.objects.get()
    viewer = login(django_user_model, "view_outboxmessage")
    viewer_token = viewer.get(f"/messaging/outbox/{msg.pk}/").cookies["csrftoken"].value
    denied = viewer.post(
        f"/messaging/outbox/{msg.pk}/cancel/", {"csrfmiddlewaretoken": viewer_token}
    )
    assert denied.status_code == 403
    viewer.logout()

    client = login(django_user_model, "view_outboxmessage", "change_outboxmessage", name="beheer")
    page = client.get(f"/messaging/outbox/{msg.pk}/")
    assert "Annuleren" in page.content.decode()
    token = page.cookies["csrftoken"].value
    assert client.post(f"/messaging/outbox/{msg.pk}/cancel/").status_code == 403  # no CSRF
    assert client.get(f"/messaging/outbox/{msg.pk}/cancel/").status_code == 405
    response = client.post(f"/messaging/outbox/{msg.pk}/cancel/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    msg.refresh_from_db()
    assert msg.status == "cancelled"
    page = client.get(f"/messaging/outbox/{msg.pk}/").content.decode()
    assert "Het bericht is geannuleerd." in page and "Opnieuw versturen" in page
    # A second cancel is refused with a message, not an error page.
    response = client.post(
        f"/messaging/outbox/{msg.pk}/cancel/", {"csrfmiddlewaretoken": token}, follow=True
    )
    assert "Alleen berichten die nog wachten" in response.content.decode()
    client.post(f"/messaging/outbox/{msg.pk}/requeue/", {"csrfmiddlewaretoken": token})
    msg.refresh_from_db()
    assert msg.status == "pending"
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "outbox.cancel",
        "outbox.requeue",
    }
