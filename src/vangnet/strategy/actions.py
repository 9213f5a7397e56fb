"""Turning a chosen step into an action: channel, moment, amount, explanation.

Channel ("best" or a fixed one) is chosen from what the person can be reached by and
prefers; the moment is the creditor's send hour or the person's own contact window; the
explanation stores everything a member of staff or an auditor needs to see *why*:
segment, score with its top factors, the step, skipped steps, the features, the channel
choice and every guardrail decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from vangnet.strategy import bulk
from vangnet.strategy.constants import (
    BEST_CHANNEL,
    EFFECTIVE_STATUSES,
    FIXED_CHANNEL,
    ActionChannel,
    ActionType,
)
from vangnet.strategy.guardrails import HistoryItem
from vangnet.strategy.models import Action
from vangnet.strategy.sqlbits import id_batches, in_list

ZONE = ZoneInfo("Europe/Amsterdam")
DEFAULT_ORDER = (ActionChannel.EMAIL.value, ActionChannel.SMS.value, ActionChannel.LETTER.value)
DIGITAL = {ActionChannel.EMAIL.value, ActionChannel.SMS.value, ActionChannel.WHATSAPP.value}

ACTION_COLUMNS = (
    "organisation",
    "case",
    "step",
    "action_type",
    "channel",
    "template",
    "run_date",
    "scheduled_for",
    "status",
    "amount_cents",
    "reason_code",
    "explanation",
    "idempotency_key",
    "created_at",
)


def reach_of(
    *, email: bool, mobile: bool, landline: bool, refused: bool, address: bool
) -> dict[str, bool]:
    """Which channels can reach the person (digital needs no refusal of digital contact)."""
    return {
        ActionChannel.EMAIL.value: bool(email and not refused),
        ActionChannel.SMS.value: bool(mobile and not refused),
        ActionChannel.WHATSAPP.value: bool(mobile and not refused),
        ActionChannel.LETTER.value: True,
        ActionChannel.PHONE.value: bool(mobile or landline),
        ActionChannel.VISIT.value: bool(address),
    }


def channel_choose(
    *, action_type: str, step_channel: str, reach: Mapping[str, bool], preferred: Sequence[str]
) -> tuple[str, str]:
    """``(channel, why)``; ``why`` is a short code stored in the explanation.

    ``why`` = ``fixed`` (the type decides), ``step`` (the journey says), ``preferred``
    (the person's own preference), ``default`` (first reachable of e-mail, SMS, letter),
    ``fallback`` (the step's channel cannot reach the person) or ``unreachable``.
    """
    fixed = FIXED_CHANNEL.get(action_type)
    if fixed is not None:
        if fixed in reach and not reach[fixed]:
            return fixed, "unreachable"
        return fixed, "fixed"
    fallback = False
    if step_channel and step_channel != BEST_CHANNEL:
        if reach.get(step_channel, True):
            return step_channel, "step"
        fallback = True
    for channel in preferred:
        if channel in DIGITAL | {ActionChannel.LETTER.value} and reach.get(channel):
            return channel, "fallback" if fallback else "preferred"
    for channel in DEFAULT_ORDER:
        if reach.get(channel):
            return channel, "fallback" if fallback else "default"
    return ActionChannel.LETTER.value, "fallback" if fallback else "default"


def moment_for(
    run_date: date, *, send_hour: int, window: tuple[time | None, time | None] | None
) -> datetime:
    """When to plan a contact: the person's window start if they chose one, else the send hour."""
    start = window[0] if window else None
    end = window[1] if window else None
    if start is not None and (end is None or end > start):
        return datetime.combine(run_date, start, ZONE)
    return datetime.combine(run_date, time(send_hour, 0), ZONE)


def history_for(case_ids: Iterable[int]) -> dict[int, list[HistoryItem]]:
    """Earlier effective actions per case (planned, sent, done), as ``HistoryItem``.

    Letters carry the principal they named (from the explanation), which decides the
    costs later (DOMAIN.md: costs on the unpaid part only).
    """
    out: dict[int, list[HistoryItem]] = {}
    letter = ActionType.FOURTEEN_DAY_LETTER.value
    statuses = ", ".join(f"'{s}'" for s in EFFECTIVE_STATUSES)
    for batch in id_batches(case_ids):
        if not batch:
            continue
        cond, params = in_list(batch)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT case_id, action_type, channel, template, scheduled_for, amount_cents,"
                f" CASE WHEN action_type = %s THEN explanation END"
                f" FROM {bulk.table(Action)} WHERE case_id {cond} AND status IN ({statuses})"
                f" ORDER BY case_id, scheduled_for, id",
                [letter, *params],
            )
            for case_id, kind, channel, template, at, amount, expl in cursor.fetchall():
                at = _aware(at)
                principal = None
                if expl is not None:
                    data = bulk_json(expl)
                    principal = (data.get("letter") or {}).get("principal_cents")
                out.setdefault(case_id, []).append(
                    HistoryItem(
                        action_type=kind,
                        channel=channel,
                        template=template,
                        on=at.astimezone(ZONE).date(),
                        at=at,
                        amount_cents=amount,
                        principal_cents=principal,
                    )
                )
    return out


def bulk_json(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str) else value


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value
