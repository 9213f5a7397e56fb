"""Call and visit tasks: the adapters that create them, the outcomes that feed the case
(timeline, holds, invalid number), and the small staff queue page."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from tests.messaging.channels.factories import make_debtor
from vangnet.core.errors import Invalid
from vangnet.messaging.registry import adapter_for
from vangnet.messaging.types import OutgoingMessage, PermanentFailure
from vangnet.parties.models import ContactPoint
from vangnet.strategy.models import CaseEvent, Hold
from vangnet.workspace import worklist
from vangnet.workspace.models import Task, TaskKind, TaskStatus

TODAY = date(2025, 6, 10)


def call_message(case_id, key="outbox:1:phone", **meta) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=key,
        channel="phone",
        to="",
        subject="",
        text="Vraag hoe het gaat en bied een regeling aan.",
        metadata={"case_id": case_id, **meta},
    )


@pytest.fixture
def debtor(organisation):
    return make_debtor(organisation, mobile="+31612345678")


def make_task(debtor, key="t1", **kw) -> Task:
    task, _ = worklist.task_create(
        kind=kw.pop("kind", TaskKind.CALL),
        idempotency_key=key,
        title=kw.pop("title", f"Bellen: {debtor.person.full_name}"),
        due_on=kw.pop("due_on", TODAY),
        case=debtor.case,
        person_id=debtor.person.pk,
        phone=debtor.mobile,
        **kw,
    )
    return task


# -- adapters ----------------------------------------------------------------------------


def test_phone_adapter_creates_one_task_per_key(debtor):
    adapter = adapter_for("phone")
    first = adapter.send(call_message(debtor.case.pk, priority=1))
    second = adapter.send(call_message(debtor.case.pk, priority=1))
    assert first.provider_id == second.provider_id and second.detail == "taak bestond al"
    task = Task.objects.get()
    assert (task.kind, task.phone, task.priority, task.case_id) == (
        "call",
        "+31612345678",
        1,
        debtor.case.pk,
    )
    assert task.organisation_id == debtor.organisation.pk
    assert "regeling" in task.description


def test_visit_adapter_takes_an_evening_window(debtor):
    adapter_for("visit").send(
        call_message(debtor.case.pk, key="v1", window="evening", due_on="2025-06-12")
    )
    task = Task.objects.get()
    assert task.kind == "visit" and task.due_on == date(2025, 6, 12)
    assert (task.window_start, task.window_end) == (time(18, 30), time(21, 0))


def test_call_without_usable_number_or_case_fails_permanently(organisation):
    no_phone = make_debtor(organisation, mobile="")
    with pytest.raises(PermanentFailure) as err:
        adapter_for("phone").send(call_message(no_phone.case.pk))
    assert err.value.code == "invalid_recipient"
    with pytest.raises(PermanentFailure) as err:
        adapter_for("phone").send(call_message(999999, key="x"))
    assert err.value.code == "configuration"
    with pytest.raises(PermanentFailure):
        adapter_for("visit").send(
            call_message(no_phone.case.pk, key="y", window_start="21:00", window_end="20:00")
        )


# -- outcomes ----------------------------------------------------------------------------


def test_promise_to_pay_becomes_a_hold_until_the_date(debtor):
    task = make_task(debtor)
    worklist.task_complete(
        task=task,
        outcome="promise_to_pay",
        note="Betaalt na salaris",
        promise_date=TODAY + timedelta(days=10),
        today=TODAY,
    )
    hold = Hold.objects.get()
    assert (hold.kind, hold.starts_on, hold.ends_on, hold.case_id) == (
        "promise_to_pay",
        TODAY,
        TODAY + timedelta(days=10),
        debtor.case.pk,
    )
    event = CaseEvent.objects.get(case=debtor.case)
    assert event.kind == "contact" and event.cause == "reached"
    assert "20-06-2025" in event.text and "Betaalt na salaris" in event.text
    assert event.details["outcome"] == "promise_to_pay" and event.details["task_id"] == task.pk
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_at is not None


def test_dispute_holds_without_end(debtor):
    worklist.task_complete(task=make_task(debtor), outcome="dispute", today=TODAY)
    hold = Hold.objects.get()
    assert hold.kind == "dispute" and hold.ends_on is None


def test_wrong_number_invalidates_the_contact_point(debtor):
    worklist.task_complete(task=make_task(debtor), outcome="wrong_number", today=TODAY)
    point = ContactPoint.objects.get(person=debtor.person, kind="mobile")
    assert point.invalid_since is not None and "Verkeerd nummer" in point.invalid_reason
    event = CaseEvent.objects.get(case=debtor.case)
    assert event.cause == "not_reached"
    assert not Hold.objects.exists()


def test_not_reached_is_on_the_timeline_without_a_hold(debtor):
    worklist.task_complete(task=make_task(debtor), outcome="not_reached", today=TODAY)
    assert CaseEvent.objects.get(case=debtor.case).details["reached"] is False
    assert not Hold.objects.exists()
    assert ContactPoint.objects.get(person=debtor.person, kind="mobile").invalid_since is None


def test_outcome_rules(debtor):
    task = make_task(debtor)
    with pytest.raises(Invalid):
        worklist.task_complete(task=task, outcome="promise_to_pay", today=TODAY)
    with pytest.raises(Invalid):
        worklist.task_complete(
            task=task, outcome="promise_to_pay", promise_date=TODAY - timedelta(1), today=TODAY
        )
    with pytest.raises(Invalid):
        worklist.task_complete(task=task, outcome="maybe", today=TODAY)
    worklist.task_complete(task=task, outcome="reached", today=TODAY)
    with pytest.raises(Invalid) as err:
        worklist.task_complete(task=task, outcome="reached", today=TODAY)
    assert err.value.code == "task_closed"
    assert CaseEvent.objects.filter(case=debtor.case).count() == 1


# -- the queue page ----------------------------------------------------------------------


def task_user(*, allowed: bool = True) -> User:
    user = User.objects.create_user("beller" if allowed else "kijker")  # force_login: no hash
    if allowed:
        user.user_permissions.add(
            Permission.objects.get(codename="change_task", content_type__app_label="workspace")
        )
    return user


def test_page_needs_login_and_permission(client, db):
    url = reverse("workspace:tasks")
    assert client.get(url).status_code == 302
    client.force_login(task_user(allowed=False))
    assert client.get(url).status_code == 403


def test_queue_lists_by_priority_with_tel_links_and_filters(client, debtor, organisation):
    today = timezone.localdate()
    make_task(debtor, key="low", priority=4, title="Laag", due_on=today)
    make_task(debtor, key="urgent", priority=1, title="Dringend", due_on=today)
    make_task(debtor, key="visit", kind="visit", priority=2, title="Bezoek", due_on=today)
    make_task(debtor, key="later", priority=1, title="Volgende week", due_on=today + timedelta(7))
    client.force_login(task_user())
    html = client.get(reverse("workspace:tasks")).content.decode()
    assert html.index("Dringend") < html.index("Bezoek") < html.index("Laag")
    assert "Volgende week" not in html
    assert 'href="tel:+31612345678"' in html
    assert "csrfmiddlewaretoken" in html
    only_visits = client.get(reverse("workspace:tasks"), {"soort": "visit"}).content.decode()
    assert "Bezoek" in only_visits and "Dringend" not in only_visits
    empty = client.get(reverse("workspace:tasks"), {"soort": "reply"}).content.decode()
    assert "Geen open taken" in empty


def test_queue_paginates(client, debtor):
    today = timezone.localdate()
    for i in range(30):
        make_task(debtor, key=f"k{i}", title=f"Taak {i:02d}", due_on=today)
    client.force_login(task_user())
    second = client.get(reverse("workspace:tasks"), {"page": 2})
    assert second.status_code == 200
    assert second.content.decode().count('class="tag"') == 5


def test_outcome_form_needs_csrf_and_records(debtor):
    task = make_task(debtor, due_on=timezone.localdate())
    user = task_user()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    url = reverse("workspace:task-outcome", args=[task.pk])
    assert csrf_client.post(url, {"outcome": "reached"}).status_code == 403
    page = csrf_client.get(reverse("workspace:tasks"))
    token = page.cookies["csrftoken"].value
    response = csrf_client.post(
        url,
        {
            "outcome": "promise_to_pay",
            "promise_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "note": "Vrijdag",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.outcome == "promise_to_pay" and task.done_by == user
    assert Hold.objects.get().kind == "promise_to_pay"
    # Done tasks leave the queue; a second post is refused politely.
    after = csrf_client.get(reverse("workspace:tasks")).content.decode()
    assert "Uitkomst vastgelegd: Bellen: Anna Jansen" in after  # the success message
    assert "Geen open taken" in after
    again = csrf_client.post(url, {"outcome": "reached", "csrfmiddlewaretoken": token})
    assert again.status_code == 302 and CaseEvent.objects.filter(case=debtor.case).count() == 1


def test_promise_without_date_shows_the_form_again(client, debtor):
    task = make_task(debtor, due_on=timezone.localdate())
    client.force_login(task_user())
    response = client.post(
        reverse("workspace:task-outcome", args=[task.pk]), {"outcome": "promise_to_pay"}
    )
    assert response.status_code == 400
    assert "Vul de datum in" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
