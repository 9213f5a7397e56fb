"""Writes of signals_out besides the gate (``gate.py``) and delivery (``delivery.py``):
keeping live signals current, feedback from the municipality, the energy end-of-supply
signal and the warm referral.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery
from django.utils import timezone

from vangnet.core.errors import Invalid
from vangnet.core.services import audit_record
from vangnet.signals.outgoing import conf
from vangnet.signals.outgoing.constants import (
    LIVE_STATUSES,
    CloseReason,
    Feedback,
    SignalKind,
    SignalStatus,
    WireEvent,
)
from vangnet.signals.outgoing.models import MunicipalityEndpoint, OutgoingSignal
from vangnet.signals.outgoing.routing import Router


def _case_event(
    case_id: int, *, on: date, cause: str, text: str, details: dict | None = None, actor: Any = None
) -> None:
    from vangnet.strategy.constants import CaseEventKind
    from vangnet.strategy.models import CaseEvent

    user = actor if getattr(actor, "is_authenticated", False) else None
    CaseEvent.objects.create(
        case_id=case_id,
        on=on,
        at=timezone.now(),
        kind=CaseEventKind.NOTE,
        cause=cause,
        text=text[:300],
        details=details or {},
        actor=user,
    )


# --- keeping signals current ----------------------------------------------------------


@dataclass
class SyncSummary:
    closed_paid: int = 0
    closed_arrangement: int = 0
    withdrawn_unsent: int = 0
    updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@transaction.atomic
def signals_sync(*, organisation_id: int, on: date) -> SyncSummary:
    """Close signals whose arrears are paid or under a plan; update changed amounts.

    Set-based UPDATEs over the live signals (the amounts come from the case snapshot
    the daily run keeps). A signal that was never sent is simply withdrawn: the
    municipality has nothing to close.
    """
    from vangnet.strategy.constants import CaseStatus, CloseCause, HoldKind
    from vangnet.strategy.models import Case, Hold

    summary = SyncSummary()
    live = OutgoingSignal.objects.filter(organisation_id=organisation_id, status__in=LIVE_STATUSES)
    plan = Hold.objects.filter(
        account_id=OuterRef("account_id"), kind=HoldKind.PAYMENT_PLAN, starts_on__lte=on
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    paid_q = Q(case__status=CaseStatus.CLOSED)
    plan_q = Q(Exists(plan))
    for reason, cond in ((CloseReason.PAID, paid_q), (CloseReason.ARRANGEMENT, plan_q & ~paid_q)):
        targets = live.filter(cond).exclude(pending_event=WireEvent.CLOSE)
        unsent = targets.filter(pending_event=WireEvent.CREATE, sent_at__isnull=True)
        unsent_ids = list(unsent.values_list("pk", flat=True))
        if unsent_ids:
            OutgoingSignal.objects.filter(pk__in=unsent_ids).update(
                status=SignalStatus.CLOSED,
                pending_event=WireEvent.NONE,
                close_reason=CloseReason.WITHDRAWN,
                updated_at=timezone.now(),
            )
            summary.withdrawn_unsent += len(unsent_ids)
        rows = list(
            targets.exclude(pk__in=unsent_ids).values_list("pk", "case_id", "case__close_cause")
        )
        if reason == CloseReason.PAID:
            paid_ids = [pk for pk, _c, cause in rows if cause == CloseCause.PAID]
            other_ids = [pk for pk, _c, cause in rows if cause != CloseCause.PAID]
            OutgoingSignal.objects.filter(pk__in=paid_ids).update(
                pending_event=WireEvent.CLOSE,
                close_reason=CloseReason.PAID,
                next_attempt_at=None,
                updated_at=timezone.now(),
            )
            OutgoingSignal.objects.filter(pk__in=other_ids).update(
                pending_event=WireEvent.CLOSE,
                close_reason=CloseReason.OTHER,
                next_attempt_at=None,
                updated_at=timezone.now(),
            )
            summary.closed_paid += len(rows)
        else:
            OutgoingSignal.objects.filter(pk__in=[r[0] for r in rows]).update(
                pending_event=WireEvent.CLOSE,
                close_reason=CloseReason.ARRANGEMENT,
                next_attempt_at=None,
                updated_at=timezone.now(),
            )
            summary.closed_arrangement += len(rows)
        _close_events(rows, on=on, reason=reason)

    # Amount changes beyond the threshold -> update (only for what the municipality has).
    current = Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("arrears_cents")[:1])
    threshold = conf.update_threshold_cents()
    changed = (
        live.filter(
            sent_amount_cents__isnull=False, pending_event__in=[WireEvent.NONE, WireEvent.UPDATE]
        )
        .annotate(diff=Func(F("case__arrears_cents") - F("sent_amount_cents"), function="ABS"))
        .filter(diff__gt=threshold, case__status__in=[CaseStatus.OPEN, CaseStatus.PAUSED])
    )
    ids = list(changed.values_list("pk", flat=True))
    if ids:
        summary.updated = OutgoingSignal.objects.filter(pk__in=ids).update(
            amount_cents=current,
            pending_event=WireEvent.UPDATE,
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
    # Not yet sent: just carry the current amount.
    OutgoingSignal.objects.filter(
        organisation_id=organisation_id,
        status=SignalStatus.QUEUED,
        pending_event=WireEvent.CREATE,
        sent_at__isnull=True,
        case__status__in=[CaseStatus.OPEN, CaseStatus.PAUSED],
    ).update(amount_cents=current)
    return summary


def _close_events(rows: list[tuple[int, int, str]], *, on: date, reason: str) -> None:
    from vangnet.strategy.constants import CaseEventKind
    from vangnet.strategy.models import CaseEvent

    text = {
        CloseReason.PAID: "Vroegsignaal wordt afgesloten: achterstand betaald.",
        CloseReason.ARRANGEMENT: "Vroegsignaal wordt afgesloten: betalingsregeling afgesproken.",
    }[reason]
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case_id=case_id,
                on=on,
                at=now,
                kind=CaseEventKind.NOTE,
                cause=f"signal_close_{reason}",
                text=text,
                key=f"signal_close:{pk}",
            )
            for pk, case_id, _cause in rows
        ],
        ignore_conflicts=True,
    )


# --- feedback from the municipality ----------------------------------------------------

FEEDBACK_TEXT = {
    Feedback.HELP_ACCEPTED: "Gemeente meldt: hulp aanvaard. Incasso pauzeert tot en met {until}.",
    Feedback.NOT_PICKED_UP: "Gemeente meldt: signaal niet opgepakt.",
    Feedback.PICKED_UP: "Gemeente meldt: signaal opgepakt.",
}


def feedback_parse(raw: bytes) -> tuple[str, str, date | None]:
    """(signal id, event, date) from ``vangnet-signal-feedback/1`` (or the brief's
    ``{ID, status}``). Anything else in the body — a reason above all — is dropped
    unread: DOMAIN.md allows the municipality to say *that*, never *why*."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Invalid("feedback_not_json", "Geen geldige JSON.", f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise Invalid("feedback_not_object", "Verwacht een JSON-object.", "expected an object")
    signal_id = data.get("id", data.get("ID"))
    event = data.get("event", data.get("status"))
    if not isinstance(signal_id, str) or not signal_id:
        raise Invalid("feedback_no_id", "Het signaal-ID ontbreekt.", "id is required")
    if event not in Feedback.values:
        raise Invalid(
            "feedback_bad_event",
            "Onbekende terugmelding.",
            f"event must be one of {', '.join(Feedback.values)}",
        )
    on = None
    if data.get("on"):
        try:
            on = date.fromisoformat(str(data["on"]))
        except ValueError as exc:
            raise Invalid("feedback_bad_date", "Ongeldige datum.", "on: not YYYY-MM-DD") from exc
    return signal_id, event, on


