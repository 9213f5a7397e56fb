"""Home visits: grouped by postcode area, planned in a time slot, recorded on a phone."""

from __future__ import annotations

from datetime import time, timedelta

from django.contrib.auth.models import User
from django.urls import reverse

import pytest

from tests.workspace.test_case_timeline import grant, make_case
from tests.workspace.test_queue_calls import call
from vangnet.core.errors import Invalid
from vangnet.core.models import AuditEvent
from vangnet.strategy.constants import CaseStatus
from vangnet.strategy.models import CaseEvent
from vangnet.workspace import queues
from vangnet.workspace.constants import CAUSE_VISIT_PLANNED, VisitSlot
from vangnet.workspace.models import TaskKind, TaskStatus
from vangnet.workspace.queue_actions import visits_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def field_worker(db) -> User:
    user = User.objects.create_user("buiten", first_name="Bea", last_name="Buiten")
    return grant(user, "workspace.change_task", "workspace.view_task", "strategy.view_case")


@pytest.fixture
def visits(ledger):
    today = ledger.today
    jansen = make_case(ledger.jansen, today)  # 1234 AB Utrecht
    de_vries = make_case(ledger.de_vries, today)  # 5678 CD Eindhoven
    return {
        "j": call(jansen, "vj", today=today, kind=TaskKind.VISIT),
        "v1": call(de_vries, "vv1", today=today, kind=TaskKind.VISIT),
        "v2": call(de_vries, "vv2", today=today, due_days=3, kind=TaskKind.VISIT),
        "call": call(de_vries, "not-a-visit", today=today),
    }


def test_visits_grouped_by_area(ledger, visits):
    areas = queues.visit_areas(organisation_id=ledger.organisation.pk, today=ledger.today)
    assert [(a.area, a.city, a.total, a.unplanned) for a in areas] == [
        ("1234", "Utrecht", 1, 1),
        ("5678", "Eindhoven", 2, 2),
    ]
    in_area = list(
        queues.visits_in_area(
            organisation_id=ledger.organisation.pk, today=ledger.today, area="5678"
        )
    )
    assert {t.pk for t in in_area} == {visits["v1"].pk, visits["v2"].pk}


def test_plan_visits_in_the_evening(ledger, visits, field_worker):
    on = ledger.today + timedelta(days=2)
    planned = visits_plan(
        task_ids=[visits["v1"].pk, visits["v2"].pk],
        on=on,
        slot=VisitSlot.EVENING,
        assignee=field_worker,
        actor=field_worker,
        organisation_id=ledger.organisation.pk,
        today=ledger.today,
    )
    assert planned == 2
    for key in ("v1", "v2"):
        visits[key].refresh_from_db()
        assert (visits[key].due_on, visits[key].window_start, visits[key].window_end) == (
            on,
            time(18, 30),
            time(21, 0),
        )
        assert visits[key].assigned_to == field_worker
    events = CaseEvent.objects.filter(cause=CAUSE_VISIT_PLANNED)
    assert events.count() == 2 and "avond" in events.first().text
    audit = AuditEvent.objects.get(action="visits_planned")
    assert sorted(audit.details["task_ids"]) == sorted([visits["v1"].pk, visits["v2"].pk])
    [area] = [
        a
        for a in queues.visit_areas(organisation_id=ledger.organisation.pk, today=ledger.today)
        if a.area == "5678"
    ]
    assert area.unplanned == 0
    mine = list(queues.visits_for_worker(user=field_worker, day=on))
    assert len(mine) == 2


