"""The daily outreach run: each melding's next step by route, as data (outreach.yaml).

Routes (segments): **light** — one signal, low amount, no crisis: an automated friendly
message with a link to choose a contact moment, then a letter, then a call; **intensive**
— multiple, consecutive, repeated or critical (rent, energy): digital first, then a phone
round, then home visits in the evening and early morning; **crisis** — the same on
working days, so the first contact falls within 3 working days.

``meldingen_outreach_run`` is set-based: one query for the due meldingen, one for their
signals, one for their residents and addresses; it writes at most one step per melding
per run and the step counter and the idempotency keys make a second run the same day
write nothing. Contact attempts are recorded when a message was actually sent or a task
got its outcome (``attempts_sync``), not when they were planned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

import yaml

from vangnet.rules.calendar_nl import add_working_days
from vangnet.signals import ddas
from vangnet.signals.incoming import conf
from vangnet.signals.incoming.casework import contact_attempt_record, melding_close
from vangnet.signals.incoming.constants import MeldingStatus
from vangnet.signals.incoming.models import ContactAttempt, IncomingSignal, Melding, MeldingTask
from vangnet.signals.incoming.tokens import resident_url

STEPS_PATH = Path(__file__).with_name("outreach.yaml")
KEY_PREFIX = "signals_in:"
CRITICAL_PARTNERS = frozenset({"Huur", "Energie", "Hypotheek"})
ACTIONS = frozenset({"message", "call", "visit", "close"})


class OutreachConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Step:
    action: str
    day: int
    template: str = ""
    channels: tuple[str, ...] = ()
    window: tuple[time, time] | None = None
    result: str = ""


@dataclass(frozen=True)
class Route:
    working_days: bool
    steps: tuple[Step, ...]


def parse_routes(data: Any) -> dict[str, Route]:
    """Check the whole file before use: a typo is an error naming the route and step."""
    if not isinstance(data, dict) or data.get("format") != "vangnet-outreach/1":
        raise OutreachConfigError("expected 'format: vangnet-outreach/1'")
    routes = {}
    for name, raw in (data.get("routes") or {}).items():
        steps = []
        for n, s in enumerate(raw.get("steps") or [], start=1):
            where = f"route {name} step {n}"
            if s.get("action") not in ACTIONS:
                raise OutreachConfigError(f"{where}: unknown action {s.get('action')!r}")
            window = None
            if s.get("window"):
                start, end = (time.fromisoformat(t) for t in s["window"])
                window = (start, end)
            if s["action"] == "message" and not (s.get("template") and s.get("channels")):
                raise OutreachConfigError(f"{where}: a message needs template and channels")
            if s["action"] == "close" and s.get("result") not in ddas.RESULTS:
                raise OutreachConfigError(f"{where}: unknown result {s.get('result')!r}")
            steps.append(
                Step(
                    action=s["action"],
                    day=int(s.get("day", 0)),
                    template=s.get("template", ""),
                    channels=tuple(s.get("channels") or ()),
                    window=window,
                    result=s.get("result", ""),
                )
            )
        if [st.day for st in steps] != sorted(st.day for st in steps):
            raise OutreachConfigError(f"route {name}: steps must be in day order")
        routes[name] = Route(working_days=bool(raw.get("working_days")), steps=tuple(steps))
    for required in ("light", "intensive", "crisis"):
        if required not in routes:
            raise OutreachConfigError(f"route {required!r} is missing")
    return routes


@cache
def routes() -> dict[str, Route]:
    return parse_routes(yaml.safe_load(STEPS_PATH.read_text(encoding="utf-8")))


def segment_of(
    *, crisis: bool, multiple: bool, consecutive: bool, signals: list[tuple[str, int, str]]
) -> str:
    """``signals``: (partner type, amount in cents, status) of the melding's signals."""
    if crisis:
        return "crisis"
    repeated = any(status == ddas.RESULTS["repeated"] for _, _, status in signals)
    critical = any(ptype in CRITICAL_PARTNERS for ptype, _, _ in signals)
    total = sum(amount for _, amount, _ in signals)
    if multiple or consecutive or repeated or critical or len(signals) > 1:
        return "intensive"
    return "light" if total < conf.light_amount_cents() else "intensive"


