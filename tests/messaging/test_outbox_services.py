"""Outbox services: enqueue, single messages, status callbacks, staff requeue/cancel."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from tests.messaging.outbox_support import (
    DAY,
    NOW,
    RENDERER,
    ZONE,
    action_make,
    book_make,
    case_make,
    organisation_make,
    person_make,
)
from vangnet.core.models import AuditEvent
from vangnet.messaging.models import DeliveryEvent, OutboxMessage
from vangnet.messaging.services import (
    OutboxActionRefused,
    channel_order,
    message_key,
    outbox_cancel,
    outbox_enqueue_due,
    outbox_message_create,
    outbox_requeue,
    outbox_status_update,
    retry_delay,
)
from vangnet.messaging.types import RenderedMessage
from vangnet.parties.models import ContactPoint
from vangnet.strategy.models import Action, CaseEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _renderer(settings):
    settings.VANGNET_MESSAGING_RENDERER = RENDERER


def test_enqueue_renders_due_contact_actions_once():
    org = organisation_make()
    actions = book_make(org, 3)
    later_today = action_make(
        actions[0].case, template="later", at=datetime.combine(DAY, time(19), ZONE)
    )
    tomorrow = action_make(
        actions[1].case, template="tomorrow", at=datetime.combine(DAY + timedelta(1), time(9), ZONE)
    )
    signal = action_make(actions[2].case, channel="municipality", action_type="signal")
    stats = outbox_enqueue_due(now=NOW)
    assert (stats.considered, stats.created) == (4, 4)
    rows = {m.action_id: m for m in OutboxMessage.objects.all()}
    assert set(rows) == {a.pk for a in actions} | {later_today.pk}
    assert tomorrow.pk not in rows and signal.pk not in rows
    msg = rows[actions[0].pk]
    assert msg.status == "pending" and msg.channel == "email"
    assert msg.recipient == "p0@example.nl"
    assert msg.contact_point.kind == "email"
    assert msg.subject == "Herinnering herinnering-1"
    assert "<b>herinnering-1</b>" in msg.html
    assert (msg.template_code, msg.template_version_id, msg.variant) == ("herinnering-1", 7, "A")
    assert msg.idempotency_key == message_key(actions[0].idempotency_key, 1)
    assert rows[later_today.pk].not_before == datetime.combine(DAY, time(19), ZONE)
    # Actions stay planned until their message reaches a final state.
    assert set(Action.objects.filter(pk__in=rows).values_list("status", flat=True)) == {"planned"}
    again = outbox_enqueue_due(now=NOW)
    assert (again.considered, again.created) == (0, 0)
    assert OutboxMessage.objects.count() == 4


def test_enqueue_limit_and_organisation_filter():
    a, b = organisation_make("a"), organisation_make("b")
    book_make(a, 3)
    offset = 10
    for k in range(2):
        person = person_make(offset + k)
        action_make(case_make(b, person, offset + k))
    assert outbox_enqueue_due(organisation_id=b.pk, now=NOW).created == 2
    assert outbox_enqueue_due(now=NOW, limit=2).created == 2
    assert outbox_enqueue_due(now=NOW).created == 1
    assert OutboxMessage.objects.filter(organisation=a).count() == 3


def test_enqueue_uses_primary_valid_contact_point_and_reroutes():
    org = organisation_make()
    p = person_make(1, email_addr="oud@example.nl", mobile=None)
    ContactPoint.objects.filter(person=p).update(is_primary=False)
    ContactPoint.objects.create(person=p, kind="email", value="nieuw@example.nl", is_primary=True)
    ContactPoint.objects.create(
        person=p, kind="email", value="kapot@example.nl", is_primary=True, invalid_since=NOW
    )
    first = action_make(case_make(org, p, 1))
    # Only a mobile number: an e-mail action goes out as SMS (the default order).
    q = person_make(2, email_addr=None)
    rerouted = action_make(case_make(org, q, 2))
    stats = outbox_enqueue_due(now=NOW)
    assert stats.rerouted == 1
    assert OutboxMessage.objects.get(action=first).recipient == "nieuw@example.nl"
    sms = OutboxMessage.objects.get(action=rerouted)
    assert (sms.channel, sms.recipient) == ("sms", "+31610000002")
    assert sms.text.endswith("via sms.")  # rendered for the channel it goes out on


def test_enqueue_letter_and_call_task_rows():
    org = organisation_make()
    p = person_make(1)
    case = case_make(org, p, 1)
    letter = action_make(case, channel="letter", action_type="fourteen_day_letter", template="wik")
    call = action_make(case, channel="phone", action_type="call_task", template="bel")
    outbox_enqueue_due(now=NOW)
    assert OutboxMessage.objects.get(action=letter).recipient == "Dorpsstraat 2, 1234AB Ergens"
    assert OutboxMessage.objects.get(action=call).recipient == "+31610000001"


def test_enqueue_unreachable_or_unrenderable_fails_with_call_suggestion():
    org = organisation_make()
    nobody = person_make(1, email_addr=None, mobile=None, address=False)
    lost = action_make(case_make(org, nobody, 1))
    broken = action_make(case_make(org, person_make(2), 2), template="broken")
    fine = action_make(case_make(org, person_make(3), 3))
    stats = outbox_enqueue_due(now=NOW)
    assert stats.unreachable == 2 and stats.created == 3
    for action in (lost, broken):
        msg = OutboxMessage.objects.get(action=action)
        assert msg.status == "failed"
        assert DeliveryEvent.objects.filter(message=msg, to_status="failed").count() == 1
        assert Action.objects.get(pk=action.pk).status == "failed"
        assert CaseEvent.objects.filter(case=action.case, cause="call_suggested").exists()
    assert "opmaken mislukt" in OutboxMessage.objects.get(action=broken).last_error
    assert OutboxMessage.objects.get(action=fine).status == "pending"
    assert outbox_enqueue_due(now=NOW).created == 0


def test_message_create_is_idempotent_on_its_key():
    org = organisation_make()
    rendered = RenderedMessage(subject="Test", text="Hallo")
    one = outbox_message_create(
        organisation_id=org.pk,
        channel="email",
        recipient="medewerker@example.nl",
        rendered=rendered,
        idempotency_key="test-send:1",
        now=NOW,
    )
    two = outbox_message_create(
        organisation_id=org.pk,
        channel="email",
        recipient="medewerker@example.nl",
        rendered=rendered,
        idempotency_key="test-send:1",
        now=NOW,
    )
    assert one.pk == two.pk and one.next_attempt_at == NOW
    other = outbox_message_create(
        organisation_id=org.pk, channel="email", recipient="x@example.nl", rendered=rendered
    )
    assert other.idempotency_key.startswith("msg:") and other.pk != one.pk
    with pytest.raises(ValueError, match="unknown channel"):
        outbox_message_create(
            organisation_id=org.pk, channel="pigeon", recipient="x", rendered=rendered
        )
    with pytest.raises(ValueError, match="recipient"):
        outbox_message_create(
            organisation_id=org.pk, channel="sms", recipient="", rendered=rendered
        )


def _sent_message(org, *, person=None, action=None) -> OutboxMessage:
    msg = outbox_message_create(
        organisation_id=org.pk,
        channel="email",
        recipient="p1@example.nl",
        rendered=RenderedMessage(subject="S", text="T"),
        person_id=person.pk if person else None,
        contact_point_id=person.contact_points.get(kind="email").pk if person else None,
        action_id=action.pk if action else None,
        case_id=action.case_id if action else None,
        idempotency_key=message_key(action.idempotency_key, 1) if action else "",
        now=NOW,
    )
    OutboxMessage.objects.filter(pk=msg.pk).update(
        status="sent", provider_id=f"prov-{msg.pk}", sent_at=NOW
    )
    return msg


def test_status_update_delivered_is_idempotent():
    org = organisation_make()
    msg = _sent_message(org)
    later = NOW + timedelta(minutes=5)
    assert outbox_status_update(provider_id=f"prov-{msg.pk}", status="delivered", at=later)
    assert outbox_status_update(provider_id=f"prov-{msg.pk}", status="DELIVERED", at=later)
    assert outbox_status_update(provider_id=f"prov-{msg.pk}", status="accepted") is not None
    msg.refresh_from_db()
    assert (msg.status, msg.delivered_at) == ("delivered", later)
    assert DeliveryEvent.objects.filter(message=msg, to_status="delivered").count() == 1
    assert outbox_status_update(provider_id="nope", status="delivered") is None
    assert outbox_status_update(provider_id="", status="delivered") is None


def test_status_update_bounce_invalidates_and_falls_back():
    org = organisation_make()
    person = person_make(1)
    action = action_make(case_make(org, person, 1))
    msg = _sent_message(org, person=person, action=action)
    outbox_status_update(provider_id=f"prov-{msg.pk}", status="bounced", detail="550 user unknown")
    outbox_status_update(provider_id=f"prov-{msg.pk}", status="bounced", detail="550 user unknown")
    msg.refresh_from_db()
    assert msg.status == "failed"
    cp = person.contact_points.get(kind="email")
    assert cp.invalid_since is not None and "550" in cp.invalid_reason
    fallback = OutboxMessage.objects.get(action=action, sequence=2)
    assert (fallback.channel, fallback.status) == ("sms", "pending")
    assert fallback.idempotency_key == message_key(action.idempotency_key, 2)
    causes = set(CaseEvent.objects.filter(case=action.case).values_list("cause", flat=True))
    assert {"bounced", "fallback"} <= causes
    assert Action.objects.get(pk=action.pk).status == "planned"


def test_channel_order_puts_preference_first():
    p = person_make(1, preferred=["whatsapp", "letter", "phone"])
    assert channel_order(p) == ["whatsapp", "letter", "email", "sms"]
    assert channel_order(None) == ["email", "sms", "letter"]


def test_retry_delay_grows_with_jitter_and_cap(settings):
    settings.VANGNET_OUTBOX_RETRY_BASE_SECONDS = 10
    settings.VANGNET_OUTBOX_RETRY_MAX_SECONDS = 100
    assert [retry_delay(n, rand=1.0) for n in (1, 2, 3, 4, 5, 9)] == [10, 20, 40, 80, 100, 100]
    assert retry_delay(3, rand=0.0) == 20  # half fixed, half jitter
    assert 20 <= retry_delay(3, rand=0.37) <= 40
    assert retry_delay(1, retry_after=90, rand=0.0) == 90


def test_requeue_and_cancel_rules_are_audited(django_user_model):
    org = organisation_make()
    staff = django_user_model.objects.create_user("medewerker", password="x")
    action = action_make(case_make(org, person_make(1), 1))
    outbox_enqueue_due(now=NOW)
    msg = OutboxMessage.objects.get(action=action)
    with pytest.raises(OutboxActionRefused):
        outbox_requeue(message=msg, actor=staff)
    outbox_cancel(message=msg, actor=staff, now=NOW)
    msg.refresh_from_db()
    assert msg.status == "cancelled"
    assert Action.objects.get(pk=action.pk).status == "cancelled"
    with pytest.raises(OutboxActionRefused):
        outbox_cancel(message=msg, actor=staff)
    outbox_requeue(message=msg, actor=staff, now=NOW)
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == ("pending", 0)
    assert Action.objects.get(pk=action.pk).status == "planned"
    audited = AuditEvent.objects.filter(object_type="outboxmessage", object_id=str(msg.pk))
    assert sorted(audited.values_list("action", flat=True)) == ["outbox.cancel", "outbox.requeue"]
    assert {e.actor_id for e in audited} == {staff.pk}
    transitions = list(
        DeliveryEvent.objects.filter(message=msg).values_list("to_status", flat=True)
    )
    assert transitions == ["cancelled", "pending"]
