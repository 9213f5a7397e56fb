"""The case timeline: every source on one list, newest first, in a fixed number of queries.

The builders here (``make_case``, ``rich_case``, ``grant``) are shared by the other case
and queue tests: they write real rows through the models and the services of each app,
so a change in another app's tables shows up here as a failing timeline.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Permission
from django.utils import timezone

import pytest

from vangnet.strategy.constants import ActionStatus, ActionType, CaseEventKind, CaseStatus
from vangnet.strategy.models import Action, Case, CaseEvent
from vangnet.workspace import worklist
from vangnet.workspace.models import TaskKind
from vangnet.workspace.timeline import SOURCE_CAP, case_timeline

pytestmark = pytest.mark.django_db


def grant(user: Any, *specs: str) -> Any:
    """Give a user permissions by ``app_label.codename`` (fails loudly on a typo)."""
    for spec in specs:
        app_label, codename = spec.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_case(account: Any, today: date, **fields: Any) -> Case:
    defaults = {
        "organisation_id": account.organisation_id,
        "account": account,
        "status": CaseStatus.OPEN,
        "opened_on": today - timedelta(days=60),
        "arrears_cents": 12500,
        "days_past_due": 100,
        "segment": "standard",
    }
    defaults.update(fields)
    return Case.objects.create(**defaults)


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def add_action(case: Case, day: date, *, status: str = ActionStatus.SENT, **kw: Any) -> Action:
    explanation = kw.pop(
        "explanation",
        {
            "guardrails": {
                "nl": "Toegestaan: vriendelijke herinnering.",
                "checks": ["quiet_hours"],
            },
            "channel": {"why": "preferred"},
        },
    )
    return Action.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        action_type=kw.pop("action_type", ActionType.MESSAGE),
        channel=kw.pop("channel", "email"),
        template=kw.pop("template", "herinnering"),
        run_date=day,
        scheduled_for=_aware(day),
        status=status,
        reason_code=kw.pop("reason_code", "allowed"),
        explanation=explanation,
        idempotency_key=kw.pop("key", f"a:{case.pk}:{day}:{status}:{Action.objects.count()}"),
        created_at=_aware(day, 9),
        **kw,
    )


def add_message(case: Case, day: date, *, text: str, key: str) -> Any:
    from vangnet.messaging.models import OutboxMessage

    when = _aware(day, 10)
    return OutboxMessage.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        channel="email",
        recipient="anna.jansen@example.nl",
        subject="Uw rekening staat nog open",
        text=text,
        template_code="herinnering",
        idempotency_key=key,
        status="sent",
        not_before=when,
        next_attempt_at=when,
        created_at=when,
        sent_at=when,
    )


def rich_case(ledger: Any) -> Case:
    """Jansen's case with a row in every timeline source."""
    from vangnet.arrangements.models import ChargedCost
    from vangnet.messaging.channels.models import InboundMessage
    from vangnet.messaging.engagement.models import Click, ShortLink
    from vangnet.payments.models import PaymentLink, PaymentLinkEvent
    from vangnet.signals.outgoing.models import OutgoingSignal

    today = ledger.today
    account = ledger.jansen
    case = make_case(account, today)
    CaseEvent.objects.create(
        case=case,
        on=today - timedelta(days=60),
        at=_aware(today - timedelta(days=60)),
        kind=CaseEventKind.OPENED,
        text="Dossier geopend: de achterstand is boven de drempel gekomen.",
    )
    add_action(case, today - timedelta(days=50))
    add_action(
        case,
        today - timedelta(days=40),
        status=ActionStatus.BLOCKED,
        action_type=ActionType.CHARGE_COSTS,
        channel="internal",
        reason_code="wik_letter_missing",
        explanation={
            "guardrails": {
                "nl": "Geblokkeerd: eerst een veertiendagenbrief.",
                "checks": [{"code": "wik_letter", "nl": "Geen geldige veertiendagenbrief."}],
            }
        },
    )
    add_message(
        case, today - timedelta(days=50), text="Beste Anna, uw rekening staat open.", key="m-1"
    )
    worklist.task_create(
        kind=TaskKind.CALL,
        idempotency_key=f"call:{case.pk}",
        title="Bellen: Anna Jansen",
        due_on=today - timedelta(days=30),
        case=case,
        phone="+31612345678",
    )
    ChargedCost.objects.create(
        organisation_id=case.organisation_id,
        account=account,
        case=case,
        kind="wik_costs",
        principal_cents=12500,
        amount_cents=4000,
        computed_on=today - timedelta(days=20),
        explanation="15% van € 125,00, minimaal € 40,00.",
    )
    link = PaymentLink.objects.create(
        organisation_id=case.organisation_id,
        account=account,
        customer=account.customer,
        token="tok-rich",
        min_amount_cents=1000,
        expires_at=_aware(today + timedelta(days=30)),
    )
    PaymentLinkEvent.objects.create(link=link, kind="started", text="Betaling gestart via iDEAL")
    short = ShortLink.objects.create(
        code="abc123",
        target_url="/pay/tok-rich/",
        organisation_id=case.organisation_id,
        case_id=case.pk,
        created_at=_aware(today - timedelta(days=10)),
    )
    Click.objects.create(
        link=short, at=_aware(today - timedelta(days=9)), user_agent_family="Safari"
    )
    Click.objects.create(link=short, at=_aware(today - timedelta(days=9)), bot=True)
    InboundMessage.objects.create(
        channel="sms",
        sender="+31612345678",
        body="Ik betaal volgende week, sorry!",
        received_at=_aware(today - timedelta(days=8)),
        provider_id="in-1",
        organisation_id=case.organisation_id,
        case=case,
    )
    OutgoingSignal.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        account=account,
        kind="journey",
        municipality_code="0344",
        municipality_name="Utrecht",
        status="sent",
        amount_cents=12500,
        signalled_on=today - timedelta(days=5),
    )
    return case


