"""One timeline of everything that happened on a case, merged and sorted.

The case events are the engine's log, but staff also need what other apps keep in their
own tables: the invoices and payments (and reversals), the decided actions with the
guardrails' reasons, the messages as they were rendered, calls and visits with their
outcome, payment plans and instalments, charged and waived costs, what the person did
in the portal and on the pay page, their replies, and the signals to the municipality.

Each source is read in one query, newest first and capped, so the page costs a fixed
number of queries whatever the length of the history (the benchmark
``bench/bench_case_timeline.py`` measures it). Sources of apps that are still being
built are imported lazily: a missing app contributes nothing instead of breaking the
page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Invoice, Payment
from vangnet.strategy.constants import CaseEventKind
from vangnet.strategy.models import Action, Case, CaseEvent, Hold, Segment
from vangnet.workspace.models import Task, TaskStatus

logger = logging.getLogger(__name__)

# Newest rows read per source: a case with years of history still renders in one go,
# and the page says when a source was cut off.
SOURCE_CAP = 200

# Source key -> how staff read it (also the filter on the case page).
SOURCE_LABELS: dict[str, Any] = {
    "invoice": _("Facturen"),
    "payment": _("Betalingen"),
    "event": _("Dossier"),
    "action": _("Acties"),
    "message": _("Berichten"),
    "task": _("Gesprekken en bezoeken"),
    "hold": _("Pauzes"),
    "plan": _("Regelingen"),
    "cost": _("Kosten"),
    "portal": _("Portaal en betaalpagina"),
    "reply": _("Reacties"),
    "signal": _("Signalen"),
}

# Case events other sources show better: the ledger payment (with its reversal) and the
# short-link click (with the browser), so they are not listed twice.
_EVENTS_SHOWN_ELSEWHERE_KINDS = (CaseEventKind.PAYMENT,)
_EVENTS_SHOWN_ELSEWHERE_CAUSES = ("link_clicked",)


@dataclass
class TimelineItem:
    """One line of the case timeline, whatever table it came from."""

    source: str
    on: date
    at: datetime | None
    title: str
    text: str = ""
    status: str = ""
    status_label: str = ""
    amount_cents: int | None = None
    reasons: list[str] = field(default_factory=list)
    body: str = ""  # expandable content (a message as rendered, a reply)
    body_title: str = ""
    actor: str = ""
    url: str = ""

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS.get(self.source, self.source))

    def sort_key(self) -> tuple[date, float]:
        return (self.on, self.at.timestamp() if self.at else 0.0)


@dataclass
class Timeline:
    items: list[TimelineItem]
    capped_sources: list[str]
    counts: dict[str, int]

    @property
    def sources_present(self) -> int:
        return sum(1 for n in self.counts.values() if n)


def _local_date(value: datetime | None, fallback: date) -> date:
    return timezone.localdate(value) if value else fallback


def _actor(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# ---------------------------------------------------------------------------------------
# Sources: each takes the case and returns (items, capped)


def _invoices(case: Case) -> tuple[list[TimelineItem], bool]:
    rows = list(
        Invoice.objects.filter(account_id=case.account_id).order_by("-issue_date", "-pk")[
            :SOURCE_CAP
        ]
    )
    items = []
    for inv in rows:
        credit = inv.kind == InvoiceKind.CREDIT_NOTE
        title = (_("Creditnota %(n)s") if credit else _("Factuur %(n)s")) % {"n": inv.number}
        if credit:
            status, label = "credit", _("creditnota")
        elif inv.open_amount_cents == 0:
            status, label = "paid", _("betaald")
        else:
            status, label = "open", _("open: %(due)s") % {"due": f"{inv.due_date:%d-%m-%Y}"}
        items.append(
            TimelineItem(
                source="invoice",
                on=inv.issue_date,
                at=None,
                title=str(title),
                text=inv.description,
                status=status,
                status_label=str(label),
                amount_cents=inv.amount_cents,
            )
        )
    return items, len(rows) == SOURCE_CAP


def _payments(case: Case) -> tuple[list[TimelineItem], bool]:
    rows = list(
        Payment.objects.filter(account_id=case.account_id).order_by("-booked_on", "-pk")[
            :SOURCE_CAP
        ]
    )
    items = []
    for pay in rows:
        items.append(
            TimelineItem(
                source="payment",
                on=pay.booked_on,
                at=None,
                title=str(
                    _("Betaling ontvangen (%(source)s)") % {"source": pay.get_source_display()}
                ),
                text=pay.reference,
                amount_cents=pay.amount_cents,
                status="reversed" if pay.reversed_on else "received",
            )
        )
        if pay.reversed_on:
            items.append(
                TimelineItem(
                    source="payment",
                    on=pay.reversed_on,
                    at=None,
                    title=str(_("Betaling gestorneerd")),
                    text=(
                        str(_("Stornoreden %(code)s") % {"code": pay.reversal_reason})
                        if pay.reversal_reason
                        else ""
                    ),
                    amount_cents=-pay.amount_cents,
                    status="reversal",
                    status_label=str(_("storno")),
                )
            )
    return items, len(rows) == SOURCE_CAP


def _events(case: Case) -> tuple[list[TimelineItem], bool]:
    rows = list(
        CaseEvent.objects.filter(case_id=case.pk)
        .exclude(kind__in=_EVENTS_SHOWN_ELSEWHERE_KINDS)
        .exclude(cause__in=_EVENTS_SHOWN_ELSEWHERE_CAUSES)
        .select_related("actor")
        .order_by("-on", "-at", "-pk")[:SOURCE_CAP]
    )
    items = []
    for ev in rows:
        details = ev.details if isinstance(ev.details, dict) else {}
        full = details.get("note") if isinstance(details.get("note"), str) else ""
        items.append(
            TimelineItem(
                source="event",
                on=ev.on,
                at=ev.at,
                title=str(ev.get_kind_display()),
                text=ev.text,
                status=ev.cause,
                body=full,
                actor=_actor(ev.actor),
            )
        )
    return items, len(rows) == SOURCE_CAP


def _actions(case: Case) -> tuple[list[TimelineItem], bool]:
    # The strategy app's own reading of an action's explanation (guardrails, step,
    # segment, channel) is reused, so both pages word a decision the same way.
    from vangnet.strategy.selectors import _action_entry

    rows = list(
        Action.objects.filter(case_id=case.pk)
        .select_related("step")
        .order_by("-run_date", "-pk")[:SOURCE_CAP]
    )
    segments = dict(Segment.objects.values_list("code", "name_nl")) if rows else {}
    items = []
    for action in rows:
        entry = _action_entry(action, segments)
        reasons = [entry.reason] if entry.reason else []
        reasons += [c["nl"] for c in entry.checks if not c["allowed"] and c["nl"]]
        why = []
        if entry.step:
            why.append(f"{_('Stap')}: {entry.step}")
        if entry.segment:
            why.append(f"{_('Segment')}: {entry.segment}")
        if entry.channel_why:
            why.append(f"{_('Kanaal')}: {entry.channel_why}")
        items.append(
            TimelineItem(
                source="action",
                on=action.run_date,
                at=action.scheduled_for,
                title=entry.title,
                text="; ".join(why),
                status=action.status,
                status_label=entry.status_label,
                amount_cents=action.amount_cents,
                reasons=reasons,
            )
        )
    return items, len(rows) == SOURCE_CAP


def _messages(case: Case) -> tuple[list[TimelineItem], bool]:
    from vangnet.messaging.models import OutboxMessage

    rows = list(
        OutboxMessage.objects.filter(case_id=case.pk).order_by("-created_at", "-pk")[:SOURCE_CAP]
    )
    items = []
    for msg in rows:
        when = msg.sent_at or msg.created_at
        items.append(
            TimelineItem(
                source="message",
                on=_local_date(when, case.opened_on),
                at=when,
                title=str(
                    _("%(channel)s aan %(to)s")
                    % {"channel": msg.get_channel_display(), "to": msg.recipient or "–"}
                ),
                text=msg.template_code,
                status=msg.status,
                status_label=str(msg.get_status_display()),
                reasons=[msg.last_error] if msg.last_error else [],
                body=msg.text,
                body_title=msg.subject,
            )
        )
    return items, len(rows) == SOURCE_CAP


def _tasks(case: Case) -> tuple[list[TimelineItem], bool]:
    rows = list(
        Task.objects.filter(case_id=case.pk)
        .select_related("done_by", "assigned_to")
        .order_by("-due_on", "-pk")[:SOURCE_CAP]
    )
    items = []
    for task in rows:
        done = task.status == TaskStatus.DONE
        if done:
            label = task.get_outcome_display()
        elif task.status == TaskStatus.CANCELLED:
            label = task.get_status_display()
        else:
            label = _("gepland")
        window = ""
        if task.window_start:
            end = f"{task.window_end:%H:%M}" if task.window_end else "…"
            window = f" {task.window_start:%H:%M}–{end}"
        items.append(
            TimelineItem(
                source="task",
                on=_local_date(task.done_at, task.due_on) if done else task.due_on,
                at=task.done_at,
                title=f"{task.get_kind_display()}{window}",
                text=task.outcome_note if task.status != TaskStatus.OPEN else task.title,
                status=task.outcome or task.status,
                status_label=str(label),
                actor=_actor(task.done_by or task.assigned_to),
            )
        )
    return items, len(rows) == SOURCE_CAP


def _holds(case: Case) -> tuple[list[TimelineItem], bool]:
    rows = list(
        Hold.objects.filter(
            Q(case_id=case.pk)
            | Q(account_id=case.account_id, case__isnull=True, starts_on__gte=case.opened_on)
        )
        .select_related("created_by")
        .order_by("-starts_on", "-pk")[:SOURCE_CAP]
    )
    items = []
    for hold in rows:
        until = f"{hold.ends_on:%d-%m-%Y}" if hold.ends_on else str(_("nader order"))
        items.append(
            TimelineItem(
                source="hold",
                on=hold.starts_on,
                at=hold.created_at,
                title=str(_("Pauze: %(kind)s tot en met %(until)s"))
                % {"kind": hold.get_kind_display(), "until": until},
                text=hold.reason,
                status=hold.outcome or "running",
                status_label=str(hold.get_outcome_display()),
                actor=_actor(hold.created_by),
            )
        )
    return items, len(rows) == SOURCE_CAP


def _plans(case: Case) -> tuple[list[TimelineItem], bool]:
    from vangnet.arrangements.constants import InstalmentStatus
    from vangnet.arrangements.models import Instalment, PaymentPlan

    today = timezone.localdate()
    plans = list(
        PaymentPlan.objects.filter(account_id=case.account_id).order_by("-created_at")[:SOURCE_CAP]
    )
    items = []
    for plan in plans:
        items.append(
            TimelineItem(
                source="plan",
                on=plan.created_on,
                at=plan.created_at,
                title=str(_("Betalingsregeling %(ref)s") % {"ref": plan.reference}),
                text=str(
                    _("%(n)s termijnen vanaf %(first)s")
                    % {"n": plan.instalment_count, "first": f"{plan.first_due_on:%d-%m-%Y}"}
                ),
                status=plan.status,
                status_label=str(plan.get_status_display()),
                amount_cents=plan.total_cents,
                reasons=[plan.affordability_text] if plan.affordability_text else [],
                url=_url("arrangements:plan", plan.pk),
            )
        )
    if not plans:
        return items, False
    # Instalments that fell due (the future ones are in the plan itself).
    instalments = list(
        Instalment.objects.filter(plan__account_id=case.account_id, due_on__lte=today)
        .select_related("plan")
        .order_by("-due_on", "-pk")[:SOURCE_CAP]
    )
    for inst in instalments:
        items.append(
            TimelineItem(
                source="plan",
                on=inst.due_on,
                at=None,
                title=str(
                    _("Termijn %(n)s van regeling %(ref)s")
                    % {"n": inst.number, "ref": inst.plan.reference}
                ),
                text=(
                    str(_("betaald: %(paid)s") % {"paid": _euro(inst.paid_cents)})
                    if inst.paid_cents and inst.status != InstalmentStatus.PAID
                    else ""
                ),
                status=inst.status,
                status_label=str(inst.get_status_display()),
                amount_cents=inst.amount_cents,
            )
        )
    return items, len(plans) == SOURCE_CAP or len(instalments) == SOURCE_CAP


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the app's page is not wired (yet)
        return ""


def _euro(cents: int) -> str:
    from vangnet.core.money import format_euro

    return format_euro(cents)


def _costs(case: Case) -> tuple[list[TimelineItem], bool]:
    from vangnet.arrangements.models import ChargedCost

    rows = list(
        ChargedCost.objects.filter(account_id=case.account_id)
        .select_related("waived_by")
        .order_by("-computed_on", "-pk")[:SOURCE_CAP]
    )
    items = []
    for charge in rows:
        items.append(
            TimelineItem(
                source="cost",
                on=charge.computed_on,
                at=charge.created_at,
                title=str(_("Gerekend: %(kind)s") % {"kind": charge.get_kind_display()}),
                body=charge.explanation,
                body_title=str(_("Berekening")),
                status="waived" if charge.waived else "charged",
                amount_cents=charge.amount_cents,
            )
        )
        if charge.waived:
            items.append(
                TimelineItem(
                    source="cost",
                    on=charge.waived_on or charge.computed_on,
                    at=None,
                    title=str(_("Kwijtgescholden: %(kind)s") % {"kind": charge.get_kind_display()}),
                    text=charge.waiver_reason,
                    status="waiver",
                    status_label=str(_("kwijtgescholden")),
                    amount_cents=-charge.amount_cents,
                    actor=_actor(charge.waived_by),
                )
            )
    return items, len(rows) == SOURCE_CAP


def _portal(case: Case) -> tuple[list[TimelineItem], bool]:
    """What the person did themselves: opened a link, started or finished a payment."""
    items: list[TimelineItem] = []
    capped = False
    try:
        from vangnet.payments.models import PaymentLinkEvent
    except ImportError:  # pragma: no cover - the payments app is in the tree
        PaymentLinkEvent = None
    if PaymentLinkEvent is not None:
        rows = list(
            PaymentLinkEvent.objects.filter(link__account_id=case.account_id).order_by(
                "-at", "-pk"
            )[:SOURCE_CAP]
        )
        capped = len(rows) == SOURCE_CAP
        for ev in rows:
            items.append(
                TimelineItem(
                    source="portal",
                    on=_local_date(ev.at, case.opened_on),
                    at=ev.at,
                    title=str(_("Betaalpagina: %(kind)s") % {"kind": ev.get_kind_display()}),
                    text=ev.text,
                    status=ev.kind,
                )
            )
    try:
        from vangnet.messaging.engagement.models import Click
    except ImportError:  # pragma: no cover - built in parallel
        return items, capped
    clicks = list(
        Click.objects.filter(link__case_id=case.pk, bot=False)
        .select_related("link")
        .order_by("-at", "-pk")[:SOURCE_CAP]
    )
    for click in clicks:
        items.append(
            TimelineItem(
                source="portal",
                on=_local_date(click.at, case.opened_on),
                at=click.at,
                title=str(_("Link in bericht geopend")),
                text=click.user_agent_family,
                status="click",
            )
        )
    return items, capped or len(clicks) == SOURCE_CAP


def _replies(case: Case) -> tuple[list[TimelineItem], bool]:
    from vangnet.messaging.channels.models import InboundMessage

    rows = list(
        InboundMessage.objects.filter(case_id=case.pk).order_by("-received_at", "-pk")[:SOURCE_CAP]
    )
    return [
        TimelineItem(
            source="reply",
            on=_local_date(msg.received_at, case.opened_on),
            at=msg.received_at,
            title=str(
                _("Reactie via %(channel)s van %(sender)s")
                % {"channel": msg.get_channel_display(), "sender": msg.sender}
            ),
            text=msg.body[:140],
            body=msg.body,
            body_title=msg.subject,
            status="received",
        )
        for msg in rows
    ], len(rows) == SOURCE_CAP


def _signals(case: Case) -> tuple[list[TimelineItem], bool]:
    from vangnet.signals.outgoing.models import OutgoingSignal

    rows = list(
        OutgoingSignal.objects.filter(case_id=case.pk).order_by("-signalled_on", "-pk")[:SOURCE_CAP]
    )
    items = []
    for sig in rows:
        text = sig.municipality_name or sig.municipality_code
        if sig.feedback:
            text += f" — {_('terugmelding')}: {sig.get_feedback_display()}"
        items.append(
            TimelineItem(
                source="signal",
                on=sig.signalled_on,
                at=sig.created_at,
                title=str(_("Signaal aan gemeente (%(kind)s)") % {"kind": sig.get_kind_display()}),
                text=text,
                status=sig.status,
                status_label=str(sig.get_status_display()),
                amount_cents=sig.amount_cents,
                reasons=[str(c) for c in (sig.reason_codes or [])]
                if sig.status == "blocked"
                else [],
            )
        )
    return items, len(rows) == SOURCE_CAP


SOURCES: dict[str, Callable[[Case], tuple[list[TimelineItem], bool]]] = {
    "invoice": _invoices,
    "payment": _payments,
    "event": _events,
    "action": _actions,
    "message": _messages,
    "task": _tasks,
    "hold": _holds,
    "plan": _plans,
    "cost": _costs,
    "portal": _portal,
    "reply": _replies,
    "signal": _signals,
}


def case_timeline(*, case: Case, sources: Iterable[str] | None = None) -> Timeline:
    """Everything on one case, newest first; ``sources`` limits which tables are read.

    A source whose app is not installed yet (an ``ImportError`` on its lazy import)
    contributes nothing; the page lists what it could read.
    """
    wanted = list(SOURCES) if sources is None else [s for s in sources if s in SOURCES]
    items: list[TimelineItem] = []
    capped: list[str] = []
    counts: dict[str, int] = {}
    for key in wanted:
        try:
            found, cut = SOURCES[key](case)
        except ImportError:
            logger.info("timeline source %s not available", key)
            counts[key] = 0
            continue
        counts[key] = len(found)
        items.extend(found)
        if cut:
            capped.append(key)
    items.sort(key=TimelineItem.sort_key, reverse=True)
    return Timeline(items=items, capped_sources=capped, counts=counts)
