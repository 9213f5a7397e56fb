"""Today's call list: its order, its guide per segment, and outcome registration."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

import pytest

from tests.workspace.test_case_timeline import grant, make_case
from vangnet.core.errors import Invalid
from vangnet.parties.models import Organisation
from vangnet.strategy.constants import CaseEventKind, CaseStatus, HoldKind
from vangnet.strategy.models import CaseEvent, Hold
from vangnet.workspace import queues
from vangnet.workspace.models import TaskKind, TaskStatus
from vangnet.workspace.queue_actions import task_outcome_register
from vangnet.workspace.selectors import case_arrears_reason
from vangnet.workspace.worklist import task_create

pytestmark = pytest.mark.django_db


def call(case, key: str, *, today, priority: int = 3, due_days: int = 0, **kw):
    task, _ = task_create(
        kind=kw.pop("kind", TaskKind.CALL),
        idempotency_key=key,
        title=f"Bellen {key}",
        due_on=today + timedelta(days=due_days),
        case=case,
        person_id=case.account.customer.person_id,
        priority=priority,
        phone="+31612345678",
        **kw,
    )
    return task


@pytest.fixture
def collector(db) -> User:
    user = User.objects.create_user("incasso", password="pw-incasso-123")
    return grant(user, "workspace.change_task", "workspace.view_task", "strategy.view_case")


def _at(today, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(today, time(hour, minute)))


def test_call_list_order(ledger):
    today = ledger.today
    jansen = make_case(ledger.jansen, today, score=0.2, arrears_cents=12500)
    de_vries = make_case(ledger.de_vries, today, score=0.9, arrears_cents=20000)
    bakker = make_case(ledger.bakker, today, score=0.2, arrears_cents=50000)
    # Jansen is in debt help (fixture): vulnerable.
    a = call(jansen, "a", today=today)
    b = call(de_vries, "b", today=today)
    c = call(bakker, "c", today=today)
    call(bakker, "urgent", today=today, priority=1)
    call(de_vries, "evening", today=today, window_start=time(18), window_end=time(21))
    later = call(jansen, "later", today=today, due_days=1)  # not due yet
    done = call(jansen, "done", today=today)
    done.status = TaskStatus.DONE
    done.save()
    other_org = Organisation.objects.create(name="Ander", slug="ander")
    task_create(
        kind=TaskKind.CALL,
        idempotency_key="x",
        title="x",
        due_on=today,
        organisation_id=other_org.pk,
    )

    order = list(
        queues.call_list(organisation_id=ledger.organisation.pk, today=today, now=_at(today, 10))
    )
    # Priority first; then reachable now (the evening call is not, at 10:00); then the
    # vulnerable person; then the higher score; then the larger amount.
    assert [t.idempotency_key for t in order] == ["urgent", "a", "b", "c", "evening"]
    assert later not in order and done not in order
    assert order[1].vulnerable and not order[2].vulnerable
    assert not order[-1].reachable_now

    at_seven = list(
        queues.call_list(organisation_id=ledger.organisation.pk, today=today, now=_at(today, 19))
    )
    # At 19:00 the evening call is reachable and its window closes before the others'.
    assert [t.idempotency_key for t in at_seven][:2] == ["urgent", "evening"]
    assert {a, b, c} <= set(at_seven)


def test_persons_own_hours_count_for_reachable_now(ledger):
    today = ledger.today
    case = make_case(ledger.de_vries, today)
    person = ledger.de_vries.customer.person
    person.contact_window_start, person.contact_window_end = time(12), time(14)
    person.save()
    call(case, "p", today=today)
    [row] = queues.call_list(organisation_id=ledger.organisation.pk, today=today, now=_at(today, 9))
    assert not row.reachable_now
    [row] = queues.call_list(
        organisation_id=ledger.organisation.pk, today=today, now=_at(today, 13)
    )
    assert row.reachable_now


def test_guides_per_segment_from_a_file(tmp_path, monkeypatch, ledger):
    guides = tmp_path / "guides.yaml"
    guides.write_text("default: Algemeen\nvulnerable: |\n  Neem de tijd.\n", encoding="utf-8")
    monkeypatch.setenv("VANGNET_CALL_GUIDES_FILE", str(guides))
    assert queues.guide_for("vulnerable") == "Neem de tijd."
    assert queues.guide_for("standard") == "Algemeen"
    guides.write_text("- not a mapping\n", encoding="utf-8")
    import os

    os.utime(guides, (1, 1))  # a new mtime: the cache re-reads
    assert queues.call_guides() == {}
    monkeypatch.delenv("VANGNET_CALL_GUIDES_FILE")
    assert "Luister eerst" in queues.guide_for("no_such_segment")  # the bundled default


def test_promise_to_pay_pauses_until_the_date_and_stores_the_reason(ledger, collector):
    today = ledger.today
    case = make_case(ledger.jansen, today)
    task = call(case, "p2p", today=today)
    promise = today + timedelta(days=10)
    task_outcome_register(
        task=task,
        outcome="promise_to_pay",
        arrears_reason="forgot",
        promise_date=promise,
        note="Betaalt na salaris",
        actor=collector,
        organisation_id=ledger.organisation.pk,
        today=today,
    )
    task.refresh_from_db()
    case.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.outcome == "promise_to_pay"
    assert (case.status, case.paused_until, case.pause_cause) == (
        CaseStatus.PAUSED,
        promise,
        HoldKind.PROMISE_TO_PAY,
    )
    hold = Hold.objects.get(case=case)
    assert (hold.kind, hold.ends_on) == (HoldKind.PROMISE_TO_PAY, promise)
    assert case_arrears_reason(case_id=case.pk)[0] == "forgot"
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.CONTACT).count() == 1


def test_not_reached_keeps_the_case_open_and_ignores_a_reason(ledger, collector):
    today = ledger.today
    case = make_case(ledger.jansen, today)
    task = call(case, "nr", today=today)
    task_outcome_register(
        task=task, outcome="not_reached", arrears_reason="forgot", actor=collector, today=today
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case_arrears_reason(case_id=case.pk) is None


def test_outcomes_of_another_organisation_are_refused(ledger, collector):
    other = Organisation.objects.create(name="Ander", slug="ander")
    task, _ = task_create(
        kind=TaskKind.CALL,
        idempotency_key="o",
        title="o",
        due_on=ledger.today,
        organisation_id=other.pk,
    )
    with pytest.raises(Invalid):
        task_outcome_register(
            task=task, outcome="reached", actor=collector, organisation_id=ledger.organisation.pk
        )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


# ---------------------------------------------------------------------------------------
# The page


def test_call_list_page_and_outcome_post(client, ledger, collector):
    today = ledger.today
    case = make_case(ledger.jansen, today, segment="vulnerable")
    task = call(case, "page", today=today)
    client.force_login(collector)
    response = client.get(reverse("workspace:calls"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:+31612345678"' in html
    assert "Gespreksleidraad" in html and "Neem de tijd" in html  # the vulnerable guide
    assert "kwetsbaar" in html

    # Missing reason after a conversation: refused, nothing written.
    response = client.post(
        reverse("workspace:call-outcome", args=[task.pk]),
        {"outcome": "reached", "next": reverse("workspace:calls")},
    )
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN

    response = client.post(
        reverse("workspace:call-outcome", args=[task.pk]),
        {
            "outcome": "promise_to_pay",
            "arrears_reason": "income_drop",
            "promise_date": (today + timedelta(days=7)).isoformat(),
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:calls")  # no open redirect
    case.refresh_from_db()
    assert case.status == CaseStatus.PAUSED


def test_call_list_needs_the_task_permission(client, ledger):
    user = User.objects.create_user("kijker")
    grant(user, "workspace.view_task")
    client.force_login(user)
    assert client.get(reverse("workspace:calls")).status_code == 403
    assert client.get(reverse("workspace:work")).status_code == 200
    client.logout()
    assert client.get(reverse("workspace:calls")).status_code == 302


def test_empty_call_list(client, ledger, collector):
    client.force_login(collector)
    response = client.get(reverse("workspace:calls"))
    assert "Niemand te bellen" in response.content.decode()


def test_work_overview_counts(client, ledger, collector):
    today = ledger.today
    case = make_case(ledger.jansen, today)
    call(case, "w1", today=today)
    call(case, "w2", today=today, kind=TaskKind.CALLBACK)
    call(case, "v1", today=today, kind=TaskKind.VISIT)
    call(case, "r1", today=today, kind=TaskKind.REPLY)
    counts = queues.queue_counts(organisation_id=ledger.organisation.pk, today=today)
    assert (counts.calls, counts.visits_unplanned, counts.replies) == (2, 1, 1)
    assert counts.approvals == 0
    client.force_login(collector)
    html = client.get(reverse("workspace:work")).content.decode()
    assert "2 gesprekken" in html
