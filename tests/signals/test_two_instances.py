"""Two vangnet instances side by side: a creditor and a municipality, over loopback HTTP.

The test process is the **creditor** (the pytest database, its feedback endpoint served
by ``live_server``). The **municipality** is a second process (``vangnet serve``) with its
own database, set up with the operator's commands. A water case walks its journey, the
gate lets the signal through, it is delivered signed to the municipality, bundled with an
energy company's signal for the same resident into one *meervoudige melding*, the BRP
check is confirmed, outreach sends the first message with the resident's link, the
resident accepts help on that page, and the municipality's feedback pauses the
creditor's journey for 30 days. See docs/signals-two-instances.md.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date, timedelta

from django.utils import timezone

import pytest
import requests

from tests.strategy.conftest import account_in_arrears
from vangnet.parties.models import Address, ContactPoint, Organisation
from vangnet.signals.outgoing import signing
from vangnet.signals.outgoing.delivery import signals_deliver
from vangnet.signals.outgoing.gate import signals_create_due
from vangnet.signals.outgoing.models import MunicipalityEndpoint, OutgoingSignal
from vangnet.strategy.models import Action, Case, CaseEvent, Hold
from vangnet.strategy.run import daily_run

from .two_instances_support import Municipality, MunicipalityDatabase

DOB = date(1980, 5, 1)
HTTP_TIMEOUT = 15


@pytest.fixture
def municipality(tmp_path, live_server):
    """The municipality instance: own database, migrated, serving; its organisation,
    templates and the two creditors registered as signal partners."""
    home = tmp_path / "muni"
    home.mkdir()
    database = MunicipalityDatabase(tmp_path)
    database.create()
    muni = Municipality(home=home, database=database)
    try:
        muni.cli("migrate", "--no-input", "-v", "0")
        muni.launch()  # boots while the operator's setup below runs
        muni.shell(
            "from django.core.management import call_command\n"
            "from vangnet.parties.models import Organisation\n"
            "call_command('signals_in', 'templates')\n"
            "org = Organisation.objects.create(name='Gemeente Utrecht', slug='gemeente-utrecht',"
            " kind='municipality', sector='other', municipality_code='0344',"
            " contact_phone='030 286 00 00')\n"
            "emit(org.pk)"
        )
        muni.partner_secrets = {
            "water-utrecht": muni.partner_register(
                name="Waterbedrijf Utrecht",
                partner_type="Water",
                key_id="water-utrecht",
                feedback_url=f"{live_server.url}/signals/out/feedback/",
            ),
            # The energy company has no feedback URL: its feedback waits for the monitor.
            "energie-bv": muni.partner_register(
                name="Energie BV", partner_type="Energie", key_id="energie-bv", feedback_url=""
            ),
        }
        muni.wait_ready()
        yield muni
    finally:
        muni.stop()
        database.drop()


def _water_case(today: date) -> tuple[Organisation, int, str]:
    """A water customer in Utrecht whose first unpaid bill fell due 31 days ago."""
    water = Organisation.objects.create(
        name="Waterbedrijf Utrecht", slug="water-utrecht", sector="drinking_water"
    )
    start = today - timedelta(days=30)
    account = account_in_arrears(water, cents=9000, days=1, today=start, mobile=False)
    person = account.customer.person
    # A mobile number the receiver's validation accepts (the helper's +3160000000x is
    # not a valid Dutch mobile number, and the municipality refuses the whole signal).
    ContactPoint.objects.create(person=person, kind="mobile", value="+31612345678")
    person.surname, person.initials, person.date_of_birth = "Jansen", "J.", DOB
    person.address = Address.objects.create(
        street="Dorpsstraat", house_number=12, postcode="3511AB", city="Utrecht"
    )
    person.save()
    email = ContactPoint.objects.get(person=person, kind="email").value
    return water, account.pk, email


def _energy_signal(today: date) -> dict:
    """What a second creditor (an energy company, its own system) sends, per the docs."""
    return {
        "format": "vangnet-signal/1",
        "event": "create",
        "signal": {
            "id": "energie-777",
            "signalled_on": today.isoformat(),
            "arose_on": (today - timedelta(days=50)).isoformat(),
            "amount_cents": 31250,
            "crisis": False,
            "warm_handover": False,
            "municipality_code": "0344",
            "customer_number": "E-55012",
            "creditor_contact": "088 555 00 00",
            "client": {
                "initials": "J.",
                "surname": "Jansen",
                "date_of_birth": DOB.isoformat(),
                "street": "Dorpsstraat",
                "house_number": "12",
                "postcode": "3511AB",
                "city": "Utrecht",
                "phone": "+31612345678",
            },
        },
    }


# Defines ``meldingen()`` inside the municipality's shell: each melding with its partners.
MELDINGEN = (
    "from vangnet.signals.incoming.models import Melding\n"
    "def meldingen():\n"
    "    return [{**m, 'signals': sorted(Melding.objects.get(pk=m['pk']).signals"
    ".values_list('partner__key_id', flat=True))} for m in Melding.objects.order_by('pk')"
    ".values('pk', 'multiple', 'status', 'segment', 'person_id', 'help_accepted_on')]\n"
)


@pytest.mark.django_db(transaction=True)
def test_signal_to_melding_to_help_accepted_pauses_the_creditor(live_server, municipality):
    today = timezone.localdate()

    # --- Creditor: the municipality's endpoint with the issued secret; the journey. ----
    MunicipalityEndpoint.objects.create(
        code="0344",
        name="Utrecht",
        url=municipality.intake_url,
        key_id="water-utrecht",
        secret_hash=signing.key_from_secret(municipality.partner_secrets["water-utrecht"]),
        threshold_cents=7500,
    )
    water, account_id, email = _water_case(today)
    start = today - timedelta(days=30)
    for offset in range(31):
        daily_run(organisation=water, run_date=start + timedelta(days=offset))
    case = Case.objects.get(account_id=account_id)
    walked = list(
        Action.objects.filter(case=case).order_by("run_date").values_list("action_type", "status")
    )
    signal_action = Action.objects.get(case=case, action_type="signal")
    assert signal_action.status == "planned", (walked, signal_action.explanation)

    gate = signals_create_due(organisation_id=water.pk, on=today)
    outgoing = OutgoingSignal.objects.get(case=case)
    assert gate.queued == 1, (gate, outgoing.reason_codes, outgoing.evidence)
    assert outgoing.evidence["reminders"], "the gate opened without a written reminder"

    delivered = signals_deliver(now=timezone.now())
    assert delivered.sent == 1, (delivered.errors, municipality.server_output())
    outgoing.refresh_from_db()
    assert outgoing.status == "acknowledged" and outgoing.ack_id, outgoing.last_error

    # --- A second creditor's signal for the same resident, signed as documented. ------
    raw = json.dumps(_energy_signal(today)).encode()
    headers = signing.sign_headers(
        key_id="energie-bv",
        key=signing.key_from_secret(municipality.partner_secrets["energie-bv"]),
        body=raw,
        now=int(time.time()),
    )
    answer = requests.post(municipality.intake_url, data=raw, headers=headers, timeout=HTTP_TIMEOUT)
    assert answer.status_code == 201, answer.text
    assert answer.json()["outcome"] == "received"

    received = municipality.shell(
        "from vangnet.signals.incoming.models import IncomingSignal\n"
        "emit(list(IncomingSignal.objects.order_by('pk').values('pk', 'external_id',"
        " 'partner__key_id', 'amount_cents', 'surname', 'postcode')))"
    )
    water_in = {
        "pk": int(outgoing.ack_id),
        "external_id": outgoing.wire_id,
        "partner__key_id": "water-utrecht",
        "amount_cents": 9000,
        "surname": "Jansen",
        "postcode": "3511 AB",  # the municipality stores the postcode in PostNL form
    }
    energy_in = {**water_in, "pk": int(answer.json()["ontvangstId"])}
    energy_in.update(external_id="energie-777", partner__key_id="energie-bv", amount_cents=31250)
    assert received == [water_in, energy_in], received

    # --- Municipality's daily chain: match + bundle; the BRP check waits for staff. ---
    daily = municipality.cli("signals_in", "daily")
    # Read the meldingen, then take the staff decision of the BRP check (the command's
    # ManualBrpChecker leaves it to staff) with the municipality's own service.
    bundled = municipality.shell(
        MELDINGEN + "before = meldingen()\n"
        "from vangnet.signals.incoming.models import Melding\n"
        "from vangnet.signals.incoming.meldingen import melding_brp_decide\n"
        "for m in Melding.objects.filter(status='brp_check'):\n"
        "    melding_brp_decide(melding=m, decision='confirmed')\n"
        "emit({'before': before, 'after': meldingen()})"
    )
    meldingen = bundled["before"]
    assert len(meldingen) == 1, (daily, meldingen)
    melding = meldingen[0]
    assert melding["multiple"] is True, melding
    assert melding["signals"] == ["energie-bv", "water-utrecht"], melding
    assert melding["status"] == "brp_check", (daily, melding)
    assert melding["person_id"], "the resident was not matched or created"
    after = bundled["after"]
    # Two creditors make the route intensive (docs/signals-municipality.md).
    assert [(m["status"], m["segment"]) for m in after] == [("outreach", "intensive")], after

    # --- Outreach: the first message, with the resident's personal link. -------------
    outreach = municipality.cli("signals_in", "outreach")
    messages = municipality.shell(
        "from vangnet.messaging.models import OutboxMessage\n"
        "emit(list(OutboxMessage.objects.values('channel', 'recipient', 'template_code',"
        " 'text')))"
    )
    assert len(messages) == 1, (outreach, messages)
    message = messages[0]
    # E-mail is the route's first channel; the address came with the water signal.
    assert (message["channel"], message["recipient"], message["template_code"]) == (
        "email",
        email,
        "muni_first_contact",
    ), message
    link = re.search(re.escape(municipality.base_url) + r"/signals/in/r/[^/\s]+/", message["text"])
    assert link, f"no resident link to {municipality.base_url} in: {message['text']!r}"

    # --- The resident opens the link on the municipality's server and accepts help. --
    browser = requests.Session()
    page = browser.get(link.group(0), timeout=HTTP_TIMEOUT)
    assert page.status_code == 200, page.text[:500]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert csrf, "the resident page has no form"
    accepted = browser.post(
        page.url,
        data={"csrfmiddlewaretoken": csrf.group(1), "keuze": "hulp"},
        headers={"Referer": page.url},
        timeout=HTTP_TIMEOUT,
    )
    assert accepted.status_code == 200, accepted.text[:500]

    # --- The municipality posts its feedback to the creditor's live server. ----------
    sent = municipality.cli("signals_in", "feedback")
    state = municipality.shell(
        MELDINGEN + "from vangnet.signals.incoming.models import PartnerFeedback\n"
        "emit({'meldingen': meldingen(), 'feedback': sorted([r['partner__key_id'],"
        " r['event'], r['status']] for r in PartnerFeedback.objects.values("
        "'partner__key_id', 'event', 'status'))})"
    )
    melding = state["meldingen"][0]
    assert (melding["status"], melding["help_accepted_on"]) == (
        "contacted",
        today.isoformat(),
    ), melding
    assert state["feedback"] == [
        ["energie-bv", "hulp_aanvaard", "pending"],  # no feedback URL: kept for the monitor
        ["energie-bv", "opgepakt", "pending"],
        ["water-utrecht", "hulp_aanvaard", "sent"],
        ["water-utrecht", "opgepakt", "sent"],
    ], (sent, state["feedback"])

    # --- Creditor: a 30-day help-accepted hold, and the journey pauses. ---------------
    outgoing.refresh_from_db()
    assert outgoing.feedback == "hulp_aanvaard"
    hold = Hold.objects.get(account_id=account_id)
    assert (hold.kind, hold.starts_on, hold.ends_on) == (
        "help_accepted",
        today,
        today + timedelta(days=30),
    )
    causes = set(CaseEvent.objects.filter(case=case).values_list("cause", flat=True))
    assert {"signal_feedback_opgepakt", "signal_feedback_hulp_aanvaard"} <= causes, causes

    planned_before = Action.objects.filter(case=case).count()
    daily_run(organisation=water, run_date=today + timedelta(days=1))
    case.refresh_from_db()
    assert (case.status, case.pause_cause) == ("paused", "help_accepted")
    assert Action.objects.filter(case=case).count() == planned_before, (
        "the paused journey planned a new step"
    )
    timeline = list(
        CaseEvent.objects.filter(case=case, on__gte=today).order_by("at").values_list("text")
    )
    assert any("hulp aanvaard" in t.lower() for (t,) in timeline), timeline
