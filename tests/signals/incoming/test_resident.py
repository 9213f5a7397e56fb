"""The resident's own page and the HMAC-signed feedback to the creditor."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

from django.utils import timezone

import pytest

from tests.signals.incoming.conftest import receive, signal_body
from vangnet.signals.incoming import auth
from vangnet.signals.incoming.constants import MeldingStatus
from vangnet.signals.incoming.feedback import feedback_send_pending
from vangnet.signals.incoming.meldingen import melding_brp_decide, signals_process
from vangnet.signals.incoming.models import ContactAttempt, Melding, MeldingTask, PartnerFeedback
from vangnet.signals.incoming.tokens import resident_token

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def melding(partners):
    today = timezone.localdate()
    receive(partners["water"][0], signal_body("W-1"), at=timezone.now())
    signals_process(on=today)
    return melding_brp_decide(melding=Melding.objects.get(), decision="confirmed", on=today)


def test_resident_chooses_a_moment_and_gets_a_callback_task(client, melding):
    url = f"/signals/in/r/{resident_token(melding.pk)}/"
    page = client.get(url)
    assert page.status_code == 200 and "Kies wanneer wij u bellen" in page.content.decode()
    day = timezone.localdate() + timedelta(days=2)
    response = client.post(url, {"keuze": "moment", "dag": day.isoformat(), "dagdeel": "avond"})
    assert "Wij bellen u" in response.content.decode()
    task = MeldingTask.objects.get(melding=melding).task
    assert task.kind == "callback" and task.due_on == day and task.window_start.hour == 18
    attempt = ContactAttempt.objects.get()
    assert attempt.reached and attempt.kind == "Overige"


def test_a_day_outside_the_next_30_days_is_refused_kindly(client, melding):
    url = f"/signals/in/r/{resident_token(melding.pk)}/"
    day = timezone.localdate() + timedelta(days=60)
    response = client.post(url, {"keuze": "moment", "dag": day.isoformat(), "dagdeel": "avond"})
    assert "Kies een dag" in response.content.decode()
    assert not MeldingTask.objects.exists()


def test_forged_link_shows_a_kind_404(client, melding):
    response = client.get(f"/signals/in/r/{resident_token(melding.pk)}x/")
    assert response.status_code == 404 and "werkt niet" in response.content.decode()


def test_accepting_help_queues_hulp_aanvaard_for_the_partner(client, melding):
    url = f"/signals/in/r/{resident_token(melding.pk)}/"
    client.post(url, {"keuze": "hulp"})
    melding.refresh_from_db()
    assert melding.help_accepted_on == timezone.localdate()
    assert melding.status == MeldingStatus.CONTACTED
    assert PartnerFeedback.objects.filter(event="hulp_aanvaard").count() == 1
    client.post(url, {"keuze": "hulp"})  # twice: still one feedback
    assert PartnerFeedback.objects.filter(event="hulp_aanvaard").count() == 1


def test_declining_closes_without_telling_the_partner_why(client, melding):
    client.post(f"/signals/in/r/{resident_token(melding.pk)}/", {"keuze": "geen_hulp"})
    melding.refresh_from_db()
    assert melding.result == "no_help_needed" and melding.status == MeldingStatus.CLOSED
    # "hoeft geen hulp" is no "not picked up": only the earlier "opgepakt" exists.
    assert list(PartnerFeedback.objects.values_list("event", flat=True)) == ["opgepakt"]


class _Creditor(BaseHTTPRequestHandler):
    received: list = []
    key = ""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        verdict = auth.verify(
            key=self.key,
            timestamp=self.headers[auth.HEADER_TIMESTAMP],
            given=self.headers[auth.HEADER_SIGNATURE],
            body=body,
            now=int(datetime.now().timestamp()),
            window=300,
        )
        status = 200 if verdict.ok else 401
        if verdict.ok:
            type(self).received.append(json.loads(body))
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b'{"ontvangen": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def creditor_server():
    _Creditor.received = []
    server = HTTPServer(("127.0.0.1", 0), _Creditor)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_feedback_is_posted_signed_and_only_says_what_happened(melding, partners, creditor_server):
    water = partners["water"][0]
    water.feedback_url = f"http://127.0.0.1:{creditor_server.server_port}/signals/out/feedback/"
    water.save()
    _Creditor.key = water.secret_hash
    counts = feedback_send_pending()
    assert counts["sent"] == 1
    (body,) = _Creditor.received
    assert set(body) == {"format", "id", "event", "on"}
    assert body["event"] == "opgepakt" and body["id"] == "W-1"
    assert feedback_send_pending()["sent"] == 0  # sent once


def test_feedback_with_a_wrong_key_is_retried_later(melding, partners, creditor_server):
    water = partners["water"][0]
    water.feedback_url = f"http://127.0.0.1:{creditor_server.server_port}/"
    water.save()
    _Creditor.key = "wrong"
    assert feedback_send_pending()["failed"] == 1
    row = PartnerFeedback.objects.get()
    assert row.status == "pending" and row.attempts == 1 and row.last_error == "HTTP 401"
