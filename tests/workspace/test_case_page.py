"""The case page: what it shows, who may see it, and its POST actions."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

import pytest

from tests.workspace.test_case_timeline import grant, make_case, rich_case
from vangnet.core.models import AccessLogEntry, AuditEvent
from vangnet.parties.models import Organisation
from vangnet.strategy.constants import CaseStatus
from vangnet.strategy.models import CaseEvent, Hold

pytestmark = pytest.mark.django_db

READ = ("strategy.view_case",)
ALL_ACTIONS = (
    "strategy.view_case",
    "strategy.add_hold",
    "strategy.add_caseevent",
    "arrangements.add_paymentplan",
    "arrangements.change_chargedcost",
    "signals_out.add_outgoingsignal",
    "parties.change_person",
)


@pytest.fixture
def reader(db) -> User:
    return grant(User.objects.create_user("lezer"), *READ)


@pytest.fixture
def handler(db) -> User:
    return grant(User.objects.create_user("behandelaar"), *ALL_ACTIONS)


def _url(case, action: str = "") -> str:
    if action:
        return reverse("workspace:case-action", args=[case.pk, action])
    return reverse("workspace:case", args=[case.pk])


def test_case_page_shows_the_timeline_and_logs_the_look(
    client, ledger, reader, django_assert_max_num_queries
):
    case = rich_case(ledger)
    client.force_login(reader)
    with django_assert_max_num_queries(40):
        response = client.get(_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Factuur F-1",
        "Betaling gestorneerd",
        "Geblokkeerd: eerst een veertiendagenbrief.",
        "Beste Anna, uw rekening staat open.",  # the rendered message, expandable
        "Ik betaal volgende week, sorry!",
        "Signaal aan gemeente",
        "Link in bericht geopend",
        "in schuldhulp",  # vulnerability flag from the fixture
        "SMS, E-mail",  # preferences in order
    ):
        assert text in html, text
    assert AccessLogEntry.objects.filter(object_type="case", object_id=str(case.pk)).count() == 1
    # A reader sees no action forms.
    assert "Pauze vastleggen" not in html
    assert f'action="{reverse("workspace:case", args=[case.pk])}' not in html


def test_timeline_filter(client, ledger, reader):
    case = rich_case(ledger)
    client.force_login(reader)
    html = client.get(_url(case) + "?bron=message").content.decode()
    assert 'data-source="message"' in html
    assert 'data-source="invoice"' not in html
    html = client.get(_url(case) + "?bron=bogus").content.decode()
    assert 'data-source="invoice"' in html


def test_access_rules(client, ledger, reader):
    case = make_case(ledger.jansen, ledger.today)
    assert client.get(_url(case)).status_code == 302  # to the login page
    nobody = User.objects.create_user("niemand")
    client.force_login(nobody)
    assert client.get(_url(case)).status_code == 403
    client.force_login(reader)
    other = Organisation.objects.create(name="Z", slug="z")  # pk after ours: not current
    from tests.workspace.conftest import add_account

    foreign = make_case(
        add_account(other, number="9009", surname="Elders", postcode="1000 AA", city="Amsterdam"),
        ledger.today,
    )
    assert client.get(_url(foreign)).status_code == 404
    # A reader may not post any action.
    response = client.post(_url(case, "notitie"), {"text": "hallo"})
    assert response.status_code == 403
    assert not CaseEvent.objects.exists()
    assert client.post(_url(case, "unknown"), {}).status_code == 404


def test_actions_need_csrf(ledger, handler):
    case = make_case(ledger.jansen, ledger.today)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(handler)
    assert strict.post(_url(case, "notitie"), {"text": "hallo"}).status_code == 403
    assert not CaseEvent.objects.exists()


def test_hold_action_pauses_and_the_page_says_until_when(client, ledger, handler):
    case = make_case(ledger.jansen, ledger.today)
    client.force_login(handler)
    until = ledger.today + timedelta(days=21)
    response = client.post(
        _url(case, "pauze"),
        {"kind": "dispute", "ends_on": until.isoformat(), "reason": "Meterstand klopt niet"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.PAUSED and case.paused_until == until
    html = client.get(_url(case)).content.decode()
    assert f"tot en met {until:%d-%m-%Y}" in html
    assert 'data-case="paused"' in html


def test_invalid_action_rerenders_with_errors_and_writes_nothing(client, ledger, handler):
    case = make_case(ledger.jansen, ledger.today)
    client.force_login(handler)
    response = client.post(
        _url(case, "pauze"),
        {
            "kind": "dispute",
            "ends_on": (ledger.today - timedelta(days=1)).isoformat(),
            "reason": "x",
        },
    )
    assert response.status_code == 400
    assert "De einddatum ligt in het verleden." in response.content.decode()
    assert not Hold.objects.exists()
    response = client.post(_url(case, "regeling"), {"months": 3, "instalment": "20,00"})
    assert response.status_code == 400
    assert "niet allebei" in response.content.decode()


def test_note_reason_preferences_plan_and_waiver_actions(client, ledger, handler):
    from vangnet.arrangements.models import ChargedCost, PaymentPlan

    case = make_case(ledger.jansen, ledger.today)
    charge = ChargedCost.objects.create(
        organisation_id=case.organisation_id,
        account=ledger.jansen,
        case=case,
        kind="wik_costs",
        principal_cents=12500,
        amount_cents=4000,
        computed_on=ledger.today,
        explanation="WIK",
    )
    client.force_login(handler)
    posts = [
        ("notitie", {"text": "Klant belde zelf"}),
        ("reden", {"reason": "separation", "note": ""}),
        (
            "voorkeuren",
            {
                "channel_1": "whatsapp",
                "channel_2": "",
                "channel_3": "email",
                "window_start": "08:00",
                "window_end": "10:00",
            },
        ),
        ("kwijtschelden", {"charge": charge.pk, "reason": "Eerste keer"}),
        ("regeling", {"months": 4, "by_phone": "on"}),
    ]
    for action, data in posts:
        response = client.post(_url(case, action), data)
        assert response.status_code == 302, (action, response.content.decode()[:2000])
    person = ledger.jansen.customer.person
    person.refresh_from_db()
    assert person.preferred_channels == ["whatsapp", "email"]
    charge.refresh_from_db()
    assert charge.waived
    plan = PaymentPlan.objects.get(account=ledger.jansen)
    assert plan.source == "phone" and plan.instalment_count == 4
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "case_note_added",
        "case_arrears_reason_set",
        "person_preferences_changed",
        "case_costs_waived",
        "case_plan_started",
    } <= actions
    html = client.get(_url(case)).content.decode()
    assert "Scheiding" in html and "Klant belde zelf" in html


def test_account_page_links_to_the_case_and_shows_plans_and_costs(client, ledger):
    from tests.workspace.conftest import make_user

    case = make_case(ledger.jansen, ledger.today)
    client.force_login(make_user("medewerker2"))
    html = client.get(reverse("workspace:account", args=[ledger.jansen.pk])).content.decode()
    assert _url(case) in html
    assert "Betalingsregelingen" in html and "Incassokosten en rente" in html
