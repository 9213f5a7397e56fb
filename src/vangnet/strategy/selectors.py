"""Reads for the staff pages: one account's dossier (case, why, next step, timeline).

A fixed number of queries whatever the length of the history (case, events, actions,
segments, next step), so the account page stays fast for a case with years of actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from vangnet.core.money import format_euro
from vangnet.strategy.constants import ActionChannel, ActionStatus, ActionType, CaseStatus
from vangnet.strategy.models import Action, Case, CaseEvent, JourneyStep, Segment

TIMELINE_CAP = 200

BAND_NL: dict[str, Any] = {
    "low": _("laag risico"),
    "medium": _("gemiddeld risico"),
    "high": _("hoog risico"),
}
CHANNEL_WHY_NL: dict[str, Any] = {
    "fixed": _("vast kanaal voor deze stap"),
    "step": _("kanaal uit de klantreis"),
    "preferred": _("voorkeur van de klant"),
    "default": _("eerste bereikbare kanaal"),
    "fallback": _("het kanaal van de stap bereikt de klant niet"),
    "unreachable": _("niet bereikbaar"),
}


@dataclass
class TimelineEntry:
    """One line of the timeline: a state change (event) or a decided action."""

    on: date
    at: datetime | None
    kind: str  # "event" | "action"
    title: str
    text: str = ""
    status: str = ""
    status_label: str = ""
    reason_code: str = ""
    reason: str = ""
    amount: str = ""
    segment: str = ""
    score: str = ""
    step: str = ""
    channel_why: str = ""
    checks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Dossier:
    case: Case
    status_label: str
    segment_name: str
    score_percent: int | None
    band_label: str
    factors: list[str]
    next_step: str
    next_step_why: str
    timeline: list[TimelineEntry]
    timeline_capped: bool


def _checks(guardrails: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for check in guardrails.get("checks", []):
        if isinstance(check, str):
            out.append({"code": check, "allowed": True, "nl": ""})
        else:
            out.append({"code": check.get("code", ""), "allowed": False, "nl": check.get("nl", "")})
    return out


def _action_entry(action: Action, segments: dict[str, str]) -> TimelineEntry:
    expl = action.explanation or {}
    guard = expl.get("guardrails") or {}
    step = expl.get("step") or {}
    score = expl.get("score") or {}
    segment = (expl.get("segment") or {}).get("code", "")  # name: from Segment
    channel = dict(ActionChannel.choices).get(action.channel, action.channel)
    title = f"{ActionType(action.action_type).label}" + (f" ({channel})" if channel else "")
    probability = score.get("probability")
    score_text = ""
    if probability is not None:
        band = BAND_NL.get(score.get("band", ""), score.get("band", ""))
        score_text = f"{round(probability * 100)}% ({band})"
    step_text = ""
    if step:
        step_text = f"{step.get('journey', '')} stap {step.get('position', '')}"
        name = action.step.name if action.step_id else ""
        if name:
            step_text += f": {name}"
        if step.get("day") is not None:
            step_text += f" (dag {step['day']})"
    reason = guard.get("nl", "")
    if "postponed" in expl:
        reason = f"{_('Verschoven naar een toegestaan moment')}. {reason}"
    return TimelineEntry(
        on=action.run_date,
        at=action.scheduled_for,
        kind="action",
        title=title,
        text=action.template,
        status=action.status,
        status_label=str(ActionStatus(action.status).label),
        reason_code=action.reason_code,
        reason=reason,
        amount=format_euro(action.amount_cents) if action.amount_cents else "",
        segment=segments.get(segment, segment),
        score=score_text,
        step=step_text,
        channel_why=str(CHANNEL_WHY_NL.get((expl.get("channel") or {}).get("why", ""), "")),
        checks=_checks(guard),
    )


def dossier_for_account(*, account_id: int, today: date) -> Dossier | None:
    """The account's current (or latest) case with its timeline, or None without one."""
    cases = Case.objects.filter(account_id=account_id).select_related("journey")
    case = (
        cases.exclude(status=CaseStatus.CLOSED).first()
        or cases.order_by("-opened_on", "-pk").first()
    )
    if case is None:
        return None
    segments = dict(Segment.objects.values_list("code", "name_nl"))
    entries: list[TimelineEntry] = []
    events = list(CaseEvent.objects.filter(case=case).order_by("-on", "-at", "-pk")[:TIMELINE_CAP])
    actions = list(
        Action.objects.filter(case=case)
        .select_related("step")
        .order_by("-run_date", "-pk")[:TIMELINE_CAP]
    )
    for event in events:
        entries.append(
            TimelineEntry(
                on=event.on,
                at=event.at,
                kind="event",
                title=str(event.get_kind_display()),
                text=event.text,
                reason_code=event.cause,
            )
        )
    entries.extend(_action_entry(a, segments) for a in actions)
    entries.sort(key=lambda e: (e.on, e.kind == "action"), reverse=True)
    factors = [f.get("nl", "") for f in (case.score_factors or []) if isinstance(f, dict)]
    next_step, why = _next_step(case, segments)
    return Dossier(
        case=case,
        status_label=str(case.get_status_display()),
        segment_name=segments.get(case.segment, case.segment),
        score_percent=None if case.score is None else round(case.score * 100),
        band_label=str(BAND_NL.get(case.score_band, case.score_band)),
        factors=factors,
        next_step=next_step,
        next_step_why=why,
        timeline=entries[:TIMELINE_CAP],
        timeline_capped=len(events) == TIMELINE_CAP or len(actions) == TIMELINE_CAP,
    )


def _next_step(case: Case, segments: dict[str, str]) -> tuple[str, str]:
    if case.status == CaseStatus.CLOSED:
        return "", str(_("Het dossier is gesloten."))
    if case.status == CaseStatus.PAUSED:
        until = f" tot {case.paused_until:%d-%m-%Y}" if case.paused_until else ""
        return "", f"{_('Gepauzeerd')}{until}: {case.pause_cause}."
    if case.journey_id is None:
        return "", str(_("Geen klantreis gekoppeld."))
    step = (
        JourneyStep.objects.filter(
            journey_id=case.journey_id, position__gt=case.step_position, day_offset__isnull=False
        )
        .order_by("position")
        .first()
    )
    if step is None:
        return "", str(_("Alle stappen van de klantreis zijn gezet."))
    label = ActionType(step.action_type).label
    when = f" op {case.next_step_on:%d-%m-%Y}" if case.next_step_on else ""
    title = f"{step.name or label}{when}"
    why = f"{case.journey.name}, stap {step.position} (dag {step.day_offset})"
    if step.segments:
        names = ", ".join(segments.get(s, s) for s in step.segments)
        why += f"; alleen voor: {names}"
        if case.segment not in step.segments:
            why += f" — dit dossier ({segments.get(case.segment, case.segment)}) slaat deze over"
    return title, why
