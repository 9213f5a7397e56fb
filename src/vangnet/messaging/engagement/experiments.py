"""Experiments as services: create and stop, plan sends, record assignments, rewards.

The outbox engineer's entry points (names are the contract):

- :func:`plan_sends` — for many send requests at once: the template variant and the
  moment to send (already inside the send window), chosen by Thompson sampling where an
  experiment is active;
- :func:`assignment_record` — once the outbox rows exist, link each plan's arms to them;
- :func:`assignments_mark_sent` / :func:`assignments_cancel` — the real send moment, or
  "never sent" (a message that is not sent is no trial);
- :func:`reward_credit` — a response (click, portal visit) within the reward window;
- :func:`rewards_refresh` — payments as rewards, then everything whose window closed (or
  that was rewarded) counted into ``ArmStat`` in a few set-based statements.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Cast

import numpy as np

from vangnet.core.errors import Invalid
from vangnet.core.services import audit_record
from vangnet.messaging.engagement import bandit
from vangnet.messaging.engagement.conf import reward_hours
from vangnet.messaging.engagement.constants import ExperimentKind, RewardSource
from vangnet.messaging.engagement.models import ArmStat, Assignment, Experiment
from vangnet.rules.send_window import (
    DEFAULT_SEND_WINDOW,
    SendWindowPolicy,
    Window,
    day_intervals,
    next_allowed_many,
)
from vangnet.strategy import bulk

ZONE = ZoneInfo("Europe/Amsterdam")
_CHUNK = 5000


# -- experiments ---------------------------------------------------------------------------


def _clean_arms(kind: str, arms: Sequence[str]) -> list[str]:
    out = [str(a).strip() for a in arms]
    if len(out) < 2 or len(set(out)) != len(out) or not all(out):
        raise Invalid(
            "experiment_arms",
            "Een experiment heeft minstens twee verschillende armen nodig.",
            "An experiment needs at least two distinct, non-empty arms.",
        )
    if any(len(a) > 32 for a in out):
        raise Invalid(
            "experiment_arms", "Een arm mag hooguit 32 tekens lang zijn.", "Arm longer than 32."
        )
    if kind == ExperimentKind.SEND_HOUR and not all(a.isdigit() and 0 <= int(a) <= 23 for a in out):
        raise Invalid(
            "experiment_hours",
            "Verzenduren zijn hele uren van 0 tot en met 23.",
            "Send-hour arms are whole hours 0..23.",
        )
    return out


@transaction.atomic
def experiment_create(
    *,
    organisation_id: int,
    kind: str,
    arms: Sequence[str],
    now: datetime,
    segment: str = "",
    template_code: str = "",
    channel: str = "",
    exploration_share: float = 0.1,
    name: str = "",
    actor=None,
) -> Experiment:
    """A new active experiment with a zero tally per arm.

    An active experiment for the same organisation, kind, segment, template and channel
    must be stopped first (the constraint would refuse it; this says so in Dutch).
    """
    if kind not in ExperimentKind.values:
        raise Invalid(
            "experiment_kind", f"Onbekende soort experiment: {kind}.", f"Unknown kind {kind!r}."
        )
    if not 0.0 <= exploration_share <= 1.0:
        raise Invalid(
            "experiment_exploration",
            "Het willekeurige deel ligt tussen 0 en 1.",
            "The exploration share must be between 0 and 1.",
        )
    clean = _clean_arms(kind, arms)
    clash = Experiment.objects.filter(
        organisation_id=organisation_id,
        kind=kind,
        segment=segment,
        template_code=template_code,
        channel=channel,
        active=True,
    )
    if clash.exists():
        raise Invalid(
            "experiment_active",
            "Er loopt al zo'n experiment. Stop dat eerst.",
            "An active experiment with the same scope exists; stop it first.",
        )
    experiment = Experiment.objects.create(
        organisation_id=organisation_id,
        kind=kind,
        arms=clean,
        segment=segment,
        template_code=template_code,
        channel=channel,
        exploration_share=exploration_share,
        name=name,
        started_at=now,
    )
    ArmStat.objects.bulk_create([ArmStat(experiment=experiment, arm=a) for a in clean])
    audit_record(
        action="experiment_create",
        summary=f"Experiment {experiment.pk} ({kind}) gestart met armen {', '.join(clean)}",
        actor=actor,
        object_type="messaging_engagement.experiment",
        object_id=experiment.pk,
        details={"organisation": organisation_id, "segment": segment, "template": template_code},
    )
    return experiment


@transaction.atomic
def experiment_stop(*, experiment_id: int, now: datetime, actor=None) -> Experiment:
    experiment = Experiment.objects.select_for_update().get(pk=experiment_id)
    if experiment.active:
        experiment.active = False
        experiment.stopped_at = now
        experiment.save(update_fields=["active", "stopped_at"])
        audit_record(
            action="experiment_stop",
            summary=f"Experiment {experiment.pk} gestopt",
            actor=actor,
            object_type="messaging_engagement.experiment",
            object_id=experiment.pk,
        )
    return experiment


# -- planning ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SendRequest:
    """One message the caller wants to send; ``earliest`` is timezone-aware.

    Pass the start of the run day as ``earliest`` to let every send-hour arm fall on the
    same day; a later ``earliest`` moves arms before it to the next day.
    """

    case_id: int | None
    person_id: int | None = None
    segment: str = ""
    channel: str
    template_code: str
    variants: Sequence[str] = ()
    earliest: datetime
    window: tuple[time, time] | None = None


class SendPlan(NamedTuple):
    """The answer for one request (same order as the requests).

    A named tuple rather than a frozen dataclass: just as immutable, and built five
    times faster, which is most of ``plan_sends``'s time at 100,000 requests.
    """

    case_id: int | None
    person_id: int | None
    channel: str
    template_code: str
    variant: str
    send_at: datetime
    reason: str  # send-window reason code (``rules.send_window.REASONS``)
    hour: int | None  # the send-hour arm, when a send-hour experiment chose it
    arms: tuple[tuple[int, str], ...]  # (experiment id, arm) to record as assignments

    @property
    def experiment_ids(self) -> tuple[int, ...]:
        return tuple(e for e, _a in self.arms)


@dataclass
class _Exp:
    id: int
    kind: str
    arms: list[str]
    exploration: float
    successes: np.ndarray
    trials: np.ndarray


def _active_experiments(organisation_id: int) -> dict[tuple[str, str, str, str], _Exp]:
    rows = list(
        Experiment.objects.filter(organisation_id=organisation_id, active=True).values_list(
            "id", "kind", "segment", "template_code", "channel", "arms", "exploration_share"
        )
    )
    stats: dict[tuple[int, str], tuple[int, int]] = {
        (e, a): (s, t)
        for e, a, s, t in ArmStat.objects.filter(
            experiment_id__in=[r[0] for r in rows]
        ).values_list("experiment_id", "arm", "successes", "trials")
    }
    out = {}
    for eid, kind, segment, template, channel, arms, share in rows:
        arms = [str(a) for a in arms]
        tally = [stats.get((eid, a), (0, 0)) for a in arms]
        out[(kind, segment, template, channel)] = _Exp(
            eid,
            kind,
            arms,
            float(share),
            np.array([t[0] for t in tally], dtype=float),
            np.array([t[1] for t in tally], dtype=float),
        )
    return out


def _match(
    experiments: dict[tuple[str, str, str, str], _Exp],
    kind: str,
    segment: str,
    template: str,
    channel: str,
) -> _Exp | None:
    """The most specific active experiment: template, then segment, then channel."""
    for t in (template, ""):
        for s in (segment, ""):
            for c in (channel, ""):
                found = experiments.get((kind, s, t, c))
                if found is not None:
                    return found
    return None


def _hour_allowed(channel: str, window: Window | None, hours: list[int], policy) -> np.ndarray:
    intervals, _ignored = day_intervals(channel, window, policy)
    return np.array([any(s <= h * 60 < e for s, e in intervals) for h in hours], dtype=bool)


def plan_sends(
    *,
    organisation_id: int,
    requests: Sequence[SendRequest],
    now: datetime,
    rng: np.random.Generator | None = None,
    policy: SendWindowPolicy = DEFAULT_SEND_WINDOW,
) -> list[SendPlan]:
    """Variant and send moment for every request, in request order.

    Reads the active experiments and their tallies once (two queries), groups the
    requests per experiment and lets :func:`bandit.choose` decide a whole group in one
    numpy call. Without a variant experiment the first offered variant is used (``""``
    when none); without a send-hour experiment the message goes at ``earliest`` or the
    first allowed moment after it. ``now`` is not used for the choice; a request whose
    ``earliest`` lies before ``now`` is planned from ``now``.
    """
    rng = rng if rng is not None else np.random.default_rng()
    n = len(requests)
    experiments = _active_experiments(organisation_id)
    variant = [r.variants[0] if r.variants else "" for r in requests]
    hour: list[int | None] = [None] * n
    chosen: list[list[tuple[int, str]]] = [[] for _ in range(n)]

    # 1. Which experiment each request falls under (memoised: few distinct keys).
    by_exp: dict[int, list[int]] = defaultdict(list)
    exp_of: dict[int, _Exp] = {}
    memo: dict[tuple[str, str, str], tuple[_Exp | None, _Exp | None]] = {}
    kinds = (ExperimentKind.VARIANT.value, ExperimentKind.SEND_HOUR.value)
    for i, r in enumerate(requests):
        key = (r.segment, r.template_code, r.channel)
        found = memo.get(key)
        if found is None:
            found = memo[key] = tuple(_match(experiments, kind, *key) for kind in kinds)
        for exp in found:
            if exp is not None:
                by_exp[exp.id].append(i)
                exp_of[exp.id] = exp

    # 2. Choose per experiment, in id order so a seeded rng gives the same plans. The
    # allowed-arms mask is built per distinct offer (variants, or channel + window) and
    # spread over the rows with one fancy index.
    for eid in sorted(by_exp):
        exp, rows = exp_of[eid], by_exp[eid]
        is_variant = exp.kind == ExperimentKind.VARIANT
        hours = None if is_variant else [int(a) for a in exp.arms]
        mask_index: dict[object, int] = {}
        masks: list[np.ndarray] = []
        which = np.empty(len(rows), dtype=np.int64)
        for j, i in enumerate(rows):
            r = requests[i]
            key = tuple(r.variants) if is_variant else (r.channel, r.window)
            m = mask_index.get(key)
            if m is None:
                m = mask_index[key] = len(masks)
                if is_variant:
                    masks.append(np.array([a in key for a in exp.arms], dtype=bool))
                else:
                    masks.append(_hour_allowed(r.channel, r.window, hours, policy))
            which[j] = m
        allowed = np.stack(masks)[which]
        usable = allowed.any(axis=1)
        if not usable.any():
            continue
        idx = np.flatnonzero(usable)
        picks = bandit.choose(
            exp.successes,
            exp.trials,
            n=len(idx),
            rng=rng,
            exploration=exp.exploration,
            allowed=allowed[idx],
        )
        arm_values: list[str | int] = list(exp.arms) if is_variant else hours
        target = variant if is_variant else hour
        for j, arm_index in zip(idx.tolist(), picks.tolist(), strict=True):
            i = rows[j]
            chosen[i].append((eid, exp.arms[arm_index]))
            target[i] = arm_values[arm_index]

    # 3. The moment: the chosen hour on the first day it can be, then the send window.
    desired: list[datetime] = []
    moments: dict[tuple[datetime, int], datetime] = {}
    zone = policy.zone
    for i, r in enumerate(requests):
        if r.earliest.tzinfo is None:
            raise ValueError(f"request {i}: earliest must be timezone-aware")
        start = r.earliest if r.earliest >= now else now
        h = hour[i]
        if h is None:
            desired.append(start)
            continue
        at = moments.get((start, h))
        if at is None:
            local = start.astimezone(zone)
            at = local.replace(hour=h, minute=0, second=0, microsecond=0)
            if at < local:
                at = datetime.combine(local.date() + timedelta(days=1), time(h), zone)
            moments[(start, h)] = at
        desired.append(at)
    slots = next_allowed_many(
        channels=[r.channel for r in requests],
        desired=desired,
        windows=[r.window for r in requests],
        policy=policy,
    )
    return [
        SendPlan(
            r.case_id,
            r.person_id,
            r.channel,
            r.template_code,
            variant[i],
            slots[i].at,
            slots[i].code,
            hour[i],
            tuple(chosen[i]),
        )
        for i, r in enumerate(requests)
    ]


# -- assignments ---------------------------------------------------------------------------


_ASSIGNMENT_COLUMNS = [
    "experiment",
    "arm",
    "outbox_message_id",
    "action_id",
    "case_id",
    "assigned_at",
    "send_at",
    "rewarded",
    "reward_source",
]


def assignment_record(
    *,
    plans: Sequence[SendPlan],
    now: datetime,
    outbox_message_ids: Sequence[int | None] | None = None,
    action_ids: Sequence[int | None] | None = None,
) -> int:
    """Store one ``Assignment`` per (plan, experiment arm), linked to the outbox row
    and/or action made for that plan (``outbox_message_ids[i]`` belongs to
    ``plans[i]``). Plans without experiments write nothing. Returns rows written.

    Rows go in with COPY (PostgreSQL) or one executemany (SQLite), not ``bulk_create``:
    its per-value preparation made 200,000 rows take 50 s; now they take a few.
    """
    for name, ids in (("outbox_message_ids", outbox_message_ids), ("action_ids", action_ids)):
        if ids is not None and len(ids) != len(plans):
            raise ValueError(f"{name} must have one entry per plan")
    outbox = outbox_message_ids if outbox_message_ids is not None else [None] * len(plans)
    actions = action_ids if action_ids is not None else [None] * len(plans)
    adapted: dict[datetime, object] = {}  # adapt each distinct moment once

    def value(moment: datetime) -> object:
        if moment not in adapted:
            adapted[moment] = bulk.datetime_value(moment)
        return adapted[moment]

    assigned = value(now)
    rows = [
        (eid, arm, outbox[i], actions[i], plan.case_id, assigned, value(plan.send_at), False, "")
        for i, plan in enumerate(plans)
        for eid, arm in plan.arms
    ]
    with transaction.atomic():
        for start in range(0, len(rows), _CHUNK):
            bulk.insert_strict(Assignment, _ASSIGNMENT_COLUMNS, rows[start : start + _CHUNK])
    return len(rows)


def _link_filter(
    outbox_message_ids: Iterable[int] = (),
    action_ids: Iterable[int] = (),
    case_ids: Iterable[int] = (),
) -> Q:
    q = Q(pk__in=[])
    for field, ids in (
        ("outbox_message_id", outbox_message_ids),
        ("action_id", action_ids),
        ("case_id", case_ids),
    ):
        ids = [int(i) for i in ids if i is not None]
        if ids:
            q |= Q(**{f"{field}__in": ids})
    return q


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def assignments_mark_sent(
    *, sent_at: datetime, outbox_message_ids: Sequence[int] = (), action_ids: Sequence[int] = ()
) -> int:
    """The outbox sent these messages at ``sent_at``: the reward window starts there."""
    done = 0
    for chunk in _chunks(outbox_message_ids):
        done += Assignment.objects.filter(outbox_message_id__in=chunk).update(sent_at=sent_at)
    for chunk in _chunks(action_ids):
        done += Assignment.objects.filter(action_id__in=chunk).update(sent_at=sent_at)
    return done


def assignments_cancel(
    *, outbox_message_ids: Sequence[int] = (), action_ids: Sequence[int] = ()
) -> int:
    """These messages will never be sent (case paid, paused …): not a trial, so their
    uncounted assignments are removed rather than counted as failures."""
    done = 0
    for field, ids in (("outbox_message_id", outbox_message_ids), ("action_id", action_ids)):
        for chunk in _chunks(ids):
            done += Assignment.objects.filter(
                **{f"{field}__in": chunk}, counted_batch__isnull=True
            ).delete()[0]
    return done


def _window_open(at: datetime) -> Q:
    """Assignments sent (or, unknown, planned) in the reward window ending at ``at``."""
    lo = at - timedelta(hours=reward_hours())
    return Q(sent_at__isnull=False, sent_at__lte=at, sent_at__gte=lo) | Q(
        sent_at__isnull=True, send_at__lte=at, send_at__gte=lo
    )


def reward_credit(
    *,
    at: datetime,
    source: str,
    outbox_message_ids: Sequence[int] = (),
    action_ids: Sequence[int] = (),
    case_ids: Sequence[int] = (),
) -> int:
    """A response at ``at``: reward the matching uncounted assignments sent within the
    reward window before it (a click on a link in message X rewards X's assignments; a
    portal visit rewards the case's). Idempotent: the first response wins."""
    if source not in RewardSource.values:
        raise ValueError(f"unknown reward source {source!r}")
    done = 0
    for field, ids in (
        ("outbox_message_ids", outbox_message_ids),
        ("action_ids", action_ids),
        ("case_ids", case_ids),
    ):
        for chunk in _chunks([i for i in ids if i is not None]):
            done += (
                Assignment.objects.filter(_link_filter(**{field: chunk}))
                .filter(_window_open(at), counted_batch__isnull=True, rewarded=False)
                .update(rewarded=True, reward_at=at, reward_source=source)
            )
    return done


def _payment_rewards(now: datetime) -> int:
    """Reward uncounted assignments whose case's account got a payment booked from the
    send day up to the day the window closes (``Payment.booked_on`` is a date, so the
    window is rounded to whole local days). Direct debits and reversed payments are not
    a response. One UPDATE … WHERE EXISTS; the case → account step reads
    ``strategy_case``."""
    from vangnet.ledger.constants import PaymentSource
    from vangnet.ledger.models import Payment
    from vangnet.strategy.models import Case

    qn = connection.ops.quote_name
    a = qn(Assignment._meta.db_table)
    c = qn(Case._meta.db_table)
    p = qn(Payment._meta.db_table)
    hours = reward_hours()
    if connection.vendor == "postgresql":
        start = "COALESCE(a.sent_at, a.send_at)"
        send_day = f"CAST(({start}) AT TIME ZONE 'Europe/Amsterdam' AS date)"
        end_day = (
            f"CAST(({start} + %s * INTERVAL '1 hour') AT TIME ZONE 'Europe/Amsterdam' AS date)"
        )
        sql = (
            f"UPDATE {a} AS a SET rewarded = TRUE, reward_at = %s, reward_source = %s"
            f" WHERE a.counted_batch IS NULL AND a.rewarded = FALSE AND a.case_id IS NOT NULL"
            f" AND {start} <= %s AND EXISTS (SELECT 1 FROM {c} c JOIN {p} p"
            f"  ON p.account_id = c.account_id WHERE c.id = a.case_id"
            f"  AND p.reversed_on IS NULL AND p.{qn('source')} <> %s"
            f"  AND p.booked_on >= {send_day} AND p.booked_on <= {end_day})"
        )
        params = [now, RewardSource.PAYMENT.value, now, PaymentSource.DIRECT_DEBIT.value, hours]
    else:
        # SQLite stores UTC text; shift by Amsterdam's current offset (±1 h around DST).
        offset = int(now.astimezone(ZONE).utcoffset().total_seconds() // 3600)
        start = f"COALESCE({a}.sent_at, {a}.send_at)"
        send_day = f"date({start}, '{offset:+d} hours')"
        end_day = f"date({start}, '{offset + hours:+d} hours')"
        sql = (
            f"UPDATE {a} SET rewarded = 1, reward_at = %s, reward_source = %s"
            f" WHERE counted_batch IS NULL AND rewarded = 0 AND case_id IS NOT NULL"
            f" AND {start} <= %s AND EXISTS (SELECT 1 FROM {c} c JOIN {p} p"
            f"  ON p.account_id = c.account_id WHERE c.id = {a}.case_id"
            f"  AND p.reversed_on IS NULL AND p.{qn('source')} <> %s"
            f"  AND p.booked_on >= {send_day} AND p.booked_on <= {end_day})"
        )
        now_db = connection.ops.adapt_datetimefield_value(now)
        params = [now_db, RewardSource.PAYMENT.value, now_db, PaymentSource.DIRECT_DEBIT.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@dataclass(frozen=True)
class RefreshResult:
    paid: int  # assignments rewarded by a payment in this refresh
    counted: int  # assignments counted into the tallies
    successes: int  # of which rewarded


@transaction.atomic
def rewards_refresh(*, now: datetime) -> RefreshResult:
    """Count closed assignments into ``ArmStat``: set-based, safe to re-run.

    1. payments as rewards (one UPDATE … EXISTS);
    2. claim every uncounted assignment that was rewarded, or whose reward window ended,
       with a fresh batch number (one UPDATE) — a concurrent refresh claims other rows;
    3. one GROUP BY over the claimed rows gives (experiment, arm, trials, successes);
    4. the few tallies are locked and incremented (one UPDATE per arm, not per row).
    """
    paid = _payment_rewards(now)
    batch = secrets.randbits(62)
    cutoff = now - timedelta(hours=reward_hours())
    claimed = (
        Assignment.objects.filter(counted_batch__isnull=True)
        .filter(
            Q(rewarded=True)
            | Q(sent_at__isnull=False, sent_at__lte=cutoff)
            | Q(sent_at__isnull=True, send_at__lte=cutoff)
        )
        .update(counted_batch=batch)
    )
    if not claimed:
        return RefreshResult(paid, 0, 0)
    groups = list(
        Assignment.objects.filter(counted_batch=batch)
        .values("experiment_id", "arm")
        .annotate(
            n=Count("id"),
            s=Sum(Cast("rewarded", output_field=IntegerField())),
        )
        .order_by("experiment_id", "arm")
    )
    experiment_ids = sorted({g["experiment_id"] for g in groups})
    existing = {
        (e, a)
        for e, a in ArmStat.objects.select_for_update()
        .filter(experiment_id__in=experiment_ids)
        .values_list("experiment_id", "arm")
    }
    missing = [
        ArmStat(experiment_id=g["experiment_id"], arm=g["arm"])
        for g in groups
        if (g["experiment_id"], g["arm"]) not in existing
    ]
    ArmStat.objects.bulk_create(missing, ignore_conflicts=True)
    successes = 0
    for g in groups:
        s = int(g["s"] or 0)
        successes += s
        ArmStat.objects.filter(experiment_id=g["experiment_id"], arm=g["arm"]).update(
            trials=F("trials") + g["n"], successes=F("successes") + s, updated_at=now
        )
    return RefreshResult(paid, claimed, successes)
