"""Hand-made cases with a history, municipalities, and a real local signal receiver.

The receiver is a stdlib HTTP server in a thread that checks each request with the
*municipality side's* code (``signals.incoming.auth.verify``) and our JSON schema, so the
two halves of the exchange are tested against each other, not against a mock.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.utils import timezone

import jsonschema
import pytest

from tests.ledger.factories import make_account
from vangnet.parties.models import Address, ContactPoint, Organisation
from vangnet.signals.incoming import auth as municipal_auth
from vangnet.signals.outgoing import signing
from vangnet.signals.outgoing.models import MunicipalityEndpoint
from vangnet.strategy.models import Action, Case, Journey

DAY = date(2025, 6, 10)  # a Tuesday
SECRET = "gedeeld-geheim-utrecht"
SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[3] / "src/vangnet/signals/outgoing/schema/signal.v1.json"
    ).read_text()
)

TEMPLATES = {
    "reminder-help": {
        "written_reminder": True,
        "points_to_help": True,
        "offers_data_sharing": True,
        "states_medical_exception": True,
    },
    "reminder-plain": {"written_reminder": True},
    "signal": {},
}


@pytest.fixture
def water(db) -> Organisation:
    Journey.objects.create(code="test-templates", name="t", templates=TEMPLATES)
    return Organisation.objects.create(name="Water NV", slug="water-nv", sector="drinking_water")


@pytest.fixture
def utrecht(db) -> MunicipalityEndpoint:
    return MunicipalityEndpoint.objects.create(
        code="0344",
        name="Utrecht",
        url="http://127.0.0.1:9/none",
        key_id="water-nv",
        secret_hash=signing.key_from_secret(SECRET),
        threshold_cents=7500,
    )


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)


def make_case(
    organisation: Organisation,
    *,
    reminder: str | None = "reminder-help",
    call: bool = True,
    arrears_cents: int = 20000,
    postcode: str = "3511AB",
    municipality_code: str = "",
    day: date = DAY,
    signal_action: bool = True,
) -> Case:
    """An open case 60 days in arrears with a reminder, a call and a planned signal."""
    account = make_account(organisation)
    person = account.customer.person
    person.address = Address.objects.create(
        street="Dorpsstraat",
        house_number=12,
        postcode=postcode,
        city="Utrecht",
        municipality_code=municipality_code,
    )
    person.date_of_birth = date(1980, 5, 1)
    person.save()
    ContactPoint.objects.create(person=person, kind="mobile", value="+31612345678")
    case = Case.objects.create(
        organisation=organisation,
        account=account,
        opened_on=day - timedelta(days=55),
        arrears_cents=arrears_cents,
        arrears_since=day - timedelta(days=60),
    )
    n = 0

    def action(kind: str, channel: str, template: str, on: date, status: str) -> Action:
        nonlocal n
        n += 1
        return Action.objects.create(
            organisation=organisation,
            case=case,
            action_type=kind,
            channel=channel,
            template=template,
            run_date=on,
            scheduled_for=_at(on),
            status=status,
            idempotency_key=f"t{case.pk}-{n}",
            created_at=timezone.now(),
        )

    if reminder:
        action("message", "letter", reminder, day - timedelta(days=40), "sent")
    if call:
        action("call_task", "phone", "call", day - timedelta(days=35), "done")
    if signal_action:
        action("signal", "municipality", "signal", day, "planned")
    return case


class Receiver:
    """A municipality's intake API: verifies like signals_in does, answers as told."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[int] = []  # status codes to answer, in order; then 201
        self.clock_offset = 0
        self.key = signing.key_from_secret(SECRET)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                verdict = municipal_auth.verify(
                    key=receiver.key,
                    timestamp=self.headers.get(municipal_auth.HEADER_TIMESTAMP, ""),
                    given=self.headers.get(municipal_auth.HEADER_SIGNATURE, ""),
                    body=body,
                    now=int(time.time()) + receiver.clock_offset,
                    window=300,
                )
                entry = {"headers": dict(self.headers), "body": body, "verdict": verdict}
                receiver.requests.append(entry)
                if not verdict.ok:
                    return self._answer(401, {"ontvangen": False, "error": verdict.code})
                data = json.loads(body)
                jsonschema.validate(data, SCHEMA)
                status = receiver.answers.pop(0) if receiver.answers else 201
                if status >= 300:
                    return self._answer(status, {"error": "down"})
                self._answer(
                    status,
                    {
                        "ontvangen": True,
                        "id": data["signal"]["id"],
                        "ontvangstId": f"R-{len(receiver.requests)}",
                    },
                )

            def _answer(self, status: int, payload: dict) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/signals/in/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()