def segment_for(melding: Melding) -> str:
    rows = list(
        IncomingSignal.objects.filter(melding=melding).values_list(
            "partner__partner_type", "amount_cents", "status"
        )
    )
    return segment_of(
        crisis=melding.crisis,
        multiple=melding.multiple,
        consecutive=melding.consecutive,
        signals=rows,
    )


def _due_date(start: date, day: int, working_days: bool) -> date:
    return add_working_days(start, day) if working_days else start + timedelta(days=day)


def _municipality_organisation():
    from vangnet.parties.models import Organisation

    return (
        Organisation.objects.filter(kind="municipality").order_by("pk").first()
        or Organisation.objects.order_by("pk").first()
    )


@dataclass
class RunReport:
    due: int = 0
    messages: int = 0
    tasks: int = 0
    closed: int = 0
    skipped: list[str] = field(default_factory=list)
    attempts_recorded: int = 0


def _context(melding: Melding, person, organisation, on: date) -> dict[str, Any]:
    from vangnet.messaging.content.context import sample_context

    context = sample_context(channel="letter", today=on)  # every documented variable
    name = person.full_name if person else ""
    municipality = (organisation.name if organisation else "").removeprefix("Gemeente ").strip()
    address = person.address if person else None
    lines = [name]
    if address:
        suffix = f"-{address.house_number_suffix}" if address.house_number_suffix else ""
        lines += [
            f"{address.street} {address.house_number}{suffix}",
            f"{address.postcode} {address.city.upper()}",
        ]
    phone = getattr(organisation, "contact_phone", "") or ""
    context.update(
        {
            "salutation": f"Beste {name}" if name else "Beste inwoner",
            "full_name": name,
            "given_name": person.initials if person else "",
            "surname": " ".join(p for p in (person.surname_prefix, person.surname) if p)
            if person
            else "",
            "address_lines": lines,
            "municipality_name": municipality,
            "creditor_name": f"Gemeente {municipality}".strip(),
            "portal_url": resident_url(melding.pk),
            "pay_url": "",
            "helpdesk_name": f"Gemeente {municipality}".strip(),
            "helpdesk_phone": phone,
            "helpdesk_url": getattr(organisation, "website", "") or "",
            "help_text": (f"Bel ons op {phone}." if phone else "Bel of mail ons, dan helpen wij u.")
            + " Het gesprek is gratis.",
            "contact_text": f"Bel ons op {phone}." if phone else "",
        }
    )
    return context


def _recipient(channel: str, signals: list[IncomingSignal], person) -> str:
    latest = sorted(signals, key=lambda s: s.received_at, reverse=True)
    if channel == "email":
        return next((s.email for s in latest if s.email), "")
    if channel in ("sms", "whatsapp"):
        from vangnet.parties.validation import is_mobile

        return next((s.phone for s in latest if s.phone and is_mobile(s.phone)), "")
    if channel == "letter" and person is not None and person.address is not None:
        return str(person.address)
    return ""