@transaction.atomic
def signal_feedback_receive(
    *, endpoint: MunicipalityEndpoint, signal_id: str, event: str, today: date
) -> OutgoingSignal:
    """Apply one feedback; repeating the same feedback changes nothing.

    ``hulp_aanvaard`` pauses collection for 30 days (a HELP_ACCEPTED hold; the next daily
    run pauses the case); the others only write a timeline line.
    """
    from vangnet.strategy.cases import hold_create
    from vangnet.strategy.constants import HoldKind

    try:
        public_id = uuid.UUID(signal_id)
    except ValueError:
        public_id = None
    signal = (
        OutgoingSignal.objects.select_for_update()
        .filter(public_id=public_id, endpoint=endpoint)
        .first()
        if public_id
        else None
    )
    if signal is None:
        raise Invalid("feedback_unknown_signal", "Onbekend signaal.", "unknown signal id")
    if signal.feedback == event:
        return signal
    if signal.feedback == Feedback.HELP_ACCEPTED and event != Feedback.HELP_ACCEPTED:
        # Help accepted is the end state of the municipality's process; a later
        # "picked up" does not undo the pause.
        return signal
    signal.feedback, signal.feedback_on = event, today
    signal.save(update_fields=["feedback", "feedback_on", "updated_at"])
    until = today + timedelta(days=conf.help_hold_days())
    if event == Feedback.HELP_ACCEPTED:
        hold_create(
            account=signal.account,
            kind=HoldKind.HELP_ACCEPTED,
            starts_on=today,
            ends_on=until,
            reason="Hulp aanvaard (terugmelding gemeente)",
        )
    _case_event(
        signal.case_id,
        on=today,
        cause=f"signal_feedback_{event}",
        text=FEEDBACK_TEXT[event].format(until=until.strftime("%d-%m-%Y")),
        details={"signal": signal.wire_id},
    )
    audit_record(
        action="signals_out.feedback",
        summary=f"{endpoint.name}: {event}",
        process="api",
        object_type="outgoingsignal",
        object_id=signal.pk,
    )
    return signal


