"""The delivery worker against a real SMTP server (aiosmtpd): hand-over, retries with
backoff, permanent failures with channel fallback, leases, withdrawal and expiry."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from django.db import connection

import pytest

import vangnet.messaging.channels.email  # noqa: F401  (registers the e-mail adapter)
from tests.messaging.outbox_support import (
    NOW,
    RENDERER,
    SMTP_BACKEND,
    SmtpServer,
    action_make,
    book_make,
    case_make,
    free_port,
    organisation_make,
    person_make,
)
from vangnet.messaging.channels.email import message_id_for
from vangnet.messaging.delivery import outbox_deliver_batch
from vangnet.messaging.models import DeliveryEvent, OutboxMessage
from vangnet.messaging.services import outbox_enqueue_due
from vangnet.strategy.models import Action, CaseEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.VANGNET_MESSAGING_RENDERER = RENDERER
        settings.VANGNET_EMAIL_BACKEND = SMTP_BACKEND
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.VANGNET_OUTBOX_RETRY_BASE_SECONDS = 60
        yield server


def deliver(now=NOW, batch=100, worker="w1", **kw):
    return outbox_deliver_batch(worker_id=worker, batch_size=batch, now=now, **kw)


def test_delivers_due_messages_over_smtp(smtp):
    org = organisation_make()
    actions = book_make(org, 5)
    outbox_enqueue_due(now=NOW)
    stats = deliver()
    assert (stats.claimed, stats.sent, stats.failed) == (5, 5, 0)
    got = {r.rcpt[0]: r for r in smtp.recorder.received}
    assert set(got) == {f"p{k}@example.nl" for k in range(5)}
    mail = got["p0@example.nl"].message
    assert mail["Subject"] == "Herinnering herinnering-1"
    assert mail["From"] == "Waterbedrijf Test <klantenservice@water.example>"
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in mail.walk()
        if not p.is_multipart()
    }
    assert "dit is herinnering-1 via email" in parts["text/plain"]
    assert "<b>herinnering-1</b>" in parts["text/html"]
    msg = OutboxMessage.objects.get(action=actions[0])
    assert mail["Message-ID"] == message_id_for(msg.idempotency_key, mail["From"])
    assert (msg.status, msg.attempts, msg.sent_at, msg.locked_by) == ("sent", 1, NOW, "")
    assert msg.provider_id == mail["Message-ID"].strip("<>")
    trail = list(DeliveryEvent.objects.filter(message=msg).values_list("from_status", "to_status"))
    assert trail == [("pending", "sending"), ("sending", "sent")]
    assert Action.objects.get(pk=actions[0].pk).status == "sent"
    event = CaseEvent.objects.get(case=actions[0].case, cause="sent")
    assert event.kind == "contact"
    assert event.details["channel"] == "email" and event.details["template"] == "herinnering-1"
    assert deliver().claimed == 0  # nothing left


def test_future_rows_wait_and_batches_are_limited(smtp):
    org = organisation_make()
    book_make(org, 5)
    outbox_enqueue_due(now=NOW)
    early = NOW - timedelta(hours=2)
    assert deliver(now=early).claimed == 0  # planned for 10:00, it is 08:30
    assert deliver(batch=2).sent == 2
    assert deliver(batch=2).sent == 2
    assert deliver(batch=2).sent == 1
    assert len(smtp.recorder.received) == 5


def test_451_is_retried_with_backoff_then_sent(smtp):
    org = organisation_make()
    (action,) = book_make(org, 1)
    smtp.recorder.faults["p0@example.nl"] = ["451 4.3.0 Try again later"]
    outbox_enqueue_due(now=NOW)
    stats = deliver()
    assert (stats.sent, stats.retried) == (0, 1)
    msg = OutboxMessage.objects.get(action=action)
    assert msg.status == "pending" and "451" in msg.last_error
    assert NOW + timedelta(seconds=30) <= msg.next_attempt_at <= NOW + timedelta(seconds=60)
    assert deliver(now=NOW + timedelta(seconds=10)).claimed == 0  # not yet
    stats = deliver(now=NOW + timedelta(minutes=2))
    assert stats.sent == 1
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == ("sent", 2)
    assert len(smtp.recorder.received) == 1


def test_temporary_failures_stop_after_max_attempts(smtp, settings):
    settings.VANGNET_OUTBOX_MAX_ATTEMPTS = 3
    org = organisation_make()
    (action,) = book_make(org, 1)
    smtp.recorder.faults["p0@example.nl"] = ["452 4.2.2 Mailbox full"] * 5
    outbox_enqueue_due(now=NOW)
    now = NOW
    for _ in range(3):
        deliver(now=now)
        now += timedelta(hours=1)
    msg = OutboxMessage.objects.get(action=action)
    assert (msg.status, msg.attempts) == ("failed", 3)
    # The address is fine (mailbox full): no fallback, no invalidation.
    assert OutboxMessage.objects.filter(action=action).count() == 1
    assert (
        action.case.account.customer.person.contact_points.filter(
            invalid_since__isnull=False
        ).count()
        == 0
    )
    assert Action.objects.get(pk=action.pk).status == "failed"
    assert CaseEvent.objects.filter(case=action.case, cause="failed").count() == 1


def test_550_invalidates_address_and_falls_back_along_policy(smtp):
    org = organisation_make()
    person = person_make(1, preferred=["letter"])
    action = action_make(case_make(org, person, 1))
    smtp.recorder.faults["p1@example.nl"] = ["550 5.1.1 User unknown"]
    outbox_enqueue_due(now=NOW)
    stats = deliver()
    assert (stats.failed, stats.fallbacks, stats.sent) == (1, 1, 0)
    first, second = OutboxMessage.objects.filter(action=action).order_by("sequence")
    assert first.status == "failed" and "550" in first.last_error
    email_cp = person.contact_points.get(kind="email")
    assert email_cp.invalid_since == NOW and "User unknown" in email_cp.invalid_reason
    # The person prefers letters: the fallback is a letter, not the default SMS.
    assert (second.channel, second.status, second.sequence) == ("letter", "pending", 2)
    assert second.recipient == "Dorpsstraat 2, 1234AB Ergens"
    assert second.text.endswith("via letter.")
    assert Action.objects.get(pk=action.pk).status == "planned"
    causes = list(CaseEvent.objects.filter(case=action.case).values_list("cause", flat=True))
    assert causes.count("bounced") == 1 and causes.count("fallback") == 1


def test_last_channel_failing_suggests_a_call(smtp):
    org = organisation_make()
    person = person_make(1, mobile=None, address=False)
    action = action_make(case_make(org, person, 1))
    smtp.recorder.faults["p1@example.nl"] = ["553 5.1.3 Bad address syntax"]
    outbox_enqueue_due(now=NOW)
    assert deliver().fallbacks == 0
    assert OutboxMessage.objects.get(action=action).status == "failed"
    assert Action.objects.get(pk=action.pk).status == "failed"
    note = CaseEvent.objects.get(case=action.case, cause="call_suggested")
    assert "bel de klant" in note.text


def test_unreachable_server_is_temporary(settings):
    settings.VANGNET_MESSAGING_RENDERER = RENDERER
    settings.VANGNET_EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    org = organisation_make()
    book_make(org, 2)
    outbox_enqueue_due(now=NOW)
    stats = deliver()
    assert (stats.retried, stats.sent, stats.failed) == (2, 0, 0)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"pending"}
    assert all(
        "verbinding" in e for e in OutboxMessage.objects.values_list("last_error", flat=True)
    )


def test_closed_case_and_withdrawn_action_are_not_sent(smtp):
    org = organisation_make()
    paid, withdrawn, ok = book_make(org, 3)
    outbox_enqueue_due(now=NOW)
    paid.case.status = "closed"
    paid.case.save()
    Action.objects.filter(pk=withdrawn.pk).update(status="cancelled")
    stats = deliver()
    assert (stats.sent, stats.cancelled) == (1, 2)
    assert [r.rcpt for r in smtp.recorder.received] == [["p2@example.nl"]]
    assert OutboxMessage.objects.get(action=paid).status == "cancelled"
    assert Action.objects.get(pk=paid.pk).status == "cancelled"
    assert OutboxMessage.objects.get(action=ok).status == "sent"


def test_old_pending_rows_expire(smtp, settings):
    settings.VANGNET_OUTBOX_EXPIRE_HOURS = 24
    org = organisation_make()
    (action,) = book_make(org, 1)
    outbox_enqueue_due(now=NOW)
    stats = deliver(now=NOW + timedelta(hours=25))
    assert (stats.expired, stats.sent) == (1, 0)
    assert OutboxMessage.objects.get(action=action).status == "expired"
    assert Action.objects.get(pk=action.pk).status == "failed"
    assert smtp.recorder.received == []


def test_expired_lease_is_reclaimed_with_the_same_key(smtp, settings):
    settings.VANGNET_OUTBOX_LEASE_SECONDS = 60
    org = organisation_make()
    crashed, busy = book_make(org, 2)
    outbox_enqueue_due(now=NOW)
    # Two rows claimed by workers: one died long ago, one is still within its lease.
    OutboxMessage.objects.filter(action=crashed).update(
        status="sending", locked_by="dead", locked_until=NOW - timedelta(seconds=1), attempts=1
    )
    OutboxMessage.objects.filter(action=busy).update(
        status="sending", locked_by="alive", locked_until=NOW + timedelta(seconds=30), attempts=1
    )
    stats = deliver(worker="w2")
    assert (stats.claimed, stats.reclaimed, stats.sent) == (1, 1, 1)
    msg = OutboxMessage.objects.get(action=crashed)
    assert (msg.status, msg.attempts) == ("sent", 2)
    assert smtp.recorder.received[0].key == msg.idempotency_key
    assert OutboxMessage.objects.get(action=busy).status == "sending"  # untouched
    ev = DeliveryEvent.objects.get(message=msg, from_status="sending", to_status="sending")
    assert "dead" in ev.detail


def test_stop_request_gives_the_rest_of_the_batch_back(smtp):
    org = organisation_make()
    book_make(org, 4)
    outbox_enqueue_due(now=NOW)
    calls = []

    def stop_after_two() -> bool:
        calls.append(1)
        return len(calls) > 2

    stats = deliver(should_stop=stop_after_two)
    assert (stats.sent, stats.released) == (2, 2)
    pending = OutboxMessage.objects.filter(status="pending")
    assert pending.count() == 2 and {m.attempts for m in pending} == {0}
    assert deliver().sent == 2
    assert len(smtp.recorder.received) == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_never_send_the_same_row(smtp):
    org = organisation_make()
    book_make(org, 120)
    outbox_enqueue_due(now=NOW)
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            barrier.wait()
            while deliver(worker=name, batch=7).claimed:
                pass
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    keys = smtp.recorder.keys()
    assert len(keys) == 120 and max(keys.values()) == 1
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    by_worker = Counter(
        DeliveryEvent.objects.filter(to_status="sending").values_list("detail", flat=True)
    )
    assert sum(by_worker.values()) == 120
    assert len(by_worker) > 1  # the rows were really shared out between the workers


def test_celery_task_enqueues_and_delivers(smtp, settings):
    from vangnet.messaging.tasks import deliver_due

    settings.VANGNET_OUTBOX_EXPIRE_HOURS = 10_000_000  # the test's send time lies in the past
    org = organisation_make()
    book_make(org, 3)
    result = deliver_due.delay(batch_size=10).get()
    assert (result["claimed"], result["sent"]) == (3, 3)
    assert len(smtp.recorder.received) == 3
    assert set(Action.objects.values_list("status", flat=True)) == {"sent"}
