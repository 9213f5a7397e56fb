"""Reads of the work queues: today's call list, home visits by area, the queue counts.

The call list is ordered in SQL, so a page of 25 costs the same few queries whatever
the number of open calls. The order, most important first:

1. the task's priority (set by the journey step or by staff);
2. reachable now — the task's window and the person's own contact hours include the
   current time (a call outside the hours the person chose is wasted and unwelcome);
3. the window that closes soonest (an evening-only person before an all-day one);
4. vulnerable people first (medical necessity, debt help, a moratorium): a careful call
   early prevents the letters that frighten most;
5. the score (chance of (more) arrears), highest first;
6. the arrears, largest first; the task id keeps pages stable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr

import yaml

from vangnet.workspace import conf
from vangnet.workspace.models import Task, TaskKind, TaskStatus

logger = logging.getLogger(__name__)

CALL_KINDS = (TaskKind.CALL, TaskKind.CALLBACK)
_PERSON = "case__account__customer__person"


# ---------------------------------------------------------------------------------------
# Conversation guides


@lru_cache(maxsize=8)
def _guides_cached(path: str, mtime: float) -> dict[str, str]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of segment code to guide text")
    return {str(k): str(v).strip() for k, v in data.items() if v}


def call_guides() -> dict[str, str]:
    """Segment code -> guide text; an unreadable file logs and yields no guides."""
    path: Path = conf.call_guides_file()
    try:
        return _guides_cached(str(path), path.stat().st_mtime)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        logger.warning("call guides %s unreadable: %s", path, exc)
        return {}


def guide_for(segment: str, guides: dict[str, str] | None = None) -> str:
    guides = call_guides() if guides is None else guides
    return guides.get(segment) or guides.get("default", "")


# ---------------------------------------------------------------------------------------
# Call list


def _vulnerable(today: date, prefix: str = _PERSON) -> Q:
    return (
        Q(**{f"{prefix}__medical_necessity": True})
        | Q(**{f"{prefix}__in_debt_help": True})
        | Q(**{f"{prefix}__moratorium_until__gte": today})
    )


def _reachable_now(now_time: time, prefix: str = _PERSON) -> Q:
    task_ok = (Q(window_start__isnull=True) | Q(window_start__lte=now_time)) & (
        Q(window_end__isnull=True) | Q(window_end__gt=now_time)
    )
    person_ok = (
        Q(**{f"{prefix}__contact_window_start__isnull": True})
        | Q(**{f"{prefix}__contact_window_start__lte": now_time})
    ) & (
        Q(**{f"{prefix}__contact_window_end__isnull": True})
        | Q(**{f"{prefix}__contact_window_end__gt": now_time})
    )
    return task_ok & person_ok


def call_list(*, organisation_id: int | None, today: date, now: datetime) -> QuerySet[Task]:
    """Open calls and call-backs due today or earlier, most important first (module doc)."""
    if organisation_id is None:
        return Task.objects.none()
    now_time = now.time().replace(tzinfo=None)
    return (
        Task.objects.filter(
            organisation_id=organisation_id,
            status=TaskStatus.OPEN,
            kind__in=CALL_KINDS,
            due_on__lte=today,
        )
        .annotate(
            # CASE, not the bare OR: "moratorium_until >= today" is NULL without a
            # moratorium, and PostgreSQL sorts NULL first in a descending order.
            vulnerable=Case(
                When(_vulnerable(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            reachable_now=Case(
                When(_reachable_now(now_time), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .select_related(f"{_PERSON}__address", "person", "assigned_to")
        .order_by(
            "priority",
            F("reachable_now").desc(),
            F("window_end").asc(nulls_last=True),
            F("vulnerable").desc(),
            F("case__score").desc(nulls_last=True),
            F("case__arrears_cents").desc(nulls_last=True),
            "pk",
        )
    )


@dataclass
class CallRow:
    task: Task
    person: Any
    guide: str
    segment: str
    phone: str


def call_rows(tasks: Any, *, segments: dict[str, str]) -> list[CallRow]:
    """Shape one page of ``call_list`` (no queries: everything is selected)."""
    guides = call_guides()
    rows = []
    for task in tasks:
        case = task.case
        person = case.account.customer.person if case else task.person
        segment = case.segment if case else ""
        rows.append(
            CallRow(
                task=task,
                person=person,
                guide=guide_for(segment, guides),
                segment=segments.get(segment, segment),
                phone=task.phone,
            )
        )
    return rows


# ---------------------------------------------------------------------------------------
# Home visits


def _postcode_expr() -> Any:
    return Coalesce(F(f"{_PERSON}__address__postcode"), F("person__address__postcode"), Value(""))


def visits_open(*, organisation_id: int | None, today: date) -> QuerySet[Task]:
    """Open visits (planned or not), annotated with postcode and area (PC4)."""
    if organisation_id is None:
        return Task.objects.none()
    return (
        Task.objects.filter(
            organisation_id=organisation_id, status=TaskStatus.OPEN, kind=TaskKind.VISIT
        )
        .annotate(postcode=_postcode_expr())
        .annotate(area=Substr("postcode", 1, 4))
    )


@dataclass(frozen=True)
class VisitArea:
    area: str
    city: str
    total: int
    unplanned: int
    first_due: date | None


def visit_areas(*, organisation_id: int | None, today: date) -> list[VisitArea]:
    """Open visits counted per four-digit postcode area (one GROUP BY)."""
    unassigned = Q(assigned_to__isnull=True)
    rows = (
        visits_open(organisation_id=organisation_id, today=today)
        .values("area")
        .annotate(
            total=Count("pk"),
            unplanned=Count("pk", filter=unassigned),
            first_due=Min("due_on"),
            city=Min(Coalesce(F(f"{_PERSON}__address__city"), F("person__address__city"))),
        )
        .order_by("area")
    )
    return [
        VisitArea(
            area=r["area"] or "",
            city=r["city"] or "",
            total=r["total"],
            unplanned=r["unplanned"],
            first_due=r["first_due"],
        )
        for r in rows
    ]


def visits_in_area(*, organisation_id: int | None, today: date, area: str) -> QuerySet[Task]:
    return (
        visits_open(organisation_id=organisation_id, today=today)
        .filter(area=area)
        .select_related(f"{_PERSON}__address", "case", "assigned_to")
        .order_by("postcode", f"{_PERSON}__address__house_number", "due_on", "pk")
    )


def visits_for_worker(*, user: Any, day: date) -> QuerySet[Task]:
    """A field worker's visits of one day in slot order (the mobile list)."""
    return (
        Task.objects.filter(kind=TaskKind.VISIT, assigned_to=user, due_on=day)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related(f"{_PERSON}__address", "case")
        .order_by("status", "window_start", "pk")
    )