# --- signals made by hand or by other flows ---------------------------------------------


def _route_case(case: Any) -> Any:
    account = case.account
    person = account.customer.person
    address = person.address or account.supply_address
    return Router().route(
        postcode=address.postcode if address else "",
        code=address.municipality_code if address else "",
        name=getattr(address, "municipality_name", "") if address else "",
    )


def _single(
    *,
    case: Any,
    kind: str,
    today: date,
    crisis: bool,
    warm: bool,
    evidence: dict[str, Any],
    end_of_supply_on: date | None = None,
    note: str = "",
    consent_at: datetime | None = None,
) -> OutgoingSignal:
    route = _route_case(case)
    if route.problem:
        raise Invalid(
            route.problem,
            "Dit signaal kan niet naar een gemeente: geen adres of instelling.",
            f"cannot route the signal: {route.problem}",
        )
    return OutgoingSignal.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        account=case.account,
        kind=kind,
        endpoint=route.endpoint,
        municipality_code=route.code,
        municipality_name=route.name,
        status=SignalStatus.QUEUED,
        pending_event=WireEvent.CREATE,
        reason_codes=[f"{kind}_allowed"],
        evidence={**evidence, "routing": route.as_json()},
        amount_cents=case.arrears_cents,
        arose_on=case.arrears_since,
        signalled_on=today,
        crisis=crisis,
        warm_handover=warm,
        end_of_supply_on=end_of_supply_on,
        note=note[:300],
        consent_recorded_at=consent_at,
    )


@transaction.atomic
def end_of_supply_signal_create(
    *, case: Any, end_of_supply_on: date, today: date, actor: Any = None
) -> OutgoingSignal:
    """Energy: a crisis signal at least 20 working days before supply ends.

    Refuses a date closer than that (the regulation's minimum, DOMAIN.md) and any
    sector but energy; no minimum amount applies to a crisis signal [verify].
    """
    from vangnet.rules.calendar_nl import add_working_days, working_days_between

    if case.organisation.sector != "energy":
        raise Invalid(
            "end_of_supply_not_energy",
            "Een signaal over einde levering is alleen voor energie.",
            "an end-of-supply signal is for energy suppliers only",
        )
    need = conf.end_of_supply_working_days()
    have = working_days_between(today, end_of_supply_on)
    if have < need:
        earliest = add_working_days(today, need)
        raise Invalid(
            "end_of_supply_too_late",
            f"De levering mag op zijn vroegst op {earliest:%d-%m-%Y} stoppen: de gemeente moet "
            f"{need} werkdagen van tevoren een signaal krijgen.",
            f"end of supply {end_of_supply_on} is {have} working days away; at least {need} "
            f"are required (earliest {earliest})",
        )
    existing = OutgoingSignal.objects.filter(
        case=case, kind=SignalKind.END_OF_SUPPLY, status__in=LIVE_STATUSES
    ).first()
    if existing:
        return existing
    signal = _single(
        case=case,
        kind=SignalKind.END_OF_SUPPLY,
        today=today,
        crisis=True,
        warm=False,
        end_of_supply_on=end_of_supply_on,
        evidence={
            "end_of_supply_on": end_of_supply_on.isoformat(),
            "working_days": have,
            "required_working_days": need,
        },
    )
    _case_event(
        case.pk,
        on=today,
        cause="signal_end_of_supply",
        actor=actor,
        text=f"Crisissignaal aan gemeente: einde levering op {end_of_supply_on:%d-%m-%Y}.",
        details={"signal": signal.wire_id},
    )
    return signal


@transaction.atomic
def signal_referral_create(
    *,
    case: Any,
    consent_recorded_at: datetime | None,
    note: str = "",
    today: date | None = None,
    actor: Any = None,
) -> OutgoingSignal:
    """Warm referral: the person asked for help and agreed we pass their details on.

    No consent, no referral. The evidenced gate does not apply (the person asked
    themselves), nor does the municipality's minimum amount.
    """
    if consent_recorded_at is None:
        raise Invalid(
            "referral_no_consent",
            "Zonder toestemming van de klant sturen we niets door.",
            "a warm referral needs the customer's recorded consent",
        )
    today = today or timezone.localdate()
    signal = _single(
        case=case,
        kind=SignalKind.REFERRAL,
        today=today,
        crisis=False,
        warm=True,
        note=note,
        consent_at=consent_recorded_at,
        evidence={"consent_recorded_at": consent_recorded_at.isoformat()},
    )
    _case_event(
        case.pk,
        on=today,
        cause="signal_referral",
        actor=actor,
        text="Klant vraagt hulp: warme overdracht aan de gemeente klaargezet.",
        details={"signal": signal.wire_id},
    )
    return signal
