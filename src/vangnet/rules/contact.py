"""Quiet hours, the person's own contact window and contact-frequency caps.

Sources: DOMAIN.md "Communication" — vary times (evening visits, early calls) and let the
person choose the contact moment [practice]; KSVI / Wki good practice of not contacting at
unreasonable moments or too often [practice]. The hours and caps are policy, not law:
every value is configuration (:class:`ContactPolicy`), times are local Europe/Amsterdam.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from vangnet.rules.actions import CONTACT_ACTIONS, ActionType
from vangnet.rules.calendar_nl import LiberationDay, dutch_public_holidays
from vangnet.rules.decision import Decision, allow, block, combine

ALL_DAYS = frozenset(range(7))
_DAY_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


@dataclass(frozen=True)
class ContactPolicy:
    timezone: str = "Europe/Amsterdam"  # DOMAIN.md: Dutch local time
    # Messages and calls: not before 08:00 or from 21:00 on [practice; policy default].
    day_start: time = time(8, 0)
    day_end: time = time(21, 0)
    # Home visits: early mornings from 07:30 and evenings until 21:00 (DOMAIN.md
    # "vary times (evening visits, early calls)") [practice; policy default].
    visit_start: time = time(7, 30)
    visit_end: time = time(21, 0)
    quiet_weekdays: frozenset[int] = frozenset({6})  # Sunday (Monday = 0)
    quiet_on_public_holidays: bool = True
    liberation_day: LiberationDay = "every_year"  # see calendar_nl
    # Frequency caps per case, across channels [policy default].
    max_messages_per_day: int = 1
    max_messages_per_window: int = 3
    message_window: timedelta = timedelta(days=7)
    max_calls_per_day: int = 2
    max_visits_per_day: int = 1

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def window(self, action: ActionType) -> tuple[time, time]:
        if action is ActionType.VISIT_TASK:
            return self.visit_start, self.visit_end
        return self.day_start, self.day_end


DEFAULT_CONTACT_POLICY = ContactPolicy()


@dataclass(frozen=True)
class ContactWindow:
    """The person's preferred contact moment: ``start``–``end`` on ``weekdays``."""

    start: time
    end: time
    weekdays: frozenset[int] = field(default=ALL_DAYS)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a contact window must end after it starts (same day)")


@dataclass(frozen=True)
class ContactRecord:
    """An earlier (or already planned) contact action on the case."""

    at: datetime
    action: ActionType


def _local(at: datetime, policy: ContactPolicy) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("contact moments must be timezone-aware datetimes")
    return at.astimezone(policy.zone)


def _is_quiet_day(day: date, policy: ContactPolicy) -> str | None:
    if day.weekday() in policy.quiet_weekdays:
        return "sunday" if day.weekday() == 6 else "weekday"
    if policy.quiet_on_public_holidays and day in dutch_public_holidays(
        day.year, liberation_day=policy.liberation_day
    ):
        return "holiday"
    return None


def contact_moment_decision(
    action: ActionType | str,
    at: datetime,
    *,
    preferred: ContactWindow | None = None,
    policy: ContactPolicy = DEFAULT_CONTACT_POLICY,
) -> Decision:
    """Is ``at`` an acceptable moment to contact the person for ``action``?"""
    action = ActionType(action)
    if action not in CONTACT_ACTIONS:
        return allow(
            "not_a_contact_moment",
            "Voor deze stap gelden geen contacttijden.",
            "Quiet hours do not apply to this action.",
        )
    local = _local(at, policy)
    quiet = _is_quiet_day(local.date(), policy)
    if quiet == "sunday":
        return block(
            "quiet_day_sunday",
            "Op zondag nemen we geen contact op.",
            "No contact on Sundays.",
            local=local.isoformat(),
        )
    if quiet == "weekday":
        return block(
            "quiet_day",
            f"Op {_DAY_NL[local.weekday()]} nemen we geen contact op.",
            f"No contact on {local.strftime('%A')}s by policy.",
            local=local.isoformat(),
        )
    if quiet == "holiday":
        return block(
            "quiet_day_holiday",
            "Op een feestdag nemen we geen contact op.",
            "No contact on Dutch public holidays.",
            local=local.isoformat(),
        )
    start, end = policy.window(action)
    if not start <= local.time() < end:
        return block(
            "quiet_hours",
            f"Contact kan tussen {start:%H:%M} en {end:%H:%M} uur.",
            f"Outside contact hours ({start:%H:%M}–{end:%H:%M} local time).",
            local=local.isoformat(),
        )
    if preferred is not None and not (
        local.weekday() in preferred.weekdays and preferred.start <= local.time() < preferred.end
    ):
        return block(
            "outside_preferred_window",
            "De klant wil op een ander moment contact.",
            "Outside the contact moment the person chose.",
            local=local.isoformat(),
        )
    return allow(
        "contact_moment_ok",
        "Dit is een goed moment voor contact.",
        "The moment is inside contact hours.",
    )