def _message(melding, step, signals, person, organisation, on, report, now) -> bool:
    """Put the step's message in the outbox on the first channel we have an address for.

    False when it could not be written now (messaging or a template missing): the step is
    then tried again on the next run instead of being skipped silently.
    """
    try:
        from vangnet.messaging.content.services import TemplateMissing, message_render
        from vangnet.messaging.services import outbox_message_create
    except ImportError as exc:  # messaging still being built: degrade, say why
        report.skipped.append(f"melding {melding.pk}: messaging unavailable ({exc})")
        return False
    for channel in step.channels:
        recipient = _recipient(channel, signals, person)
        if not recipient:
            continue
        try:
            rendered = message_render(
                template_code=step.template,
                channel=channel,
                language=getattr(person, "language", "nl") or "nl",
                context=_context(melding, person, organisation, on),
            )
        except TemplateMissing:
            report.skipped.append(
                f"melding {melding.pk}: template {step.template}/{channel} missing"
            )
            return False
        outbox_message_create(
            organisation_id=organisation.pk,
            channel=channel,
            recipient=recipient,
            rendered=rendered,
            idempotency_key=f"{KEY_PREFIX}m{melding.pk}:s{melding.outreach_step + 1}:{channel}",
            person_id=person.pk if person else None,
            now=now,
        )
        report.messages += 1
        return True
    report.skipped.append(f"melding {melding.pk}: no address for {', '.join(step.channels)}")
    return True  # nothing to send to: go on with the next step (a call or a visit)


def _task(melding, step, signals, person, organisation, on, report) -> None:
    from vangnet.workspace.models import TaskPriority
    from vangnet.workspace.worklist import task_create

    kind = "call" if step.action == "call" else "visit"
    phone = next(
        (s.phone for s in sorted(signals, key=lambda s: s.received_at, reverse=True) if s.phone), ""
    )
    if kind == "call" and not phone:
        kind = "visit"  # no number: go and see
    due = on
    if melding.first_contact_due and melding.first_contact_due >= on:
        due = min(on, melding.first_contact_due)
    title = f"Vroegsignaal: {person.full_name if person else melding.address_key}"
    task, created = task_create(
        kind=kind,
        idempotency_key=f"{KEY_PREFIX}m{melding.pk}:s{melding.outreach_step + 1}",
        title=title,
        due_on=due,
        organisation_id=organisation.pk if organisation else None,
        person_id=person.pk if person else None,
        priority=TaskPriority.URGENT if melding.crisis else TaskPriority.HIGH,
        description=(
            f"Melding {melding.pk}: {len(signals)} signaal/signalen"
            + (", meervoudig" if melding.multiple else "")
            + (
                ", crisis: eerste contact uiterlijk "
                + melding.first_contact_due.strftime("%d-%m-%Y")
                if melding.first_contact_due
                else ""
            )
        ),
        phone=phone if kind == "call" else "",
        window_start=step.window[0] if step.window else None,
        window_end=step.window[1] if step.window else None,
    )
    if created:
        MeldingTask.objects.get_or_create(
            melding=melding, task=task, defaults={"step": step.action}
        )
        report.tasks += 1


@transaction.atomic
def meldingen_outreach_run(*, on: date | None = None, now: datetime | None = None) -> RunReport:
    """Take every melding whose next step is due and do that one step."""
    on = on or timezone.localdate()
    now = now or timezone.now()
    report = RunReport()
    report.attempts_recorded = attempts_sync()
    due = list(
        Melding.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=MeldingStatus.OUTREACH, outreach_next_on__lte=on)
        .select_related("person__address")
        .order_by("pk")
    )
    report.due = len(due)
    if not due:
        return report
    signals: dict[int, list[IncomingSignal]] = defaultdict(list)
    for s in IncomingSignal.objects.filter(melding__in=due).select_related("partner"):
        signals[s.melding_id].append(s)
    organisation = _municipality_organisation()
    plan = routes()
    changed = []
    closing = []
    for melding in due:
        route = plan.get(melding.segment) or plan["intensive"]
        if melding.outreach_step >= len(route.steps):
            melding.outreach_next_on = None
            changed.append(melding)
            continue
        step = route.steps[melding.outreach_step]
        person = melding.person
        if step.action == "close":
            closing.append((melding, step.result))
            continue
        if step.action == "message":
            if organisation is None:
                report.skipped.append(f"melding {melding.pk}: no organisation for the outbox")
                continue
            if not _message(
                melding, step, signals[melding.pk], person, organisation, on, report, now
            ):
                continue
        else:
            _task(melding, step, signals[melding.pk], person, organisation, on, report)
        melding.outreach_step += 1
        start = melding.picked_up_on or on
        if melding.outreach_step < len(route.steps):
            nxt = _due_date(start, route.steps[melding.outreach_step].day, route.working_days)
            melding.outreach_next_on = max(nxt, on + timedelta(days=1))
        else:
            melding.outreach_next_on = None
        changed.append(melding)
    Melding.objects.bulk_update(changed, ["outreach_step", "outreach_next_on"])
    for melding, result in closing:
        melding_close(melding=melding, result=result, on=on, note="Geen contact na alle stappen")
        report.closed += 1
    return report


