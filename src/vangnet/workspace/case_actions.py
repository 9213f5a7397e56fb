"""What staff do on the case page and in the queues: each a service with an event.

Every service here writes a ``CaseEvent`` (the timeline is the event log, STYLE.md §3)
and an audit record (who did what, for the privacy officer), inside one transaction.
Services of other apps (plans, costs, signals) write their own case events; the
wrappers here add the audit record and the organisation check, so a view never calls a
foreign service directly and every staff write looks the same in the audit trail.

A pausing hold that starts today pauses the case *now* rather than at the next daily
run: a collector who records a promise to pay must see the case paused at once, and the
journey must not send tonight's reminder. The pause mirrors ``strategy.cases.holds_apply``
exactly (same fields, same event key ``paused:<case>:<date>``), so the run that follows
finds the case already paused and writes nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from vangnet.core.errors import Invalid
from vangnet.core.money import format_euro
from vangnet.core.services import audit_record
from vangnet.parties.constants import Channel, ConsentPurpose
from vangnet.parties.models import Consent, Person
from vangnet.strategy import cases as case_services
from vangnet.strategy.constants import PAUSING_HOLDS, CaseEventKind, CaseStatus, HoldKind
from vangnet.strategy.models import Case, CaseEvent, Hold
from vangnet.workspace.constants import (
    CAUSE_ARREARS_REASON,
    CAUSE_HOLD,
    CAUSE_NOTE,
    CAUSE_PREFERENCES,
    ArrearsReason,
)

# Holds staff may set by hand on the case page. A payment plan's hold belongs to the
# plan (arrangements activates and ends it); "deceased" is a fact on the person, set
# where the person is edited, not a pause with an end date.
STAFF_HOLD_KINDS: tuple[str, ...] = (
    HoldKind.DISPUTE,
    HoldKind.MORATORIUM,
    HoldKind.MEDICAL,
    HoldKind.PROMISE_TO_PAY,
    HoldKind.HELP_ACCEPTED,
)
# A hand-set hold longer than this is a decision for a team lead, not a pause.
HOLD_MAX_DAYS = 366
NOTE_MAX = 2000


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(
    case: Case,
    *,
    kind: str,
    cause: str,
    text: str,
    on: date,
    actor: Any,
    details: dict[str, Any] | None = None,
    key: str | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        on=on,
        at=timezone.now(),
        kind=kind,
        cause=cause,
        text=text[:300],
        details=details or {},
        key=key,
        actor=_user(actor),
    )


def _audit(action: str, case: Case, summary: str, actor: Any, **details: Any) -> None:
    audit_record(
        action=action,
        summary=summary,
        actor=actor,
        object_type="case",
        object_id=case.pk,
        details={"case_id": case.pk, **details},
    )


def _open_case(case: Case) -> Case:
    """The case, locked; refuses a closed case (nothing to act on any more)."""
    locked = Case.objects.select_for_update().select_related("account").get(pk=case.pk)
    if locked.status == CaseStatus.CLOSED:
        raise Invalid(
            "case_closed",
            "Dit dossier is gesloten.",
            "this case is closed",
        )
    return locked


# ---------------------------------------------------------------------------------------
# Pause now


def case_pause_now(
    *, case: Case, kind: str, until: date | None, today: date, actor: Any = None
) -> bool:
    """Pause an open case at once for a pausing hold; returns whether it changed.

    Called inside the caller's transaction with the case locked. A case already paused
    keeps its pause (the run picks the most severe hold and the longest end date); a
    non-pausing hold (medical) leaves the journey running.
    """
    if kind not in PAUSING_HOLDS or case.status != CaseStatus.OPEN:
        return False
    case.status = CaseStatus.PAUSED
    case.paused_on = today
    case.pause_cause = kind
    case.paused_until = until
    case.next_step_on = None
    case.save(update_fields=["status", "paused_on", "pause_cause", "paused_until", "next_step_on"])
    key = f"paused:{case.pk}:{today.isoformat()}"
    if CaseEvent.objects.filter(key=key).exists():  # paused and resumed earlier today
        key = None
    _event(
        case,
        kind=CaseEventKind.PAUSED,
        cause=kind,
        on=today,
        actor=actor,
        text=case_services.TEXT_PAUSED.format(cause=case_services.HOLD_TEXT_NL.get(kind, kind)),
        details={"hold": kind, "until": until.isoformat() if until else None, "by": "staff"},
        key=key,
    )
    return True


# ---------------------------------------------------------------------------------------
# Case page actions


@transaction.atomic
def case_hold_add(
    *,
    case: Case,
    kind: str,
    reason: str,
    ends_on: date,
    actor: Any,
    today: date | None = None,
) -> Hold:
    """Put the case on hold until ``ends_on`` (inclusive) for a reason staff write down."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if kind not in STAFF_HOLD_KINDS:
        raise Invalid("hold_kind", "Deze soort pauze kan hier niet.", f"hold kind {kind!r}")
    if not reason:
        raise Invalid("hold_reason", "Schrijf op waarom het dossier pauzeert.", "reason required")
    if ends_on < today:
        raise Invalid("hold_end_past", "De einddatum ligt in het verleden.", "end date in the past")
    if (ends_on - today).days > HOLD_MAX_DAYS:
        raise Invalid(
            "hold_too_long",
            f"Een pauze duurt hooguit {HOLD_MAX_DAYS} dagen.",
            f"a hold lasts at most {HOLD_MAX_DAYS} days",
        )
    case = _open_case(case)
    hold = case_services.hold_create(
        account=case.account,
        kind=kind,
        starts_on=today,
        ends_on=ends_on,
        reason=reason[:300],
        actor=actor,
    )
    label = str(HoldKind(kind).label)
    _event(
        case,
        kind=CaseEventKind.NOTE,
        cause=CAUSE_HOLD,
        on=today,
        actor=actor,
        text=f"Pauze ({label.lower()}) tot en met {ends_on:%d-%m-%Y}: {reason}",
        details={"hold_id": hold.pk, "kind": kind, "ends_on": ends_on.isoformat()},
    )
    paused = case_pause_now(case=case, kind=kind, until=ends_on, today=today, actor=actor)
    _audit(
        "case_hold_added",
        case,
        f"{label} tot {ends_on:%d-%m-%Y}",
        actor,
        hold_id=hold.pk,
        kind=kind,
        paused=paused,
    )
    return hold