def _max_in_window(times: Sequence[datetime], at: datetime, width: timedelta) -> int:
    """Largest number of moments (including ``at``) in any half-open window of ``width``
    that contains ``at`` — so a new moment never breaks a cap looking backward or forward."""
    near = sorted([t for t in times if abs(t - at) < width] + [at])
    best = 0
    for i, begin in enumerate(near):
        if begin > at or at >= begin + width:
            continue
        count = sum(1 for t in near[i:] if t < begin + width)
        best = max(best, count)
    return best


def frequency_decision(
    action: ActionType | str,
    at: datetime,
    history: Iterable[ContactRecord],
    *,
    policy: ContactPolicy = DEFAULT_CONTACT_POLICY,
) -> Decision:
    """Would one more ``action`` at ``at`` exceed a frequency cap?"""
    action = ActionType(action)
    if action not in CONTACT_ACTIONS:
        return allow("frequency_ok", "Binnen de grens.", "Within the frequency caps.")
    local = _local(at, policy)
    same = [_local(r.at, policy) for r in history if r.action is action]
    today = sum(1 for t in same if t.date() == local.date())
    day_cap = {
        ActionType.MESSAGE: policy.max_messages_per_day,
        ActionType.CALL_TASK: policy.max_calls_per_day,
        ActionType.VISIT_TASK: policy.max_visits_per_day,
    }[action]
    if today >= day_cap:
        code = {
            ActionType.MESSAGE: "frequency_day_cap",
            ActionType.CALL_TASK: "frequency_call_cap",
            ActionType.VISIT_TASK: "frequency_visit_cap",
        }[action]
        return block(
            code,
            "Vandaag is er al genoeg contact geweest. Probeer het morgen.",
            f"Daily cap of {day_cap} reached for {action.value}.",
            count_today=today,
        )
    if action is ActionType.MESSAGE:
        in_window = _max_in_window(same, local, policy.message_window)
        if in_window > policy.max_messages_per_window:
            return block(
                "frequency_week_cap",
                "Deze week zijn er al genoeg berichten gestuurd.",
                f"More than {policy.max_messages_per_window} messages within "
                f"{policy.message_window.days} days.",
                count_window=in_window - 1,
            )
    return allow("frequency_ok", "Binnen de grens.", "Within the frequency caps.")


def contact_decision(
    action: ActionType | str,
    at: datetime,
    *,
    history: Iterable[ContactRecord] = (),
    preferred: ContactWindow | None = None,
    policy: ContactPolicy = DEFAULT_CONTACT_POLICY,
) -> Decision:
    """Quiet hours, preferred window and frequency caps together."""
    return combine(
        [
            contact_moment_decision(action, at, preferred=preferred, policy=policy),
            frequency_decision(action, at, history, policy=policy),
        ],
        code="contact_allowed",
        nl="Contact kan op dit moment.",
        en="Contact is allowed at this moment.",
    )


def _day_interval(
    day: date, action: ActionType, preferred: ContactWindow | None, policy: ContactPolicy
) -> tuple[datetime, datetime] | None:
    if _is_quiet_day(day, policy):
        return None
    start, end = policy.window(action)
    if preferred is not None:
        if day.weekday() not in preferred.weekdays:
            return None
        start, end = max(start, preferred.start), min(end, preferred.end)
        if end <= start:
            return None
    zone = policy.zone
    return datetime.combine(day, start, zone), datetime.combine(day, end, zone)


def next_allowed_moment(
    action: ActionType | str,
    proposed: datetime,
    *,
    history: Sequence[ContactRecord] = (),
    preferred: ContactWindow | None = None,
    policy: ContactPolicy = DEFAULT_CONTACT_POLICY,
    horizon_days: int = 60,
) -> datetime | None:
    """The first moment at or after ``proposed`` at which :func:`contact_decision` allows
    ``action`` (so the engine postpones rather than drops); ``None`` within the horizon.
    """
    action = ActionType(action)
    local = _local(proposed, policy)
    if action not in CONTACT_ACTIONS:
        return proposed
    ends = [r.at + policy.message_window for r in history if r.action is action]
    for offset in range(horizon_days + 1):
        day = local.date() + timedelta(days=offset)
        interval = _day_interval(day, action, preferred, policy)
        if interval is None:
            continue
        lo, hi = interval
        candidates = [max(lo, local)] + [e for e in ends if lo <= e < hi and e >= local]
        for candidate in sorted(candidates):
            if candidate >= hi:
                continue
            decision = contact_decision(
                action, candidate, history=history, preferred=preferred, policy=policy
            )
            if decision.allowed:
                return candidate
    return None
