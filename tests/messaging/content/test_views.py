"""The staff pages: permission, list, edit (new version), B1 endpoint, preview, test-send.

Test-send goes through Django's SMTP backend to a real aiosmtpd server on localhost.
"""

from __future__ import annotations

import email
import json
import socket
from email import policy

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

import pytest
from aiosmtpd.controller import Controller

from vangnet.core.models import AuditEvent
from vangnet.messaging.content.library import library_load
from vangnet.messaging.content.models import MessageTemplate
from vangnet.messaging.content.services import (
    context_for_case,
    template_create,
    template_version_create,
)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def sms_template(db) -> MessageTemplate:
    template = template_create(code="water-friendly-nudge", channel="sms", description="Kort")
    template_version_create(
        template=template, subject="", text_body="{{ salutation }}, betaal hier: {{ pay_url }}"
    )
    return template


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["list", "new"])
def test_pages_need_login_and_permission(client, name):
    url = reverse(f"messaging_content:{name}")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(User.objects.create_user("zonder-recht"))
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_superuser_may_edit(client):
    client.force_login(User.objects.create_superuser("baas", "baas@example.org", "x-pass-1"))
    assert client.get(reverse("messaging_content:list")).status_code == 200


@pytest.mark.django_db
def test_list_empty_state(editor_client):
    response = editor_client.get(reverse("messaging_content:list"))
    assert "Nog geen sjablonen" in response.content.decode()


@pytest.mark.django_db
def test_list_filters_and_paginates(editor_client):
    library_load()
    total = MessageTemplate.objects.count()
    assert total > 25
    page1 = editor_client.get(reverse("messaging_content:list")).content.decode()
    assert f"{total} sjablonen" in page1
    assert 'rel="next"' in page1
    sms = editor_client.get(reverse("messaging_content:list"), {"channel": "sms"}).content.decode()
    count = MessageTemplate.objects.filter(channel="sms").count()
    assert f"{count} sjablonen" in sms
    wik = editor_client.get(reverse("messaging_content:list"), {"q": "wik-14"}).content.decode()
    assert "1 sjabloon" in wik and "wik-14-day-letter" in wik
    none = editor_client.get(reverse("messaging_content:list"), {"q": "bestaat-niet"})
    assert "Geen sjablonen gevonden" in none.content.decode()


@pytest.mark.django_db
def test_editing_creates_a_new_version_and_reports_the_language_level(editor_client, sms_template):
    url = reverse("messaging_content:edit", args=[sms_template.pk])
    page = editor_client.get(url).content.decode()
    assert "{{ salutation }}, betaal hier" in page
    assert "Taalniveau" in page and "pay_url" in page  # B1 panel and the variable list
    response = editor_client.post(
        url,
        {"subject": "", "text_body": "{{ salutation }}, betaal: {{ pay_url }}", "published": "on"},
        follow=True,
    )
    assert "Versie 2 opgeslagen" in response.content.decode()
    latest = sms_template.versions.order_by("-number").first()
    assert (latest.number, latest.created_by.username) == (2, "redacteur")
    assert sms_template.versions.get(number=1).text_body.endswith("betaal hier: {{ pay_url }}")
    assert AuditEvent.objects.filter(action="messaging_template.version_created").exists()


@pytest.mark.django_db
def test_a_typo_is_shown_and_nothing_is_saved(editor_client, sms_template):
    url = reverse("messaging_content:edit", args=[sms_template.pk])
    response = editor_client.post(url, {"subject": "", "text_body": "Hoi {{ salutatoin }}"})
    assert response.status_code == 200
    assert "salutatoin" in response.content.decode()
    assert sms_template.versions.count() == 1


@pytest.mark.django_db
def test_new_template_page(editor_client):
    response = editor_client.post(
        reverse("messaging_content:new"),
        {"code": "mijn-bericht", "channel": "email", "language": "nl", "variant": "C"},
    )
    template = MessageTemplate.objects.get(code="mijn-bericht")
    assert response.url == reverse("messaging_content:edit", args=[template.pk])
    again = editor_client.post(
        reverse("messaging_content:new"),
        {"code": "mijn-bericht", "channel": "email", "language": "nl", "variant": "C"},
    )
    assert "bestaat al" in again.content.decode()


@pytest.mark.django_db
def test_b1_endpoint_returns_score_and_findings(editor_client):
    url = reverse("messaging_content:b1")
    response = editor_client.post(
        url,
        json.dumps({"text": "U krijgt een sommatie. Wij verzoeken u te betalen."}),
        content_type="application/json",
    )
    data = response.json()
    assert data["ok"] is False and data["level"] == "te moeilijk"
    assert {f["text"].lower() for f in data["findings"]} >= {"sommatie", "wij verzoeken u"}
    assert editor_client.post(url, {"text": "Wij bellen u morgen."}).json()["ok"] is True
    assert editor_client.post(url, "{", content_type="application/json").status_code == 400
    assert editor_client.get(url).status_code == 405


@pytest.mark.django_db
def test_preview_with_the_sample_person_and_with_a_case(editor_client, sms_template, case):
    url = reverse("messaging_content:preview", args=[sms_template.pk])
    page = editor_client.get(url).content.decode()
    assert "Beste Anna de Vries, betaal hier: http" in page
    assert "1 SMS-deel" in page
    case.account.customer.person.given_name = "Bea"
    case.account.customer.person.save()
    page = editor_client.get(url, {"case": case.pk}).content.decode()
    assert "Beste Bea de Vries, betaal hier" in page


@pytest.mark.django_db
def test_preview_of_an_html_letter(editor_client, case):
    library_load()
    template = MessageTemplate.objects.get(code="wik-14-day-letter", channel="letter")
    page = editor_client.get(
        reverse("messaging_content:preview", args=[template.pk]), {"case": case.pk}
    ).content.decode()
    assert "€ 40,00" in page and "srcdoc=" in page


@pytest.mark.django_db
def test_test_send_reaches_the_staff_member_over_smtp(editor_client, smtp, case):
    library_load()
    template = MessageTemplate.objects.get(code="plan-offer", channel="email")
    version = template.versions.get()
    response = editor_client.post(
        reverse("messaging_content:test-send", args=[template.pk]),
        {"version": version.pk, "case": case.pk},
        follow=True,
    )
    assert "Testbericht verstuurd naar redacteur@example.org" in response.content.decode()
    assert smtp.recipients == [["redacteur@example.org"]]
    mail = smtp.messages[0]
    assert mail["Subject"] == "[Test] Betaal in delen: een regeling die bij u past"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    # The page renders with today's date, so the amounts come from the same function.
    expected = context_for_case(case=case, channel="email", now=timezone.now())
    assert "Beste Anna de Vries" in text
    assert f"{expected['plan_example_instalment']} per maand" in text
    assert "<!DOCTYPE html>" in html and "Waterbedrijf Test" in html
    assert AuditEvent.objects.filter(action="messaging_template.test_sent").exists()


@pytest.mark.django_db
def test_test_send_without_an_address_says_so(client, editor, sms_template, smtp):
    editor.email = ""
    editor.save()
    client.force_login(editor)
    response = client.post(
        reverse("messaging_content:test-send", args=[sms_template.pk]), {}, follow=True
    )
    assert "geen e-mailadres" in response.content.decode()
    assert smtp.messages == []