@transaction.atomic
def case_note_add(*, case: Case, text: str, actor: Any, today: date | None = None) -> CaseEvent:
    """A free-text note on the timeline (what was said, what was agreed)."""
    today = today or timezone.localdate()
    text = (text or "").strip()
    if not text:
        raise Invalid("note_empty", "De notitie is leeg.", "the note is empty")
    if len(text) > NOTE_MAX:
        raise Invalid(
            "note_too_long",
            f"Een notitie is hooguit {NOTE_MAX} tekens.",
            f"a note has at most {NOTE_MAX} characters",
        )
    case = Case.objects.select_for_update().get(pk=case.pk)
    # The event text is capped at 300 characters; the full note goes in the details.
    event = _event(
        case,
        kind=CaseEventKind.NOTE,
        cause=CAUSE_NOTE,
        on=today,
        actor=actor,
        text=text,
        details={"note": text} if len(text) > 300 else {},
    )
    _audit("case_note_added", case, text[:200], actor, event_id=event.pk)
    return event


@transaction.atomic
def case_arrears_reason_set(
    *, case: Case, reason: str, actor: Any, note: str = "", today: date | None = None
) -> CaseEvent:
    """Record why the person is behind (from a call or a visit); the latest one counts."""
    today = today or timezone.localdate()
    if reason not in ArrearsReason.values:
        raise Invalid(
            "arrears_reason", "Kies een reden voor de achterstand.", f"unknown reason {reason!r}"
        )
    case = Case.objects.select_for_update().get(pk=case.pk)
    label = str(ArrearsReason(reason).label)
    event = _event(
        case,
        kind=CaseEventKind.NOTE,
        cause=CAUSE_ARREARS_REASON,
        on=today,
        actor=actor,
        text=f"Reden achterstand: {label.lower()}" + (f". {note.strip()}" if note.strip() else ""),
        details={"code": reason},
    )
    _audit("case_arrears_reason_set", case, label, actor, code=reason)
    return event


@transaction.atomic
def case_plan_start(
    *,
    case: Case,
    actor: Any,
    months: int | None = None,
    instalment_cents: int | None = None,
    day_of_month: int | None = None,
    source: str = "staff",
    today: date | None = None,
) -> Any:
    """Propose a payment plan for the case's account (``arrangements.plan_propose``).

    The arrangements app decides: inside policy it approves at once, otherwise the plan
    waits in the approval queue. Its own events go on the timeline; this adds the audit.
    """
    from vangnet.arrangements.plans import plan_propose

    today = today or timezone.localdate()
    case = _open_case(case)
    plan = plan_propose(
        account=case.account,
        months=months,
        instalment_cents=instalment_cents,
        day_of_month=day_of_month,
        source=source,
        actor=actor,
        today=today,
    )
    _audit(
        "case_plan_started",
        case,
        f"Regeling {plan.reference}: {plan.get_status_display()}",
        actor,
        plan_id=plan.pk,
        status=plan.status,
    )
    return plan