TASK_CONTACT = {"call": "Telefoon", "callback": "Telefoon", "visit": "Huisbezoek"}


def attempts_sync() -> int:
    """Record a Contactpoging for each sent outreach message and each finished task.

    Set-based: one query each for sent messages and done tasks without an attempt yet;
    the ``source_key`` (unique) makes it safe to run any number of times.
    """
    created = 0
    recorded = set(
        ContactAttempt.objects.filter(source_key__isnull=False).values_list("source_key", flat=True)
    )
    try:
        from vangnet.messaging.models import OutboxMessage
    except ImportError:  # pragma: no cover
        OutboxMessage = None
    rows = []
    if OutboxMessage is not None:
        for msg in OutboxMessage.objects.filter(
            idempotency_key__startswith=KEY_PREFIX, sent_at__isnull=False
        ).only("pk", "idempotency_key", "channel", "sent_at"):
            key = f"outbox:{msg.pk}"
            if key in recorded:
                continue
            melding_id = int(msg.idempotency_key.removeprefix(KEY_PREFIX).split(":")[0][1:])
            rows.append(
                ContactAttempt(
                    melding_id=melding_id,
                    kind=ddas.CHANNEL_TO_CONTACT.get(msg.channel, "Overige"),
                    reached=False,  # a message reaches nobody until they answer
                    at=msg.sent_at,
                    day_part=ddas.day_part(timezone.localtime(msg.sent_at)),
                    source_key=key,
                    note="Bericht verzonden",
                )
            )
    from vangnet.workspace.models import TaskStatus
    from vangnet.workspace.worklist import REACHED_OUTCOMES

    reached_ids: set[int] = set()
    for link in MeldingTask.objects.filter(task__status=TaskStatus.DONE).select_related("task"):
        key = f"task:{link.task_id}"
        if key in recorded:
            continue
        task = link.task
        at = task.done_at or timezone.now()
        reached = task.outcome in REACHED_OUTCOMES
        if reached:
            reached_ids.add(link.melding_id)
        rows.append(
            ContactAttempt(
                melding_id=link.melding_id,
                kind=TASK_CONTACT.get(task.kind, "Overige"),
                reached=reached,
                at=at,
                day_part=ddas.day_part(timezone.localtime(at)),
                by_id=task.done_by_id,
                note=task.outcome_note,
                source_key=key,
            )
        )
    ContactAttempt.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if reached_ids:
        Melding.objects.filter(pk__in=reached_ids, status=MeldingStatus.OUTREACH).update(
            status=MeldingStatus.CONTACTED
        )
    created += len(rows)
    return created


def melding_task_outcome(*, link: MeldingTask, outcome: str, note: str = "", actor: Any = None):
    """Register a task's outcome from the melding page and record the attempt at once."""
    from vangnet.workspace.worklist import REACHED_OUTCOMES, task_complete

    task = task_complete(task=link.task, outcome=outcome, note=note, actor=actor)
    return contact_attempt_record(
        melding=link.melding,
        kind=TASK_CONTACT.get(task.kind, "Overige"),
        reached=outcome in REACHED_OUTCOMES,
        at=task.done_at,
        actor=actor,
        note=note,
        source_key=f"task:{task.pk}",
    )
