"""Positions, closing, pausing and resuming cases — set-based for the run — and the
services staff use (hold, contact, manual close).

Opening happens in the run's write phase (``run.DailyRunner._write_chunk``): the cases
to open are found by the features query and inserted once, with their final values.
Closing is a join of the non-closed cases with the positions, its events keyed
``closed:<id>:<date>``; pause/resume events are keyed too. Every phase runs in one
transaction, so a crash leaves nothing a re-run would duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Account, Invoice, Payment
from vangnet.strategy import bulk
from vangnet.strategy.constants import (
    PAUSING_HOLDS,
    CaseEventKind,
    CaseStatus,
    CloseCause,
    HoldKind,
    HoldOutcome,
)
from vangnet.strategy.models import Case, CaseEvent, Hold
from vangnet.strategy.sqlbits import p_date, p_text, p_ts

POS_TABLE = "strategy_run_pos"

TEXT_OPENED = "Dossier geopend: de achterstand is boven de drempel gekomen."
TEXT_CLOSED = "Dossier gesloten: de achterstand is betaald."
TEXT_PAUSED = "Dossier gepauzeerd: {cause}."
TEXT_RESUMED = "Dossier hervat: de pauze is voorbij."
TEXT_REOPENED = "Dossier heropend: de betalingsregeling is niet nagekomen."

HOLD_TEXT_NL: dict[str, str] = {
    HoldKind.PAYMENT_PLAN: "er loopt een betalingsregeling",
    HoldKind.DISPUTE: "de klant is het niet eens met de rekening",
    HoldKind.MORATORIUM: "de klant krijgt hulp bij geldzaken (moratorium)",
    HoldKind.DECEASED: "de klant is overleden",
    HoldKind.MEDICAL: "er is een medische noodzaak",
    HoldKind.PROMISE_TO_PAY: "de klant heeft beloofd te betalen",
    HoldKind.HELP_ACCEPTED: "de klant heeft hulp aangenomen",
}


def t(model: Any) -> str:
    return bulk.table(model)


def positions_prepare(*, organisation_id: int, today: date) -> int:
    """Build the run's position table: arrears per account with overdue open invoices.

    Arrears = overdue open invoices minus money waiting to be allocated (open credit
    notes, unallocated payments), never below zero: a customer who paid yesterday is not
    in arrears because the allocation has not run yet. One aggregate over the partial
    indexes on open items; only accounts with something overdue get a row (the ~10 %
    that matter), so the table stays small at a million accounts.
    """
    qn = bulk.qn
    inv, pay = t(Invoice), t(Payment)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {POS_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {POS_TABLE} AS"
            f" SELECT o.account_id AS account_id,"
            f"  {bulk.greatest_sql('o.overdue - COALESCE(c.credit, 0)', '0')} AS arrears,"
            f"  o.oldest AS oldest, o.n_overdue AS n_overdue"
            f" FROM (SELECT account_id, SUM(open_amount_cents) AS overdue,"
            f"   MIN(due_date) AS oldest, COUNT(*) AS n_overdue FROM {inv}"
            f"   WHERE organisation_id = %s AND {qn('kind')} = %s AND open_amount_cents > 0"
            f"   AND due_date < %s GROUP BY account_id) o"
            f" LEFT JOIN (SELECT account_id, SUM(amount) AS credit FROM ("
            f"   SELECT account_id, open_amount_cents AS amount FROM {inv}"
            f"   WHERE organisation_id = %s AND {qn('kind')} = %s AND open_amount_cents > 0"
            f"   UNION ALL SELECT account_id, unallocated_cents FROM {pay}"
            f"   WHERE organisation_id = %s AND unallocated_cents > 0 AND reversed_on IS NULL"
            f" ) u GROUP BY account_id) c ON c.account_id = o.account_id",
            [
                organisation_id,
                InvoiceKind.INVOICE.value,
                today,
                organisation_id,
                InvoiceKind.CREDIT_NOTE.value,
                organisation_id,
            ],
        )
        cursor.execute(f"CREATE UNIQUE INDEX {POS_TABLE}_pk ON {POS_TABLE} (account_id)")
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {POS_TABLE}")
        cursor.execute(f"SELECT COUNT(*) FROM {POS_TABLE}")
        return int(cursor.fetchone()[0])


_EVENT_COLUMNS = ["case", "on", "at", "kind", "cause", "text", "details", "key"]


@transaction.atomic
def cases_close(*, organisation_id: int, today: date, now: datetime, tolerance_cents: int) -> int:
    """Close every non-closed case whose arrears are at most the tolerance (cause: paid).

    One join of the non-closed cases with the position table finds them (a hash join,
    not a lookup per case); the events and the update use that same list.
    """
    qn = bulk.qn
    case_t = t(Case)
    now_db = bulk.datetime_value(now)
    ecols = ", ".join(qn(c) for c in bulk.columns(CaseEvent, _EVENT_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS strategy_run_closing")
        cursor.execute(
            f"CREATE TEMPORARY TABLE strategy_run_closing AS"
            f" SELECT c.id AS id, COALESCE(p.arrears, 0) AS arrears"
            f" FROM {case_t} c LEFT JOIN {POS_TABLE} p ON p.account_id = c.account_id"
            f" WHERE c.organisation_id = %s AND c.status <> %s"
            f" AND COALESCE(p.arrears, 0) <= %s",
            [organisation_id, CaseStatus.CLOSED.value, tolerance_cents],
        )
        details = bulk.json_object_sql(
            [("arrears_cents", "k.arrears"), ("tolerance_cents", str(int(tolerance_cents)))]
        )
        cursor.execute(
            f"INSERT INTO {t(CaseEvent)} ({ecols})"
            f" SELECT k.id, {p_date()}, {p_ts()}, %s, %s, %s, {details},"
            f"  {p_text()} || {bulk.text_sql('k.id')} || {p_text()}"
            f" FROM strategy_run_closing k WHERE 1 = 1 ON CONFLICT DO NOTHING",
            [
                today,
                now_db,
                CaseEventKind.CLOSED.value,
                CloseCause.PAID.value,
                TEXT_CLOSED,
                "closed:",
                f":{today.isoformat()}",
            ],
        )
        cursor.execute(
            f"UPDATE {case_t} SET status = %s, closed_on = {p_date()}, close_cause = %s,"
            f" next_step_on = NULL,"
            f" arrears_cents = (SELECT k.arrears FROM strategy_run_closing k"
            f"  WHERE k.id = {case_t}.id)"
            f" WHERE id IN (SELECT id FROM strategy_run_closing)",
            [CaseStatus.CLOSED.value, today, CloseCause.PAID.value],
        )
        closed = max(cursor.rowcount, 0)
        cursor.execute("DROP TABLE strategy_run_closing")
    return closed


# ---------------------------------------------------------------------------------------
# Holds: pause and resume


@dataclass
class HoldTransitions:
    paused: int = 0
    resumed: int = 0
    reopened: int = 0
    # case id -> (new status, new journey day 0) for the cases that changed
    changed: dict[int, tuple[str, date | None]] = field(default_factory=dict)
    # account id -> (hold kind, until) for cases this run opens already paused
    new_paused: dict[int, tuple[str, date | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseHoldState:
    """What ``holds_apply`` needs of one non-closed case (read by ``features``)."""

    case_id: int | None  # None: the case is opened by this run
    account_id: int
    status: str
    paused_on: date | None
    pause_cause: str
    paused_until: date | None
    journey_day0: date | None
    moratorium_until: date | None
    deceased_on: date | None


def hold_table_active(
    *, organisation_id: int, today: date
) -> dict[int, list[tuple[str, date | None]]]:
    """Account id -> [(kind, last day or None)] of active pausing holds in the Hold table."""
    kinds = [str(k) for k in PAUSING_HOLDS]
    out: dict[int, list[tuple[str, date | None]]] = {}
    for account_id, kind, ends in (
        Hold.objects.filter(organisation_id=organisation_id, kind__in=kinds, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("account_id", "kind", "ends_on")
    ):
        out.setdefault(account_id, []).append((kind, ends))
    return out


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _severity(kind: str) -> int:
    order = [str(k) for k in PAUSING_HOLDS]
    return order.index(kind) if kind in order else len(order)


@transaction.atomic
def holds_apply(
    *, organisation_id: int, today: date, now: datetime, states: list[CaseHoldState]
) -> HoldTransitions:
    """Pause open cases with an active pausing hold; resume paused cases without one.

    Holds come from the Hold table and from the person's own flags (moratorium until,
    deceased on), so a flag set by an import pauses the case without anyone creating a
    Hold row. ``states`` are all non-closed cases (``features.case_features`` reads them
    together with the features, saving a second join over people).

    A resumed case keeps its place in the journey: ``journey_day0`` moves forward by the
    length of the pause. A case whose payment-plan hold ended as broken is "reopened"
    (the issue's wording) rather than "resumed", so the timeline says why.
    """
    table_holds = hold_table_active(organisation_id=organisation_id, today=today)
    result = HoldTransitions()
    updates: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    now_db = bulk.datetime_value(now)
    broken_until: dict[int, date] = {}
    for account_id, ends in Hold.objects.filter(
        organisation_id=organisation_id,
        kind=HoldKind.PAYMENT_PLAN,
        outcome=HoldOutcome.BROKEN,
        ends_on__isnull=False,
    ).values_list("account_id", "ends_on"):
        broken_until[account_id] = max(ends, broken_until.get(account_id, ends))
    iso = today.isoformat()
    for st in states:
        active = list(table_holds.get(st.account_id, ()))
        if st.moratorium_until is not None and st.moratorium_until >= today:
            active.append((HoldKind.MORATORIUM.value, st.moratorium_until))
        if st.deceased_on is not None and st.deceased_on <= today:
            active.append((HoldKind.DECEASED.value, None))
        if active:
            kind = min((k for k, _ in active), key=_severity)
            ends = [e for _, e in active]
            until = None if any(e is None for e in ends) else max(ends)  # type: ignore[type-var]
            if st.case_id is None:
                result.paused += 1
                result.new_paused[st.account_id] = (kind, until)
            elif st.status == CaseStatus.OPEN:
                result.paused += 1
                result.changed[st.case_id] = (CaseStatus.PAUSED.value, st.journey_day0)
                updates.append(
                    (st.case_id, CaseStatus.PAUSED.value, today, kind, until, st.journey_day0, None)
                )
                events.append(
                    (
                        st.case_id,
                        today,
                        now_db,
                        CaseEventKind.PAUSED.value,
                        kind,
                        TEXT_PAUSED.format(cause=HOLD_TEXT_NL.get(kind, kind)),
                        bulk.json_text({"hold": kind, "until": until}),
                        f"paused:{st.case_id}:{iso}",
                    )
                )
            elif (st.pause_cause, st.paused_until) != (kind, until):
                updates.append(
                    (st.case_id, st.status, st.paused_on, kind, until, st.journey_day0, None)
                )
            continue
        if st.case_id is None or st.status != CaseStatus.PAUSED:
            continue
        shift = (today - st.paused_on).days if st.paused_on else 0
        day0 = st.journey_day0 + timedelta(days=shift) if st.journey_day0 else None
        broken_end = broken_until.get(st.account_id)
        broken = bool(
            broken_end is not None
            and st.paused_on is not None
            and broken_end >= st.paused_on - timedelta(days=1)
        )
        kind_event = CaseEventKind.REOPENED if broken else CaseEventKind.RESUMED
        result.reopened += broken
        result.resumed += not broken
        result.changed[st.case_id] = (CaseStatus.OPEN.value, day0)
        updates.append((st.case_id, CaseStatus.OPEN.value, None, "", None, day0, None))
        events.append(
            (
                st.case_id,
                today,
                now_db,
                kind_event.value,
                "plan_broken" if broken else "hold_ended",
                TEXT_REOPENED if broken else TEXT_RESUMED,
                bulk.json_text({"paused_on": st.paused_on, "shifted_days": shift}),
                f"resumed:{st.case_id}:{iso}",
            )
        )
    bulk.update_rows(
        Case,
        "id",
        ["status", "paused_on", "pause_cause", "paused_until", "journey_day0", "next_step_on"],
        updates,
    )
    bulk.insert_ignore(CaseEvent, _EVENT_COLUMNS, events)
    return result


# ---------------------------------------------------------------------------------------
# Services for staff and other apps (one case at a time, with events)


def _event(
    case: Case,
    *,
    kind: str,
    cause: str,
    text: str,
    on: date,
    actor: Any = None,
    details: dict[str, Any] | None = None,
) -> CaseEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return CaseEvent.objects.create(
        case=case,
        on=on,
        at=timezone.now(),
        kind=kind,
        cause=cause,
        text=text[:300],
        details=details or {},
        actor=user,
    )


@transaction.atomic
def case_close(*, case: Case, cause: str, on: date, actor: Any = None, note: str = "") -> Case:
    """Close a case by hand (written off, handed over …); the timeline records who and why."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        return case
    case.status, case.closed_on, case.close_cause, case.next_step_on = (
        CaseStatus.CLOSED,
        on,
        cause,
        None,
    )
    case.save(update_fields=["status", "closed_on", "close_cause", "next_step_on"])
    _event(
        case,
        kind=CaseEventKind.CLOSED,
        cause=cause,
        on=on,
        actor=actor,
        text=f"Dossier gesloten: {note or cause}.",
    )
    return case


@transaction.atomic
def hold_create(
    *,
    account: Account,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    reason: str = "",
    actor: Any = None,
) -> Hold:
    """Register a hold; the next daily run pauses the case (and records it)."""
    case = account.cases.exclude(status=CaseStatus.CLOSED).first()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Hold.objects.create(
        organisation_id=account.organisation_id,
        account=account,
        case=case,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=user,
    )


@transaction.atomic
def hold_end(*, hold: Hold, on: date, outcome: str, actor: Any = None) -> Hold:
    """End a hold: from ``on`` it no longer applies (last held day is the day before).

    A payment plan ending as ``broken`` makes the next run reopen the case.
    """
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    hold.ends_on = on - timedelta(days=1)
    hold.outcome = outcome
    hold.save(update_fields=["ends_on", "outcome"])
    return hold


@transaction.atomic
def contact_register(
    *, case: Case, on: date, reached: bool, channel: str, actor: Any = None, note: str = ""
) -> CaseEvent:
    """Record a contact outcome (a call that reached the person, a visit at home …)."""
    return _event(
        case,
        kind=CaseEventKind.CONTACT,
        cause="reached" if reached else "not_reached",
        on=on,
        actor=actor,
        text=(f"Contact via {channel}: " + ("bereikt" if reached else "niet bereikt"))
        + (f". {note}" if note else ""),
        details={"channel": channel, "reached": reached},
    )