@transaction.atomic
def case_costs_waive(
    *, case: Case, charge_id: int, reason: str, actor: Any, today: date | None = None
) -> Any:
    """Waive one charged cost of this case's account (``arrangements.cost_waive``)."""
    from vangnet.arrangements.costs import cost_waive
    from vangnet.arrangements.models import ChargedCost

    today = today or timezone.localdate()
    charge = ChargedCost.objects.filter(pk=charge_id, account_id=case.account_id).first()
    if charge is None:
        raise Invalid("charge_unknown", "Deze kosten horen niet bij dit dossier.", "unknown charge")
    was_waived = charge.waived
    charge = cost_waive(charge=charge, reason=reason, actor=actor, today=today)
    if not was_waived:
        _audit(
            "case_costs_waived",
            case,
            f"{charge.get_kind_display()} {format_euro(charge.amount_cents)}: {reason}",
            actor,
            charge_id=charge.pk,
        )
    return charge


def referral_available() -> bool:
    """Whether the outgoing-signals app offers a warm referral (built in parallel)."""
    try:
        from vangnet.signals.outgoing.services import signal_referral_create  # noqa: F401
    except ImportError:
        return False
    return True


@transaction.atomic
def case_refer(
    *, case: Case, consent: bool, actor: Any, note: str = "", today: date | None = None
) -> Any:
    """Refer the person to the municipality for help with money (a warm hand-over).

    Only with the person's consent, which is recorded as a ``Consent`` first so the
    referral's evidence points at something that exists.
    """
    if not consent:
        raise Invalid(
            "referral_no_consent",
            "Zonder toestemming van de klant sturen we niets door.",
            "a referral needs the customer's consent",
        )
    try:
        from vangnet.signals.outgoing.services import signal_referral_create
    except ImportError as exc:
        raise Invalid(
            "referral_unavailable",
            "Doorverwijzen naar de gemeente is hier nog niet mogelijk.",
            "the outgoing signals app is not available",
        ) from exc
    today = today or timezone.localdate()
    case = _open_case(case)
    person = case.account.customer.person
    recorded = Consent.objects.create(
        person=person,
        purpose=ConsentPurpose.SHARE_WITH_MUNICIPALITY,
        granted=True,
        source="medewerker",
    )
    signal = signal_referral_create(
        case=case,
        consent_recorded_at=recorded.recorded_at,
        note=(note or "").strip(),
        today=today,
        actor=actor,
    )
    _audit(
        "case_referred",
        case,
        "Doorverwezen naar de gemeente",
        actor,
        signal_id=signal.pk,
        consent_id=recorded.pk,
    )
    return signal


@transaction.atomic
def person_preferences_change(
    *,
    case: Case,
    channels: Sequence[str],
    window_start: time | None,
    window_end: time | None,
    actor: Any,
    today: date | None = None,
) -> Person:
    """Change the person's preferred channels (in order) and the hours to reach them."""
    today = today or timezone.localdate()
    channels = list(dict.fromkeys(channels))
    unknown = [c for c in channels if c not in Channel.values]
    if unknown:
        raise Invalid("channel_unknown", "Onbekend kanaal.", f"unknown channels {unknown}")
    if (window_start is None) != (window_end is None):
        raise Invalid(
            "window_half",
            "Vul bij bereikbaarheid zowel 'vanaf' als 'tot' in, of geen van beide.",
            "give both ends of the contact window or neither",
        )
    if window_start and window_end and window_end <= window_start:
        raise Invalid(
            "window_order",
            "Het tijdvak eindigt voor het begint.",
            "the contact window ends before it starts",
        )
    case = Case.objects.select_for_update().select_related("account__customer").get(pk=case.pk)
    person = Person.objects.select_for_update().get(pk=case.account.customer.person_id)
    before = {
        "channels": list(person.preferred_channels or []),
        "window": [_hhmm(person.contact_window_start), _hhmm(person.contact_window_end)],
    }
    after = {"channels": channels, "window": [_hhmm(window_start), _hhmm(window_end)]}
    if before == after:
        return person
    person.preferred_channels = channels
    person.contact_window_start = window_start
    person.contact_window_end = window_end
    person.save(update_fields=["preferred_channels", "contact_window_start", "contact_window_end"])
    labels = dict(Channel.choices)
    names = ", ".join(str(labels[c]).lower() for c in channels) or "geen voorkeur"
    hours = f"{after['window'][0]}–{after['window'][1]}" if window_start else "geen voorkeur"
    _event(
        case,
        kind=CaseEventKind.NOTE,
        cause=CAUSE_PREFERENCES,
        on=today,
        actor=actor,
        text=f"Voorkeuren gewijzigd: kanalen {names}; bereikbaar {hours}.",
        details={"before": before, "after": after},
    )
    _audit("person_preferences_changed", case, "Voorkeuren gewijzigd", actor, **after)
    return person


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None
