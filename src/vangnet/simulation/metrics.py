"""Outcome metrics of a strategy simulation, read from the database after the run.

Everything that the engine stores (cases, actions, holds, contact events) is counted
with a few aggregate queries, so the metrics are the same ones an organisation could
compute from its own production data; only staff workload per day comes from the
simulator's day log, because an action does not record the day it was worked.

Censoring: a case opened on day 100 of a 120-day run cannot be "cured within 30 days"
yet. ``cured_within`` therefore uses one cohort for all windows: the cases opened at
least as many days before the last day as the largest window that fits in the run (90
days in a 120-day run: the cases opened in the first 30 days), so the three shares are
comparable and never decrease; a window as long as the run is ``None``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Sum

import numpy as np

from vangnet.ledger.selectors import aging_report
from vangnet.parties.models import Organisation
from vangnet.strategy import bulk
from vangnet.strategy.constants import (
    CONTACT_TYPES,
    EFFECTIVE_STATUSES,
    ActionStatus,
    ActionType,
    CaseEventKind,
    CaseStatus,
    CloseCause,
    HoldKind,
    HoldOutcome,
)
from vangnet.strategy.models import Action, Case, CaseEvent, Hold, Journey

if TYPE_CHECKING:
    from vangnet.simulation.strategy_sim import DayLog, SimConfig

# Unit cost per delivered contact in euro — assumptions for comparing journeys, not
# quotes (docs/simulation.md): bulk e-mail and SMS provider prices, a printed and posted
# letter, a 14-day letter with its checks, a contact-centre call attempt including
# preparation and registration (~10 minutes at ~€36/h), a home visit (two staff, travel,
# ~1.5 h) [verify with a creditor's cost accounting].
UNIT_COSTS: dict[str, float] = {
    "email": 0.01,
    "sms": 0.08,
    "whatsapp": 0.05,
    "letter": 0.90,
    "fourteen_day_letter": 1.50,
    "phone": 6.00,
    "visit": 45.00,
    "municipality": 0.00,  # a signal: the municipality bears the follow-up
}
CURE_WINDOWS = (30, 60, 90)
DELIVERED = (ActionStatus.SENT.value, ActionStatus.DONE.value)
WRITTEN_CHANNELS = {"email", "sms", "whatsapp", "letter"}


def _cost_key(action_type: str, channel: str) -> str:
    return "fourteen_day_letter" if action_type == ActionType.FOURTEEN_DAY_LETTER else channel


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def collect(
    *,
    organisation: Organisation,
    config: SimConfig,
    log: DayLog,
    journey: Journey,
) -> dict[str, Any]:
    """All metrics of one simulated organisation as a JSON-ready dict."""
    org = organisation.pk
    end = config.end
    costs = {**UNIT_COSTS, **(config.unit_costs or {})}
    cases = Case.objects.filter(organisation_id=org)
    opened = cases.count()

    # Cures: closed because the arrears were paid, days from opening to closing.
    cure_rows = list(
        cases.values_list("opened_on", "closed_on", "status", "close_cause").order_by("pk")
    )
    opened_on = np.array([r[0].toordinal() for r in cure_rows], dtype=np.int64)
    cured = np.array(
        [r[2] == CaseStatus.CLOSED and r[3] == CloseCause.PAID for r in cure_rows], dtype=bool
    )
    days_to_cure = np.array(
        [(r[1] - r[0]).days if r[1] is not None else -1 for r in cure_rows], dtype=np.int64
    )
    cured_within: dict[str, float | None] = {}
    fitting = [w for w in CURE_WINDOWS if w < config.days]
    cohort = (
        opened_on <= (end - timedelta(days=max(fitting))).toordinal()
        if fitting
        else np.zeros(len(cure_rows), dtype=bool)
    )
    for window in CURE_WINDOWS:
        hit = cohort & cured & (days_to_cure <= window)
        cured_within[str(window)] = (
            _share(int(hit.sum()), int(cohort.sum())) if window in fitting else None
        )
    median = float(np.median(days_to_cure[cured])) if cured.any() else None

    # Actions: delivered contacts by channel, costs, blocks, legal steps.
    delivered: Counter[tuple[str, str]] = Counter()
    effective: Counter[str] = Counter()
    for kind, channel, status, n in (
        Action.objects.filter(organisation_id=org)
        .values_list("action_type", "channel", "status")
        .annotate(n=Count("id"))
    ):
        if status in DELIVERED:
            delivered[(kind, channel)] += n
        if status in EFFECTIVE_STATUSES:
            effective[kind] += n
    contacts_by_channel: Counter[str] = Counter()
    cost_by_channel: dict[str, float] = defaultdict(float)
    for (kind, channel), n in delivered.items():
        if kind in CONTACT_TYPES:
            contacts_by_channel[channel] += n
        cost_by_channel[channel] += n * costs.get(_cost_key(kind, channel), 0.0)
    total_cost = sum(cost_by_channel.values())
    blocks = dict(
        Action.objects.filter(organisation_id=org, status=ActionStatus.BLOCKED)
        .values_list("reason_code")
        .annotate(n=Count("id"))
        .order_by("-n", "reason_code")
    )
    charged = (
        Action.objects.filter(
            organisation_id=org,
            action_type=ActionType.CHARGE_COSTS,
            status__in=EFFECTIVE_STATUSES,
        ).aggregate(s=Sum("amount_cents"))["s"]
        or 0
    )
    backlog = dict(
        Action.objects.filter(
            organisation_id=org,
            status=ActionStatus.PLANNED,
            action_type__in=[ActionType.CALL_TASK, ActionType.VISIT_TASK],
        )
        .values_list("action_type")
        .annotate(n=Count("id"))
    )

    # Plans and help.
    plans: Counter[str] = Counter()
    for kind, outcome, n in (
        Hold.objects.filter(organisation_id=org)
        .values_list("kind", "outcome")
        .annotate(n=Count("id"))
    ):
        plans[f"{kind}:{outcome or 'running'}"] += n
    plan_kinds = HoldKind.PAYMENT_PLAN.value
    plans_made = sum(n for k, n in plans.items() if k.startswith(plan_kinds + ":"))

    reach = _reach(org)
    aging = aging_report(organisation_id=org, today=end)
    cost_per_case = round(total_cost / opened, 2) if opened else None
    return {
        "journey": journey.code,
        "journey_version": journey.version,
        "households": config.households,
        "days": config.days,
        "seed": config.seed,
        "start": config.start.isoformat(),
        "cases_opened": opened,
        "cases_opened_day0": int((opened_on == config.start.toordinal()).sum()),
        "cases_cured": int(cured.sum()),
        "cases_open_end": cases.exclude(status=CaseStatus.CLOSED).count(),
        "cured_within": cured_within,
        "cure_cohort": int(cohort.sum()),
        "median_days_to_cure": median,
        "contacts_per_case": {
            ch: round(n / opened, 2) for ch, n in sorted(contacts_by_channel.items())
        }
        if opened
        else {},
        "contacts_total": sum(contacts_by_channel.values()),
        "contacts_by_channel": dict(sorted(contacts_by_channel.items())),
        "reach": reach,
        "cost_total_eur": round(total_cost, 2),
        "cost_per_case_eur": cost_per_case,
        "cost_by_channel_eur": {k: round(v, 2) for k, v in sorted(cost_by_channel.items())},
        "unit_costs_eur": costs,
        "collection_costs_charged_eur": round(charged / 100, 2),
        "collection_costs_charged_cases": effective.get(ActionType.CHARGE_COSTS.value, 0),
        "plans_made": plans_made,
        "plans_kept": plans.get(f"{plan_kinds}:{HoldOutcome.COMPLETED.value}", 0),
        "plans_broken": plans.get(f"{plan_kinds}:{HoldOutcome.BROKEN.value}", 0),
        "plans_running": plans.get(f"{plan_kinds}:running", 0),
        "help_accepted": sum(
            n for k, n in plans.items() if k.startswith(HoldKind.HELP_ACCEPTED.value + ":")
        ),
        "signals_sent": delivered_total(delivered, ActionType.SIGNAL),
        "fourteen_day_letters": delivered_total(delivered, ActionType.FOURTEEN_DAY_LETTER),
        "disconnection_requests": effective.get(ActionType.DISCONNECTION_REQUEST.value, 0),
        "disconnection_requests_blocked": _blocked_of(org, ActionType.DISCONNECTION_REQUEST),
        "eviction_requests": effective.get(ActionType.EVICTION_REQUEST.value, 0),
        "handovers": effective.get(ActionType.HANDOVER.value, 0),
        "guardrail_blocks": blocks,
        "staff": {
            "call_capacity_per_day": config.call_capacity,
            "visit_capacity_per_day": config.visit_capacity,
            "calls_per_day_mean": round(float(np.mean(log.calls)), 1) if log.calls else 0.0,
            "calls_per_day_max": max(log.calls, default=0),
            "visits_per_day_mean": round(float(np.mean(log.visits)), 1) if log.visits else 0.0,
            "visits_per_day_max": max(log.visits, default=0),
            "call_backlog_end": backlog.get(ActionType.CALL_TASK.value, 0),
            "visit_backlog_end": backlog.get(ActionType.VISIT_TASK.value, 0),
        },
        "reactions": dict(sorted(log.outcomes.items())),
        "promises_broken": log.promises_broken,
        "payments": {
            why: {"count": n, "eur": round(log.payment_cents[why] / 100, 2)}
            for why, n in sorted(log.payments.items())
        },
        "returned_debits": log.reversed_debits,
        "arrears_end_eur": round(aging.total_overdue_cents / 100, 2),
        "accounts_in_arrears_end": aging.accounts_in_arrears,
    }


def delivered_total(delivered: Counter[tuple[str, str]], kind: str) -> int:
    return sum(n for (k, _c), n in delivered.items() if k == kind)


def _blocked_of(org: int, kind: str) -> int:
    return Action.objects.filter(
        organisation_id=org, action_type=kind, status=ActionStatus.BLOCKED
    ).count()


def _reach(org: int) -> dict[str, float | None]:
    """Share of cases reached (a two-way contact), overall and by contact method.

    The methods follow the Divosa monitor (DOMAIN.md): cases that got only written
    contact, cases with at least one phone attempt, cases with at least one home visit.
    """
    act, ev, case = bulk.table(Action), bulk.table(CaseEvent), bulk.table(Case)
    delivered = ", ".join(f"'{s}'" for s in DELIVERED)
    written = ", ".join(f"'{c}'" for c in sorted(WRITTEN_CHANNELS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.case_id,"
            f" SUM(CASE WHEN a.action_type = %s THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN a.action_type = %s THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN a.channel IN ({written}) THEN 1 ELSE 0 END)"
            f" FROM {act} a WHERE a.organisation_id = %s AND a.status IN ({delivered})"
            f" GROUP BY a.case_id",
            [ActionType.CALL_TASK.value, ActionType.VISIT_TASK.value, org],
        )
        per_case = cursor.fetchall()
        cursor.execute(
            f"SELECT DISTINCT e.case_id FROM {ev} e JOIN {case} c ON c.id = e.case_id"
            f" WHERE c.organisation_id = %s AND e.{bulk.qn('kind')} = %s AND e.cause = 'reached'",
            [org, CaseEventKind.CONTACT.value],
        )
        reached = {row[0] for row in cursor.fetchall()}
    groups: dict[str, list[int]] = {"any": [], "written_only": [], "phone": [], "visit": []}
    for case_id, calls, visits, written_n in per_case:
        groups["any"].append(case_id)
        if calls:
            groups["phone"].append(case_id)
        if visits:
            groups["visit"].append(case_id)
        if written_n and not calls and not visits:
            groups["written_only"].append(case_id)
    return {
        name: _share(sum(1 for c in ids if c in reached), len(ids)) for name, ids in groups.items()
    }