def field_workers() -> QuerySet[Any]:
    """Staff who may record visits (the ``workspace.change_task`` permission)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    perm = Q(
        user_permissions__codename="change_task",
        user_permissions__content_type__app_label="workspace",
    )
    group_perm = Q(
        groups__permissions__codename="change_task",
        groups__permissions__content_type__app_label="workspace",
    )
    return (
        user_model.objects.filter(is_active=True)
        .filter(perm | group_perm | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# ---------------------------------------------------------------------------------------
# Queue counts for the work overview


@dataclass(frozen=True)
class QueueCounts:
    calls: int
    visits_unplanned: int
    visits_today: int
    replies: int
    approvals: int | None  # None: the arrangements queue is not available
    unmatched: int | None  # None: the banking queue is not available


def queue_counts(*, organisation_id: int | None, today: date) -> QueueCounts:
    """One count per queue; queues of apps still being built degrade to None."""
    if organisation_id is None:
        return QueueCounts(0, 0, 0, 0, None, None)
    open_tasks = Task.objects.filter(status=TaskStatus.OPEN).filter(
        Q(organisation_id=organisation_id) | Q(organisation__isnull=True)
    )
    agg = open_tasks.aggregate(
        calls=Count("pk", filter=Q(kind__in=CALL_KINDS, due_on__lte=today)),
        visits_unplanned=Count("pk", filter=Q(kind=TaskKind.VISIT, assigned_to__isnull=True)),
        visits_today=Count("pk", filter=Q(kind=TaskKind.VISIT, due_on=today)),
        replies=Count("pk", filter=Q(kind=TaskKind.REPLY, due_on__lte=today)),
    )
    approvals: int | None
    try:
        from vangnet.arrangements.selectors import approvals_pending

        approvals = approvals_pending(organisation_id=organisation_id).count()
    except ImportError:  # pragma: no cover - arrangements is in the tree
        approvals = None
    unmatched: int | None
    try:
        from vangnet.banking.selectors import unmatched_entries

        unmatched = unmatched_entries(organisation_id=organisation_id).count()
    except ImportError:  # the banking app is being finished in parallel
        unmatched = None
    return QueueCounts(
        calls=agg["calls"],
        visits_unplanned=agg["visits_unplanned"],
        visits_today=agg["visits_today"],
        replies=agg["replies"],
        approvals=approvals,
        unmatched=unmatched,
    )
