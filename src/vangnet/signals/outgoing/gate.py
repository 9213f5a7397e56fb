"""The evidenced gate: planned ``signal`` actions of the daily run → ``OutgoingSignal``.

The daily run already decided that a ``signal`` step may happen (``strategy.guardrails``
→ ``rules.signals``); it stores only which checks passed. Here the same pure rule is run
again *with the municipality's minimum amount*, and what it decided on is written down as
evidence: each written reminder with its date and what it said, each contact attempt, the
plan offer, whether the person objected, the days in arrears and the routing. A signal
that is blocked keeps every reason code, so staff can see what is missing.

Set-based: one query for the due actions, one for their histories, bulk inserts; the
unique ``action`` column makes a re-run (also after a crash) add nothing twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from vangnet.rules.decision import Decision
from vangnet.rules.signals import SignalPolicy, signal_decision
from vangnet.signals.outgoing.constants import SignalKind, SignalStatus, WireEvent
from vangnet.signals.outgoing.models import OutgoingSignal
from vangnet.signals.outgoing.routing import Route, Router

BATCH = 1000


@dataclass
class GateSummary:
    queued: int = 0
    blocked: int = 0
    skipped: int = 0  # already had a signal (re-run)

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def evidence_build(
    *,
    history: Sequence[Any],
    templates: Mapping[str, Mapping[str, Any]],
    facts: Any,
    decision: Decision,
    route: Route,
    on: date,
    amount_cents: int,
) -> dict[str, Any]:
    """What the decision rested on, in plain JSON (dates ISO, amounts in cents)."""
    reminders, attempts = [], []
    contact_kinds = {"message", "call_task", "visit_task"}
    for item in sorted(history, key=lambda h: (h.on, h.at)):
        tf = templates.get(item.template, {})
        if tf.get("written_reminder"):
            reminders.append(
                {
                    "sent_on": item.on.isoformat(),
                    "template": item.template,
                    "channel": item.channel,
                    "payment_term_days": int(tf.get("payment_term_days", 14)),
                    "points_to_help": bool(tf.get("points_to_help")),
                    "offers_data_sharing": bool(tf.get("offers_data_sharing")),
                    "states_medical_exception": bool(tf.get("states_medical_exception")),
                }
            )
        if item.action_type in contact_kinds:
            attempts.append(
                {"on": item.on.isoformat(), "channel": item.channel, "action": item.action_type}
            )
    checks = [
        {"code": leaf.code, "allowed": leaf.allowed, "nl": leaf.nl}
        for leaf in decision.walk()
        if not leaf.reasons
    ]
    return {
        "decided_on": on.isoformat(),
        "sector": str(facts.sector),
        "amount_cents": amount_cents,
        "arrears_since": facts.arrears_since.isoformat() if facts.arrears_since else None,
        "days_in_arrears": facts.days_in_arrears(on),
        "reminders": reminders,
        "contact_attempts": attempts,
        "data_sharing_offered": any(r["offers_data_sharing"] for r in reminders),
        "plan_offered": facts.plan_offered,
        "objection_registered": facts.objection_registered,
        "routing": route.as_json(),
        "decision": decision.code,
        "checks": checks,
    }


def _due_actions(organisation_id: int, on: date) -> list[dict[str, Any]]:
    from vangnet.parties.constants import ConsentPurpose
    from vangnet.parties.models import Consent
    from vangnet.strategy.constants import ActionChannel, ActionStatus, ActionType
    from vangnet.strategy.models import Action

    refused = Consent.objects.filter(
        person_id=OuterRef("case__account__customer__person_id"),
        purpose=ConsentPurpose.SHARE_WITH_MUNICIPALITY,
        granted=False,
        withdrawn_at__isnull=True,
    )
    person = "case__account__customer__person__"
    return list(
        Action.objects.filter(
            organisation_id=organisation_id,
            action_type=ActionType.SIGNAL,
            channel=ActionChannel.MUNICIPALITY,
            status=ActionStatus.PLANNED,
            run_date__lte=on,
            outgoing_signal__isnull=True,
        )
        .annotate(share_refused=Exists(refused))
        .values(
            "id",
            "case_id",
            "template",
            "case__account_id",
            "case__arrears_cents",
            "case__arrears_since",
            "share_refused",
            f"{person}address__postcode",
            f"{person}address__municipality_code",
            f"{person}address__municipality_name",
            "case__account__supply_address__postcode",
            "case__account__supply_address__municipality_code",
        )
        .order_by("id")
    )


def _address(row: Mapping[str, Any]) -> tuple[str, str, str]:
    person = "case__account__customer__person__address__"
    if row.get(f"{person}postcode"):
        return (
            row[f"{person}postcode"],
            row[f"{person}municipality_code"] or "",
            row[f"{person}municipality_name"] or "",
        )
    return (
        row.get("case__account__supply_address__postcode") or "",
        row.get("case__account__supply_address__municipality_code") or "",
        "",
    )


def signals_create_due(
    *, organisation_id: int, on: date, policy: SignalPolicy | None = None
) -> GateSummary:
    """Turn the organisation's planned ``signal`` actions up to ``on`` into signals.

    Each becomes ``queued`` (sent by ``signals_deliver`` or the file export) or
    ``blocked`` with its reasons; the action leaves the outbox (``done`` or ``blocked``)
    and the case timeline says what happened.
    """
    from vangnet.parties.models import Organisation
    from vangnet.strategy.actions import history_for
    from vangnet.strategy.guardrails import CaseInfo, case_facts, settings_from
    from vangnet.strategy.journeys import template_facts_all
    from vangnet.strategy.models import StrategyPolicy

    organisation = Organisation.objects.get(pk=organisation_id)
    stored = (
        StrategyPolicy.objects.filter(organisation_id=organisation_id)
        .values_list("guardrail_policy", flat=True)
        .first()
    )
    engine = settings_from(stored)
    policy = policy or engine.policy.signal
    templates = template_facts_all()
    router = Router()
    summary = GateSummary()
    rows = _due_actions(organisation_id, on)
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        history = history_for(r["case_id"] for r in chunk)
        signals = []
        for row in chunk:
            postcode, code, name = _address(row)
            route = router.route(postcode=postcode, code=code, name=name)
            amount = int(row["case__arrears_cents"])
            info = CaseInfo(
                sector=organisation.sector,
                arrears_cents=amount,
                arrears_since=row["case__arrears_since"],
                share_refused=bool(row["share_refused"]),
            )
            past = [h for h in history.get(row["case_id"], ()) if h.action_type != "signal"]
            facts = case_facts(info, past, templates, today=on, settings=engine)
            facts = dataclasses.replace(
                facts, municipal_minimum=Decimal(route.threshold_cents) / 100
            )
            decision = signal_decision(facts, on, policy)
            codes = list(decision.blocking_codes())
            if route.problem:
                codes.insert(0, route.problem)
            ok = not codes
            signals.append(
                OutgoingSignal(
                    organisation_id=organisation_id,
                    case_id=row["case_id"],
                    account_id=row["case__account_id"],
                    action_id=row["id"],
                    kind=SignalKind.JOURNEY,
                    endpoint=route.endpoint,
                    municipality_code=route.code,
                    municipality_name=route.name,
                    status=SignalStatus.QUEUED if ok else SignalStatus.BLOCKED,
                    pending_event=WireEvent.CREATE if ok else WireEvent.NONE,
                    reason_codes=codes or [decision.code],
                    evidence=evidence_build(
                        history=past,
                        templates=templates,
                        facts=facts,
                        decision=decision,
                        route=route,
                        on=on,
                        amount_cents=amount,
                    ),
                    amount_cents=amount,
                    arose_on=row["case__arrears_since"],
                    signalled_on=on,
                )
            )
        summary_add = _write(signals, on=on)
        summary.queued += summary_add[0]
        summary.blocked += summary_add[1]
    return summary


@transaction.atomic
def _write(signals: list[OutgoingSignal], *, on: date) -> tuple[int, int]:
    """Insert the chunk, take its actions off the outbox, write the timeline events."""
    from vangnet.strategy.constants import ActionStatus, CaseEventKind
    from vangnet.strategy.models import Action, CaseEvent

    OutgoingSignal.objects.bulk_create(signals, batch_size=BATCH, ignore_conflicts=True)
    # Which rows are ours now (ignore_conflicts gives no pks on every backend).
    mine = dict(
        OutgoingSignal.objects.filter(action_id__in=[s.action_id for s in signals]).values_list(
            "action_id", "status"
        )
    )
    queued = [a for a, st in mine.items() if st != SignalStatus.BLOCKED]
    by_reason: dict[str, list[int]] = {}
    for s in signals:
        if mine.get(s.action_id) == SignalStatus.BLOCKED:
            by_reason.setdefault(s.reason_codes[0][:64], []).append(s.action_id)
    Action.objects.filter(pk__in=queued, status=ActionStatus.PLANNED).update(
        status=ActionStatus.DONE
    )
    for reason, ids in by_reason.items():
        Action.objects.filter(pk__in=ids, status=ActionStatus.PLANNED).update(
            status=ActionStatus.BLOCKED, reason_code=reason
        )
    now = timezone.now()
    events = []
    for s in signals:
        ok = s.status != SignalStatus.BLOCKED
        text = (
            f"Vroegsignaal aan gemeente {s.municipality_name or '?'} klaargezet."
            if ok
            else "Vroegsignaal tegengehouden: " + ", ".join(s.reason_codes)
        )
        events.append(
            CaseEvent(
                case_id=s.case_id,
                on=on,
                at=now,
                kind=CaseEventKind.NOTE,
                cause="signal_queued" if ok else "signal_blocked",
                text=text[:300],
                details={"signal": str(s.public_id), "reasons": s.reason_codes},
                key=f"signal:{s.action_id}",
            )
        )
    CaseEvent.objects.bulk_create(events, batch_size=BATCH, ignore_conflicts=True)
    return len(queued), sum(len(ids) for ids in by_reason.values())