@pytest.mark.parametrize(
    ("days", "slot", "pick", "code"),
    [
        (-1, VisitSlot.MORNING, ("v1",), "visit_day"),
        (61, VisitSlot.MORNING, ("v1",), "visit_day"),
        (1, "midnight", ("v1",), "visit_slot"),
        (1, VisitSlot.MORNING, (), "visit_none"),
        (1, VisitSlot.MORNING, ("v1", "call"), "visit_changed"),
    ],
)
def test_bad_plans_change_nothing(ledger, visits, field_worker, days, slot, pick, code):
    with pytest.raises(Invalid) as exc:
        visits_plan(
            task_ids=[visits[k].pk for k in pick],
            on=ledger.today + timedelta(days=days),
            slot=slot,
            actor=field_worker,
            today=ledger.today,
        )
    assert exc.value.code == code
    visits["v1"].refresh_from_db()
    assert visits["v1"].assigned_to is None and visits["v1"].window_start is None


def test_early_morning_slot_exists():
    assert VisitSlot.EARLY_MORNING in VisitSlot.values


# ---------------------------------------------------------------------------------------
# Pages


def test_planning_page_and_post(client, ledger, visits, field_worker):
    client.force_login(field_worker)
    response = client.get(reverse("workspace:visits") + "?gebied=5678")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-area="1234"' in html and 'data-area="5678"' in html
    assert f'id="visit_{visits["v1"].pk}"' in html and f'id="visit_{visits["j"].pk}"' not in html
    assert "Bea Buiten" in html  # the field worker by name in the assignee list
    day = ledger.today + timedelta(days=1)
    response = client.post(
        reverse("workspace:visits-plan"),
        {
            "tasks": [visits["v1"].pk],
            "on": day.isoformat(),
            "slot": VisitSlot.EARLY_MORNING,
            "assignee": field_worker.pk,
            "next": reverse("workspace:visits") + "?gebied=5678",
        },
    )
    assert response.status_code == 302
    visits["v1"].refresh_from_db()
    assert (visits["v1"].due_on, visits["v1"].window_start) == (day, time(7, 30))


def test_planning_refusal_is_a_message_not_a_crash(client, ledger, visits, field_worker):
    client.force_login(field_worker)
    response = client.post(
        reverse("workspace:visits-plan"),
        {"tasks": [visits["call"].pk], "on": ledger.today.isoformat(), "slot": "morning"},
        follow=True,
    )
    assert "bestaan niet meer" in response.content.decode()
    visits["call"].refresh_from_db()
    assert visits["call"].window_start is None


def test_mobile_visit_page_records_an_outcome(client, ledger, visits, field_worker):
    task = visits["v1"]
    visits_plan(
        task_ids=[task.pk],
        on=ledger.today,
        slot=VisitSlot.EVENING,
        assignee=field_worker,
        actor=field_worker,
        today=ledger.today,
    )
    client.force_login(field_worker)
    listing = client.get(reverse("workspace:visits-mine")).content.decode()
    assert reverse("workspace:visit", args=[task.pk]) in listing
    page = client.get(reverse("workspace:visit", args=[task.pk])).content.decode()
    assert 'name="viewport"' in page and "Niemand thuis" in page
    assert "Verkeerd nummer" not in page  # not an outcome at a door
    assert "geo:0,0?q=" in page
    response = client.post(
        reverse("workspace:visit", args=[task.pk]),
        {"outcome": "help_needed", "arrears_reason": "illness", "note": "Graag hulp"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.outcome) == (TaskStatus.DONE, "help_needed")
    # A second submit (the back button) does not record twice.
    client.post(reverse("workspace:visit", args=[task.pk]), {"outcome": "reached"})
    task.refresh_from_db()
    assert task.outcome == "help_needed"
    assert task.case.status == CaseStatus.OPEN


def test_visit_page_is_only_for_visits(client, ledger, visits, field_worker):
    client.force_login(field_worker)
    assert client.get(reverse("workspace:visit", args=[visits["call"].pk])).status_code == 404


def test_empty_visit_queue(client, ledger, field_worker):
    client.force_login(field_worker)
    assert "Geen huisbezoeken" in client.get(reverse("workspace:visits")).content.decode()
    assert "Geen bezoeken" in client.get(reverse("workspace:visits-mine")).content.decode()