def test_every_source_on_one_sorted_list(ledger, django_assert_max_num_queries):
    case = rich_case(ledger)
    with django_assert_max_num_queries(16):
        timeline = case_timeline(case=case)
    counts = timeline.counts
    # The ledger fixture: 4 invoices, 2 payments of which one reversed (= 3 lines).
    assert counts["invoice"] == 4
    assert counts["payment"] == 3
    assert counts["action"] == 2
    assert counts["message"] == 1
    assert counts["task"] == 1
    assert counts["cost"] == 1
    assert counts["portal"] == 2  # the pay-page event and one human click (no bot)
    assert counts["reply"] == 1
    assert counts["signal"] == 1
    assert counts["event"] >= 1
    assert timeline.sources_present >= 10
    keys = [item.sort_key() for item in timeline.items]
    assert keys == sorted(keys, reverse=True)


def test_reasons_and_rendered_content_travel_with_the_items(ledger):
    case = rich_case(ledger)
    items = case_timeline(case=case).items
    blocked = next(i for i in items if i.source == "action" and i.status == "blocked")
    assert "Geblokkeerd: eerst een veertiendagenbrief." in blocked.reasons
    assert "Geen geldige veertiendagenbrief." in blocked.reasons
    message = next(i for i in items if i.source == "message")
    assert message.body == "Beste Anna, uw rekening staat open."
    assert message.body_title == "Uw rekening staat nog open"
    reversal = next(i for i in items if i.source == "payment" and i.status == "reversal")
    assert reversal.amount_cents == -1000
    assert "MD06" in reversal.text
    reply = next(i for i in items if i.source == "reply")
    assert reply.body == "Ik betaal volgende week, sorry!"


def test_sources_filter_and_a_waiver_line(ledger):
    from vangnet.arrangements.models import ChargedCost

    case = rich_case(ledger)
    ChargedCost.objects.update(
        waived=True, waiver_reason="Klant is ziek", waived_on=ledger.today - timedelta(days=1)
    )
    timeline = case_timeline(case=case, sources=["cost", "nonsense"])
    assert {i.source for i in timeline.items} == {"cost"}
    statuses = [i.status for i in timeline.items]
    assert statuses == ["waiver", "waived"]  # the waiver is newer than the charge
    assert timeline.items[0].amount_cents == -4000


def test_each_source_is_capped_and_says_so(ledger):
    case = make_case(ledger.jansen, ledger.today)
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(case=case, on=ledger.today, at=now, kind=CaseEventKind.NOTE, text=f"n{i}")
            for i in range(SOURCE_CAP + 5)
        ]
    )
    timeline = case_timeline(case=case, sources=["event"])
    assert len(timeline.items) == SOURCE_CAP
    assert timeline.capped_sources == ["event"]


def test_a_case_without_history_is_an_empty_timeline(ledger):
    case = make_case(ledger.bakker, ledger.today)
    timeline = case_timeline(case=case)
    # Bakker has one invoice and nothing else.
    assert [i.source for i in timeline.items] == ["invoice"]
    assert timeline.capped_sources == []


def test_payment_events_are_not_listed_twice(ledger):
    case = make_case(ledger.jansen, ledger.today)
    CaseEvent.objects.create(
        case=case,
        on=ledger.today,
        at=datetime.now(UTC),
        kind=CaseEventKind.PAYMENT,
        text="Betaling ontvangen",
    )
    timeline = case_timeline(case=case, sources=["event", "payment"])
    assert [i for i in timeline.items if i.source == "event"] == []
    assert len([i for i in timeline.items if i.source == "payment"]) == 3
