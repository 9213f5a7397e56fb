"""Shared pieces of the outbox tests: a real SMTP server (aiosmtpd) with injectable
faults, a stand-in renderer and a small book of people, cases and planned actions."""

from __future__ import annotations

import email
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller

from vangnet.ledger.models import Account, Customer
from vangnet.messaging.types import RenderedMessage
from vangnet.parties.models import Address, ContactPoint, Organisation, Person
from vangnet.strategy.models import Action, Case

ZONE = ZoneInfo("Europe/Amsterdam")
DAY = date(2025, 6, 10)
NOW = datetime(2025, 6, 10, 10, 30, tzinfo=ZONE)
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    rcpt: list[str]
    message_id: str
    key: str
    message: email.message.Message


@dataclass
class Recorder:
    """aiosmtpd handler: records what arrives; ``faults[address]`` is a list of replies
    given to RCPT TO for that address, one per attempt (then 250)."""

    received: list[Received] = field(default_factory=list)
    faults: dict[str, list[str]] = field(default_factory=dict)
    data_fault: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            queue = self.faults.get(address)
            if queue:
                return queue.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_fault:
            return self.data_fault
        msg = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received.append(
                Received(
                    rcpt=list(envelope.rcpt_tos),
                    message_id=msg["Message-ID"],
                    key=msg["X-Vangnet-Key"],
                    message=msg,
                )
            )
        return "250 Message accepted for delivery"

    def keys(self) -> Counter:
        with self.lock:
            return Counter(r.key for r in self.received)


class SmtpServer:
    def __init__(self) -> None:
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def render_stub(action) -> RenderedMessage:
    """Stand-in for ``messaging.content``'s renderer: a plain message naming the action.

    Template ``broken`` raises, like a template with an error would.
    """
    if action.template == "broken":
        raise ValueError("sjabloon bevat een fout")
    return RenderedMessage(
        subject=f"Herinnering {action.template}",
        text=f"Beste klant, dit is {action.template} via {action.channel}.",
        html=f"<p>Beste klant, dit is <b>{action.template}</b> via {action.channel}.</p>",
        template_code=action.template,
        template_version_id=7,
        variant="A",
        language="nl",
    )


RENDERER = "tests.messaging.outbox_support.render_stub"


def organisation_make(slug: str = "water") -> Organisation:
    return Organisation.objects.create(
        name="Waterbedrijf Test",
        slug=slug,
        sector="drinking_water",
        contact_email="klantenservice@water.example",
    )


def person_make(
    k: int,
    *,
    email_addr: str | None = "",
    mobile: str | None = "",
    address: bool = True,
    preferred: list[str] | None = None,
) -> Person:
    """A person; ``""`` means "make one", None means "has none"."""
    addr = (
        Address.objects.create(
            street="Dorpsstraat", house_number=k + 1, postcode="1234AB", city="Ergens"
        )
        if address
        else None
    )
    person = Person.objects.create(
        surname=f"Persoon {k}", address=addr, preferred_channels=preferred or []
    )
    if email_addr is not None:
        ContactPoint.objects.create(
            person=person, kind="email", value=email_addr or f"p{k}@example.nl"
        )
    if mobile is not None:
        ContactPoint.objects.create(person=person, kind="mobile", value=mobile or f"+3161{k:07d}")
    return person


def case_make(organisation: Organisation, person: Person, k: int) -> Case:
    customer = Customer.objects.create(organisation=organisation, number=f"K{k:05d}", person=person)
    account = Account.objects.create(organisation=organisation, customer=customer, number=f"C{k}")
    return Case.objects.create(organisation=organisation, account=account, opened_on=DAY)


def action_make(
    case: Case,
    *,
    channel: str = "email",
    template: str = "herinnering-1",
    action_type: str = "message",
    at: datetime | None = None,
    key: str = "",
) -> Action:
    at = at or datetime.combine(DAY, time(10), ZONE)
    return Action.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        action_type=action_type,
        channel=channel,
        template=template,
        run_date=at.date(),
        scheduled_for=at,
        idempotency_key=key or f"run:{case.pk}:{at.date()}:{action_type}:{channel}:{template}",
        created_at=at,
    )


def book_make(organisation: Organisation, n: int, *, channel: str = "email") -> list[Action]:
    """``n`` people with e-mail and mobile, one open case and one planned message each."""
    actions = []
    for k in range(n):
        person = person_make(k)
        actions.append(action_make(case_make(organisation, person, k), channel=channel))
    return actions
