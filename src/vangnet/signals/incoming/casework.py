"""Case work on a melding: contact attempts, results, referral, closure.

Every change writes an audit event (object type ``melding``), so the melding's history is
the audit trail. Closing with a "not picked up" result queues the only feedback a
creditor may get: *that* it was not picked up.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from vangnet.core.errors import Invalid
from vangnet.core.services import audit_record
from vangnet.signals import ddas
from vangnet.signals.bundling import months_before
from vangnet.signals.incoming import conf
from vangnet.signals.incoming.constants import FeedbackEvent, MeldingStatus
from vangnet.signals.incoming.feedback import feedback_queue
from vangnet.signals.incoming.models import ContactAttempt, IncomingSignal, Melding

# Signal status (EnumSignaalstatus) for results that mean "not picked up".
RESULT_SIGNAL_STATUS = {code: ddas.RESULTS[code] for code in ddas.NOT_PICKED_UP_RESULTS}


def months_after(day: date, months: int) -> date:
    return months_before(day, -months)


def _audit(melding: Melding, action: str, summary: str, actor: Any, **details: Any) -> None:
    audit_record(
        action=f"signals_in.{action}",
        summary=summary,
        actor=actor,
        object_type="melding",
        object_id=melding.pk,
        details=details,
    )


def contact_attempt_record(
    *,
    melding: Melding,
    kind: str,
    reached: bool,
    at: datetime,
    actor: Any = None,
    note: str = "",
    source_key: str | None = None,
) -> tuple[ContactAttempt, bool]:
    """Record a DDAS Contactpoging (idempotent on ``source_key``); a reached resident
    moves the melding to ``contacted``."""
    if kind not in ddas.CONTACT_KINDS:
        raise Invalid("contact_kind", f"onbekende soort contact {kind!r}", f"unknown kind {kind!r}")
    if source_key:
        existing = ContactAttempt.objects.filter(source_key=source_key).first()
        if existing:
            return existing, False
    user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            attempt = ContactAttempt(
                melding=melding,
                kind=kind,
                reached=reached,
                at=at,
                by=user,
                note=note,
                source_key=source_key,
            )
            attempt.save()
            if reached:
                Melding.objects.filter(pk=melding.pk, status=MeldingStatus.OUTREACH).update(
                    status=MeldingStatus.CONTACTED
                )
            _audit(
                melding,
                "contact_attempt",
                f"{kind}: {'bereikt' if reached else 'niet bereikt'}",
                actor,
                attempt_id=attempt.pk,
            )
    except IntegrityError:
        return ContactAttempt.objects.get(source_key=source_key), False
    return attempt, True


@transaction.atomic
def melding_close(
    *, melding: Melding, result: str, on: date | None = None, actor: Any = None, note: str = ""
) -> Melding:
    """Close with a DDAS result; sets the retention date and cancels open tasks."""
    if result not in ddas.RESULTS:
        raise Invalid("result", f"onbekend resultaat {result!r}", f"unknown result {result!r}")
    on = on or timezone.localdate()
    melding = Melding.objects.select_for_update().get(pk=melding.pk)
    if melding.status == MeldingStatus.CLOSED:
        raise Invalid("closed", "deze melding is al afgesloten", "already closed")
    not_picked_up = result in ddas.NOT_PICKED_UP_RESULTS
    months = (
        conf.retention_months_not_picked_up() if not_picked_up else conf.retention_months_closed()
    )
    melding.status = MeldingStatus.CLOSED
    melding.result = result
    melding.closed_on = on
    melding.outreach_next_on = None
    melding.purge_after = months_after(on, months)
    melding.save(update_fields=["status", "result", "closed_on", "outreach_next_on", "purge_after"])
    signals = IncomingSignal.objects.filter(melding=melding)
    if not_picked_up:
        signals.exclude(status=ddas.RESULTS["repeated"]).update(status=RESULT_SIGNAL_STATUS[result])
        feedback_queue(
            signals=list(signals.only("pk", "partner_id", "external_id")),
            event=FeedbackEvent.NOT_PICKED_UP,
            on=on,
        )
    signals.update(purge_after=melding.purge_after)
    _cancel_tasks(melding, reason="Melding afgesloten", actor=actor)
    _audit(melding, "closed", ddas.RESULTS[result], actor, result=result, note=note)
    return melding


def _cancel_tasks(melding: Melding, *, reason: str, actor: Any) -> None:
    try:
        from vangnet.workspace.models import Task, TaskStatus
        from vangnet.workspace.worklist import task_cancel
    except ImportError:  # pragma: no cover - workspace always ships with vangnet
        return
    for task in Task.objects.filter(
        pk__in=melding.task_links.values("task_id"), status=TaskStatus.OPEN
    ):
        task_cancel(task=task, reason=reason, actor=actor)


@transaction.atomic
def melding_refer(*, melding: Melding, to: str, financial: bool, actor: Any = None) -> Melding:
    """Refer a reached resident (debt help, social work…) and close with the DDAS code."""
    melding = Melding.objects.select_for_update().get(pk=melding.pk)
    melding.referral = to[:200]
    melding.save(update_fields=["referral"])
    reached = melding.attempts.filter(reached=True).exists()
    if not reached:
        result = "referral_without_contact"
    else:
        result = "referral_financial" if financial else "referral_non_financial"
    return melding_close(melding=melding, result=result, actor=actor, note=to)


@transaction.atomic
def melding_help_answer(
    *, melding: Melding, accepted: bool, on: date | None = None, actor: Any = None
) -> Melding:
    """The resident accepts or declines help (resident page or staff).

    Accepting tells the creditors *that* help was accepted (they pause collection for 30
    days, DOMAIN.md); declining closes with "hoeft geen hulp".
    """
    on = on or timezone.localdate()
    melding = Melding.objects.select_for_update().get(pk=melding.pk)
    if melding.status == MeldingStatus.CLOSED:
        raise Invalid("closed", "deze melding is al afgesloten", "already closed")
    if not accepted:
        return melding_close(melding=melding, result="no_help_needed", on=on, actor=actor)
    if melding.help_accepted_on is None:
        melding.help_accepted_on = on
        if melding.status in (MeldingStatus.OUTREACH, MeldingStatus.BRP_CHECK):
            melding.status = MeldingStatus.CONTACTED
        melding.save(update_fields=["help_accepted_on", "status"])
        feedback_queue(
            signals=list(
                IncomingSignal.objects.filter(melding=melding).only(
                    "pk", "partner_id", "external_id"
                )
            ),
            event=FeedbackEvent.HELP_ACCEPTED,
            on=on,
        )
        _audit(melding, "help_accepted", "Hulp aanvaard", actor)
    return melding


@transaction.atomic
def melding_assign(
    *, melding: Melding, team: str = "", user: Any = None, actor: Any = None
) -> Melding:
    melding = Melding.objects.select_for_update().get(pk=melding.pk)
    melding.assigned_team = team[:100]
    melding.assigned_to = user
    melding.save(update_fields=["assigned_team", "assigned_to"])
    _audit(melding, "assigned", f"{team} {user or ''}".strip(), actor)
    return melding


def callback_request(
    *, melding: Melding, day: date, window: tuple[Any, Any], now: datetime | None = None
) -> Any:
    """The resident chose a moment on their page: a call-back task for that day part.

    The resident answered, so this is also a reached contact attempt ("Overige": the
    resident's own page is not one of the DDAS kinds).
    """
    from vangnet.signals.incoming.models import MeldingTask
    from vangnet.signals.incoming.outreach import KEY_PREFIX, _municipality_organisation
    from vangnet.workspace.models import TaskPriority
    from vangnet.workspace.worklist import task_create

    now = now or timezone.now()
    phone = (
        IncomingSignal.objects.filter(melding=melding)
        .exclude(phone="")
        .order_by("-received_at")
        .values_list("phone", flat=True)
        .first()
        or ""
    )
    organisation = _municipality_organisation()
    with transaction.atomic():
        task, created = task_create(
            kind="callback",
            idempotency_key=f"{KEY_PREFIX}m{melding.pk}:callback:{day.isoformat()}",
            title=f"Terugbellen vroegsignaal (melding {melding.pk})",
            due_on=day,
            organisation_id=organisation.pk if organisation else None,
            person_id=melding.person_id,
            priority=TaskPriority.HIGH,
            description="De inwoner koos zelf dit moment.",
            phone=phone,
            window_start=window[0],
            window_end=window[1],
        )
        if created:
            MeldingTask.objects.get_or_create(
                melding=melding, task=task, defaults={"step": "callback"}
            )
        contact_attempt_record(
            melding=melding,
            kind="Overige",
            reached=True,
            at=now,
            note="Inwoner koos een belmoment op de eigen pagina",
            source_key=f"resident:{melding.pk}:{day.isoformat()}",
        )
    return task
