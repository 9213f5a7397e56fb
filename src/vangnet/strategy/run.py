"""The daily run: positions → close cases → features (incl. cases to open) → holds →
scores → segments → steps → guardrails → write. Set-based and idempotent per phase.

Why it is safe to kill at any moment and run again:

- positions, closing and holds are SQL statements in one transaction each, keyed so
  that a repeat inserts nothing (``ON CONFLICT DO NOTHING`` on event keys) and updates
  only what still needs it;
- features, scores, segments, steps and guardrails are computed in memory from the
  database as it is, deterministically (cases in id order, memoised rule decisions);
- the write phase commits one chunk at a time: the cases it opens (with their final
  segment, score and first step), their actions (unique ``idempotency_key`` =
  case:step:date), the changed rows of existing cases (``last_step_on = today``) and the
  timeline events, together. A re-run sees the cases a committed chunk opened as
  existing and skips cases whose ``last_step_on`` is today, so nothing committed is
  planned again and what was not committed is planned exactly as the first attempt
  would have.

``VANGNET_RUN_KILL_AT`` (tests only) makes the process SIGKILL itself at a point:
``cases``, ``features``, ``holds``, ``guardrails`` or ``write:N`` (after N chunks).
"""

from __future__ import annotations

import os
import signal
import time as _time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from vangnet.ledger.models import Invoice
from vangnet.parties.models import Organisation
from vangnet.rules.contact import ContactWindow
from vangnet.strategy import bulk
from vangnet.strategy.actions import (
    ACTION_COLUMNS,
    channel_choose,
    history_for,
    moment_for,
    reach_of,
)
from vangnet.strategy.cases import (
    _EVENT_COLUMNS,
    HOLD_TEXT_NL,
    POS_TABLE,
    TEXT_OPENED,
    TEXT_PAUSED,
    cases_close,
    holds_apply,
    positions_prepare,
)
from vangnet.strategy.constants import (
    ActionStatus,
    ActionType,
    CaseEventKind,
    CaseStatus,
    HoldKind,
    RunPhase,
)
from vangnet.strategy.defaults import strategy_defaults_ensure
from vangnet.strategy.features import CaseTable, case_features, table_scores_refresh
from vangnet.strategy.guardrails import (
    FACT_GATED,
    CaseInfo,
    Checker,
    EngineSettings,
    Verdict,
    context_for,
    costs_amount,
    decision_json,
    letter_content,
    rule_holds,
    settings_from,
    stated_costs_cents,
)
from vangnet.strategy.journeys import StepSpec, journey_for_sector, steps_for, template_facts_all
from vangnet.strategy.models import (
    Action,
    Case,
    CaseEvent,
    DailyRun,
    Hold,
    Journey,
    Segment,
    StrategyPolicy,
)
from vangnet.strategy.segments import rules_from, segments_assign
from vangnet.strategy.steps import StepChoice, has_event_steps, step_choose

DEFAULT_CHUNK = int(os.environ.get("VANGNET_RUN_CHUNK", "20000"))
KILL_ENV = "VANGNET_RUN_KILL_AT"

NEW_CASE_COLUMNS = (
    "id",
    "organisation",
    "account",
    "status",
    "opened_on",
    "closed_on",
    "close_cause",
    "paused_on",
    "pause_cause",
    "paused_until",
    "journey",
    "journey_day0",
    "step_position",
    "last_step_on",
    "next_step_on",
    "arrears_cents",
    "arrears_since",
    "days_past_due",
    "open_invoice_count",
    "segment",
    "score",
    "score_band",
    "score_version",
    "score_factors",
    "scored_on",
    "updated_on",
    "created_at",
)

CASE_UPDATE_COLUMNS = (
    "step_position",
    "last_step_on",
    "next_step_on",
    "arrears_cents",
    "arrears_since",
    "days_past_due",
    "open_invoice_count",
    "segment",
    "score",
    "score_band",
    "score_version",
    "score_factors",
    "scored_on",
    "updated_on",
)


@dataclass
class RunSummary:
    """What one run (attempt) did; printed by ``vangnet run`` and stored on ``DailyRun``."""

    organisation: str
    run_date: date
    accounts_in_arrears: int = 0
    opened: int = 0
    closed: int = 0
    paused: int = 0
    resumed: int = 0
    reopened: int = 0
    open_cases: int = 0
    skipped_done_today: int = 0
    scored: int = 0
    segments: Counter[str] = field(default_factory=Counter)
    actions: Counter[tuple[str, str]] = field(default_factory=Counter)
    planned: int = 0
    postponed: int = 0
    blocked: Counter[str] = field(default_factory=Counter)
    written: int = 0
    cases_written: int = 0
    rule_calls: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "accounts_in_arrears": self.accounts_in_arrears,
            "opened": self.opened,
            "closed": self.closed,
            "paused": self.paused,
            "resumed": self.resumed,
            "reopened": self.reopened,
            "open_cases": self.open_cases,
            "skipped_done_today": self.skipped_done_today,
            "scored": self.scored,
            "segments": dict(self.segments),
            "actions": {f"{t}/{c}": n for (t, c), n in sorted(self.actions.items())},
            "planned": self.planned,
            "postponed": self.postponed,
            "blocked": dict(self.blocked),
            "written": self.written,
            "cases_written": self.cases_written,
            "rule_calls": self.rule_calls,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def _maybe_kill(point: str) -> None:
    """Test hook: die like a crashed worker would (no cleanup, no rollback handlers)."""
    if os.environ.get(KILL_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def policy_for(organisation: Organisation) -> StrategyPolicy:
    policy = StrategyPolicy.objects.filter(organisation=organisation).first()
    return policy or StrategyPolicy(organisation=organisation)


def _newest_invoice_month(organisation_id: int) -> date | None:
    """First day of the issue month of the newest open invoice.

    Read through the partial index on open invoices' due dates (newest first), not a
    MAX over every invoice ever issued: at a million accounts that is one index probe
    instead of a scan of millions of rows. A new billing run always adds open invoices.
    """
    newest = (
        Invoice.objects.filter(organisation_id=organisation_id, open_amount_cents__gt=0)
        .order_by("-due_date")
        .values_list("issue_date", flat=True)
        .first()
    )
    return newest.replace(day=1) if newest else None


def scores_refresh(table: CaseTable, *, organisation_id: int, today: date) -> set[int]:
    """Score the cases whose score is older than the newest invoice month.

    A daily run would otherwise rescore 100,000 accounts every day although their
    inputs (monthly payment history) only change when a new month is invoiced. Returns
    the row indexes that were (re)scored.
    """
    c = table.columns
    month = _newest_invoice_month(organisation_id)
    if month is not None:
        month = min(month, today.replace(day=1))  # invoices dated ahead do not count yet
    stale = [
        i
        for i, scored in enumerate(c["scored_on"])
        if scored is None or (month is not None and scored < month)
    ]
    if not stale:
        return set()
    try:
        from vangnet.scoring.predict import score_accounts
    except ImportError:  # scoring not installed: segments without a score band
        return set()
    scores = score_accounts(
        organisation_id=organisation_id,
        account_ids=[c["account_id"][i] for i in stale],
        as_of=today,
    )
    done: set[int] = set()
    factor_text: dict[Any, str] = {}
    for i in stale:
        score = scores.get(c["account_id"][i])
        if score is None:
            continue
        done.add(i)
        c["score"][i] = round(float(score.probability), 4)
        c["score_band"][i] = score.band
        c["score_version"][i] = score.model_version
        key = tuple((f.code, f.nl, round(float(f.weight), 4)) for f in score.factors[:3])
        text = factor_text.get(key)
        if text is None:
            text = factor_text[key] = bulk.json_text(
                [{"code": code, "nl": nl, "weight": w} for code, nl, w in key]
            )
        c["score_factors"][i] = text
        c["scored_on"][i] = today
    table_scores_refresh(table)
    return done


@dataclass
class Planned:
    """One proposed action with its verdict, ready to be written."""

    row: int  # index into the case table
    step: StepSpec
    channel: str
    status: str
    at: datetime
    amount_cents: int | None
    reason_code: str
    explanation: str  # JSON text


def _j(value: Any) -> str:
    return bulk.json_text(value)


def _cached_j(cache: dict[Any, str], value: Any) -> str:
    """JSON text of a small hashable value, encoded once per run."""
    text = cache.get(value)
    if text is None:
        text = cache[value] = bulk.json_text(list(value) if isinstance(value, tuple) else value)
    return text


# Plain strings for the hot loops (attribute access on Django's enum members is slow).
_PLANNED = str(ActionStatus.PLANNED.value)
_OPEN = str(CaseStatus.OPEN.value)
_PAUSED = str(CaseStatus.PAUSED.value)
_BLOCKED = str(ActionStatus.BLOCKED.value)
_LETTER = str(ActionType.FOURTEEN_DAY_LETTER.value)
_COSTS = str(ActionType.CHARGE_COSTS.value)
_CONTACT_KINDS = frozenset(
    str(t.value) for t in (ActionType.MESSAGE, ActionType.CALL_TASK, ActionType.VISIT_TASK)
)
_FACT_GATED = frozenset(str(getattr(t, "value", t)) for t in FACT_GATED)


class DailyRunner:
    """One organisation, one day. ``run()`` executes the phases in order."""

    def __init__(
        self,
        *,
        organisation: Organisation,
        run_date: date,
        chunk_size: int = DEFAULT_CHUNK,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.organisation = organisation
        self.org_id = organisation.pk
        self.today = run_date
        self.chunk_size = max(1, chunk_size)
        self.progress = progress or (lambda _msg: None)
        self.now = timezone.now()
        self.summary = RunSummary(organisation=organisation.name, run_date=run_date)
        self.run_row: DailyRun | None = None
        self.rescored: set[int] = set()

    # -- bookkeeping ---------------------------------------------------------------

    @contextmanager
    def phase(self, phase: str) -> Iterator[None]:
        name = str(getattr(phase, "value", phase))
        began = _time.perf_counter()
        if self.run_row is not None:
            DailyRun.objects.filter(pk=self.run_row.pk).update(phase=name)
        yield
        self.summary.timings[name] = _time.perf_counter() - began
        self.progress(f"{name}: {self.summary.timings[name]:.2f} s")

    def _start(self) -> None:
        run, created = DailyRun.objects.get_or_create(
            organisation=self.organisation,
            run_date=self.today,
            defaults={"started_at": self.now},
        )
        if not created:
            run.attempts += 1
            run.status = DailyRun.Status.RUNNING
            run.save(update_fields=["attempts", "status"])
        self.run_row = run

    def _finish(self) -> None:
        assert self.run_row is not None
        self.summary.timings["total"] = sum(
            v for k, v in self.summary.timings.items() if k != "total"
        )
        DailyRun.objects.filter(pk=self.run_row.pk).update(
            status=DailyRun.Status.FINISHED,
            phase=RunPhase.FINISHED,
            finished_at=timezone.now(),
            summary=self.summary.as_json(),
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {POS_TABLE}")

    def _analyze(self, model: Any) -> None:
        """Fresh planner statistics after a large change (PostgreSQL's autovacuum lags)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {bulk.table(model)}")

    # -- the phases ------------------------------------------------------------------

    def run(self) -> RunSummary:
        if connection.vendor == "postgresql":
            # The run is idempotent, so a commit lost to a server crash (at most the last
            # ~0.6 s) is simply planned again by the re-run; not waiting for each WAL
            # flush saves seconds per run. Delivery workers see rows only after commit.
            # JIT compilation was measured to cost seconds per query here and win
            # nothing (the queries are index- and hash-bound); sorts of 100k cases fit
            # in 64 MB instead of spilling to disk.
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO OFF")
                cursor.execute("SET jit TO OFF")
                cursor.execute("SET work_mem TO '64MB'")
        try:
            return self._run()
        finally:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("RESET synchronous_commit")
                    cursor.execute("RESET jit")
                    cursor.execute("RESET work_mem")

    def _run(self) -> RunSummary:
        strategy_defaults_ensure()
        policy = policy_for(self.organisation)
        self.policy = policy
        self.settings: EngineSettings = settings_from(policy.guardrail_policy)
        journey = (
            policy.journey if policy.journey_id else journey_for_sector(self.organisation.sector)
        )
        self.journey: Journey | None = journey
        self._start()
        s = self.summary
        with self.phase(RunPhase.POSITIONS):
            s.accounts_in_arrears = positions_prepare(organisation_id=self.org_id, today=self.today)
        with self.phase(RunPhase.CASES):
            s.closed = cases_close(
                organisation_id=self.org_id,
                today=self.today,
                now=self.now,
                tolerance_cents=policy.close_tolerance_cents,
            )
        _maybe_kill("cases")
        with self.phase(RunPhase.FEATURES):
            table = case_features(
                organisation_id=self.org_id,
                today=self.today,
                threshold_cents=policy.arrears_threshold_cents,
                journey_id=journey.pk if journey else None,
            )
        _maybe_kill("features")
        with self.phase(RunPhase.HOLDS):
            moves = holds_apply(
                organisation_id=self.org_id,
                today=self.today,
                now=self.now,
                states=table.hold_states(),
            )
            s.paused, s.resumed, s.reopened = moves.paused, moves.resumed, moves.reopened
            self.paused_new = table.apply_holds(moves.changed, moves.new_paused)
            s.open_cases = len(table)
        _maybe_kill("holds")
        with self.phase(RunPhase.SCORES):
            self.rescored = scores_refresh(table, organisation_id=self.org_id, today=self.today)
            s.scored = len(self.rescored)
        with self.phase(RunPhase.SEGMENTS):
            rules = rules_from(Segment.objects.filter(active=True))
            segment = segments_assign(table.segment_features(), rules) if len(table) else []
            self.segment_names = dict(Segment.objects.values_list("code", "name_nl"))
            s.segments.update(segment)
        with self.phase(RunPhase.STEPS):
            choices = self._choose(table, segment)
        with self.phase(RunPhase.GUARDRAILS):
            planned = self._judge(table, segment, choices)
        _maybe_kill("guardrails")
        with self.phase(RunPhase.WRITE):
            self._write_paused_new()
            self._write(table, segment, choices, planned)
            if s.opened > 10_000:
                self._analyze(Case)
        self._finish()
        return s

    def _choose(self, table: CaseTable, segment: Any) -> list[StepChoice | None]:
        c = table.columns
        self.steps = steps_for({j for j in c["journey_id"] if j is not None})
        events: dict[int, frozenset[str]] = {}
        done_event: dict[int, frozenset[int]] = {}
        if has_event_steps(self.steps):
            events, done_event = self._event_state()
        choices: list[StepChoice | None] = []
        today = self.today
        empty: frozenset[Any] = frozenset()
        for i, case_id in enumerate(c["case_id"]):
            if c["last_step_on"][i] == today:
                self.summary.skipped_done_today += 1
                choices.append(None)
                continue
            steps = self.steps.get(c["journey_id"][i], ())
            choices.append(
                step_choose(
                    steps=steps,
                    position=c["step_position"][i],
                    day0=c["journey_day0"][i],
                    today=today,
                    segment=segment[i],
                    band=c["score_band"][i] or "",
                    events=events.get(case_id, empty),
                    done_event_steps=done_event.get(case_id, empty),
                )
            )
        return choices

    def _event_state(self) -> tuple[dict[int, frozenset[str]], dict[int, frozenset[int]]]:
        event_steps = [s for steps in self.steps.values() for s in steps if s.wait_for_event]
        kinds = {s.wait_for_event for s in event_steps}
        ev: dict[int, set[str]] = {}
        for case_id, kind in CaseEvent.objects.filter(
            case__organisation_id=self.org_id, case__status="open", kind__in=kinds
        ).values_list("case_id", "kind"):
            ev.setdefault(case_id, set()).add(kind)
        done: dict[int, set[int]] = {}
        for case_id, step_id in Action.objects.filter(
            step_id__in=[s.id for s in event_steps]
        ).values_list("case_id", "step_id"):
            done.setdefault(case_id, set()).add(step_id)
        return (
            {k: frozenset(v) for k, v in ev.items()},
            {k: frozenset(v) for k, v in done.items()},
        )

    def _hold_periods(
        self, table: CaseTable, i: int, holds: dict[int, list[tuple[str, date, date | None]]]
    ) -> tuple[tuple[str, date, date | None], ...]:
        periods = holds.get(table.columns["account_id"][i], ())
        if table.columns["medical_necessity"][i]:
            return (*periods, (HoldKind.MEDICAL.value, date.min, None))
        return tuple(periods)

    def _case_info(self, table: CaseTable, i: int, periods: tuple) -> CaseInfo:
        c = table.columns
        start, end = c["window_start"][i], c["window_end"][i]
        window = ContactWindow(start, end) if start and end and end > start else None
        return CaseInfo(
            sector=self.organisation.sector,
            arrears_cents=int(c["arrears_cents"][i]),
            arrears_since=c["arrears_since"][i],
            holds=rule_holds(periods) if periods else (),
            share_refused=bool(c["share_refused"][i]),
            medical_necessity=bool(c["medical_necessity"][i]),
            in_debt_help=bool(c["in_debt_help"][i]),
            window=window,
        )

    def _active_holds(
        self, account_ids: list[int]
    ) -> dict[int, list[tuple[str, date, date | None]]]:
        """Non-pausing (restricting) holds by account: the guardrails judge with them."""
        out: dict[int, list[tuple[str, date, date | None]]] = {}
        qs = Hold.objects.filter(organisation_id=self.org_id, starts_on__lte=self.today).exclude(
            ends_on__lt=self.today
        )
        wanted = set(account_ids)
        for acc, kind, start, end in qs.values_list("account_id", "kind", "starts_on", "ends_on"):
            if acc in wanted:
                out.setdefault(acc, []).append((kind, start, end))
        return out

    def _judge(
        self, table: CaseTable, segment: Any, choices: list[StepChoice | None]
    ) -> list[Planned]:
        """Channel, moment and guardrail verdict for every chosen step.

        Verdicts are memoised on a cheap key for action types whose rules read no case
        facts (see ``guardrails`` module docstring), so 100,000 first reminders cost a
        handful of ``check_action`` calls; the explanation JSON is assembled from
        pre-encoded parts for the same reason.
        """
        c = table.columns
        rows = [i for i, ch in enumerate(choices) if ch is not None and ch.step is not None]
        if not rows:
            return []
        history = history_for(c["case_id"][i] for i in rows if c["case_id"][i] is not None)
        holds = self._active_holds([c["account_id"][i] for i in rows])
        templates = template_facts_all()
        checker = Checker(self.settings)
        window_span = self.settings.policy.contact.message_window + timedelta(days=1)
        send_hour = self.policy.send_hour
        journeys = {j.pk: j for j in Journey.objects.filter(pk__in=set(self.steps))}
        today = self.today
        out: list[Planned] = []
        verdicts: dict[tuple[Any, ...], Verdict] = {}
        guard_text: dict[int, str] = {}
        step_text: dict[tuple[int, int | None], str] = {}
        seg_text = {code: _j({"code": code}) for code in set(segment)}
        chan_text: dict[tuple[str, str], str] = {}
        unreachable_guard = _j({"allowed": False, "code": "unreachable", "nl": _UNREACHABLE_NL})
        reach_cache: dict[tuple[bool, ...], dict[str, bool]] = {}
        channel_cache: dict[tuple[Any, ...], tuple[str, str]] = {}
        moment_cache: dict[tuple[Any, Any], datetime] = {}
        text_cache: dict[Any, str] = {}
        has_email, has_mobile = c["has_email"], c["has_mobile"]
        has_landline, refused, has_address = (
            c["has_landline"],
            c["digital_refused"],
            c["has_address"],
        )
        w_start, w_end, preferred_col = c["window_start"], c["window_end"], c["preferred_channels"]
        for i in rows:
            choice = choices[i]
            assert choice is not None and choice.step is not None
            step = choice.step
            kind = step.action_type
            rkey = (has_email[i], has_mobile[i], has_landline[i], refused[i], has_address[i])
            reach = reach_cache.get(rkey)
            if reach is None:
                reach = reach_cache[rkey] = reach_of(
                    email=rkey[0],
                    mobile=rkey[1],
                    landline=rkey[2],
                    refused=rkey[3],
                    address=rkey[4],
                )
            preferred = preferred_col[i]
            ckey = (kind, step.channel, rkey, tuple(preferred) if preferred else ())
            chosen = channel_cache.get(ckey)
            if chosen is None:
                chosen = channel_cache[ckey] = channel_choose(
                    action_type=kind, step_channel=step.channel, reach=reach, preferred=preferred
                )
            channel, why = chosen
            start, end = w_start[i], w_end[i]
            at = moment_cache.get((start, end))
            if at is None:
                at = moment_cache[(start, end)] = moment_for(
                    today, send_hour=send_hour, window=(start, end)
                )
            periods = self._hold_periods(table, i, holds)
            past = history.get(c["case_id"][i], ())
            amount: int | None = int(c["arrears_cents"][i])
            letter = None
            extra = ""
            if kind == _LETTER:
                stated = stated_costs_cents(amount, settings=self.settings)
                letter = letter_content(
                    templates.get(step.template, {}),
                    principal_cents=amount,
                    stated_cents=stated,
                    vat=self.settings.vat,
                )
                extra += ',"letter":' + _j(
                    {"principal_cents": amount, "stated_costs_cents": stated}
                )
                amount = stated
            if why == "unreachable":
                status = _BLOCKED
                reason, moment, guard = f"no_{channel}", at, unreachable_guard
            else:
                is_contact = kind in _CONTACT_KINDS
                if is_contact and past:
                    # Only contacts near this moment can reach a frequency cap; the rest
                    # cannot change the verdict and would make every context unique.
                    past_ctx = [h for h in past if abs(h.at - at) < window_span]
                else:
                    past_ctx = list(past)
                key: tuple[Any, ...] | None = None
                if kind not in _FACT_GATED and kind != _COSTS:
                    key = (
                        kind,
                        at,
                        periods,
                        tuple(
                            (h.action_type, h.at)
                            for h in past_ctx
                            if h.action_type in _CONTACT_KINDS
                        )
                        if is_contact
                        else (),
                        (start, end) if is_contact else None,
                        letter,
                    )
                verdict = verdicts.get(key) if key is not None else None
                if verdict is None:
                    info = self._case_info(table, i, periods)
                    context = context_for(
                        kind, info, past_ctx, templates, today=today, settings=self.settings
                    )
                    verdict = checker.verdict(
                        action_type=kind, at=at, context=context, letter=letter
                    )
                    if key is not None:
                        verdicts[key] = verdict
                status = _PLANNED if verdict.allowed else _BLOCKED
                reason, moment = verdict.reason_code, verdict.at
                gid = id(verdict.decision)
                guard = guard_text.get(gid)
                if guard is None:
                    guard = guard_text[gid] = _j(decision_json(verdict.decision))
                if verdict.postponed_from is not None:
                    self.summary.postponed += 1
                    first = verdict.first_decision
                    extra += ',"postponed":' + _j(
                        {
                            "from": verdict.postponed_from.isoformat(),
                            "because": list(first.blocking_codes()) if first else [],
                        }
                    )
                if kind == _COSTS:
                    costs = costs_amount(verdict.decision)
                    amount = int(costs * 100) if verdict.allowed and costs is not None else 0
            jid = c["journey_id"][i]
            skey = (step.id, jid)
            stext = step_text.get(skey)
            if stext is None:
                journey = journeys.get(jid)
                # The step's name and texts are on the step row (Action.step); the
                # explanation keeps what identifies it, ~100 bytes less per action.
                info: dict[str, Any] = {
                    "journey": journey.code if journey else "",
                    "version": journey.version if journey else None,
                    "position": step.position,
                    "day": step.day_offset,
                }
                if step.wait_for_event:
                    info["event"] = step.wait_for_event
                stext = step_text[skey] = _j(info)
            ctext = chan_text.get((channel, why))
            if ctext is None:
                ctext = chan_text[(channel, why)] = _j({"chosen": channel, "why": why})
            score = c["score"][i]
            probability = "null" if score is None else repr(float(score))
            explanation = "".join(
                (
                    '{"segment":', seg_text[segment[i]],
                    ',"score":{"probability":', probability,
                    ',"band":', _cached_j(text_cache, c["score_band"][i] or ""),
                    ',"model":', _cached_j(text_cache, c["score_version"][i] or ""),
                    ',"factors":', c["score_factors"][i], "}",
                    ',"step":', stext,
                    ',"days_in_journey":', str((today - c["journey_day0"][i]).days),
                    ',"skipped":', _cached_j(text_cache, choice.skipped),
                    ',"features":{"arrears_cents":', str(int(c["arrears_cents"][i])),
                    ',"days_past_due":', str(int(c["days_past_due"][i])),
                    ',"open_invoices":', str(int(c["open_invoices"][i])),
                    ',"repeat_arrears_12m":', str(int(c["repeat_arrears_12m"][i])),
                    ',"broken_plans":', str(int(c["broken_plans"][i])),
                    ',"vulnerable":', "true" if c["vulnerable"][i] else "false",
                    ',"contact_reached":', "true" if c["contact_reached"][i] else "false", "}",
                    ',"channel":', ctext,
                    ',"guardrails":', guard,
                    extra,
                    "}",
                )
            )  # fmt: skip
            self.summary.actions[(kind, channel)] += 1
            if status == _BLOCKED:
                self.summary.blocked[reason] += 1
            else:
                self.summary.planned += 1
            out.append(Planned(i, step, channel, status, moment, amount, reason, explanation))
        self.summary.rule_calls = checker.calls
        return out

    def _insert_actions(self, rows: list[tuple[Any, ...]]) -> int:
        """COPY the actions in; if any key exists already, insert skipping duplicates.

        Duplicates cannot come from this run (one action per case per day, chunks are
        atomic), so the fast path is the normal one; the fallback keeps the idempotency
        key the last word, e.g. when someone else planned the same step meanwhile.
        """
        try:
            with transaction.atomic():
                return bulk.copy_insert(Action, ACTION_COLUMNS, rows)
        except IntegrityError:
            return int(bulk.insert_ignore(Action, ACTION_COLUMNS, rows))  # type: ignore[arg-type]

    def _write(
        self,
        table: CaseTable,
        segment: Any,
        choices: list[StepChoice | None],
        planned: list[Planned],
    ) -> None:
        """Actions, case rows and events per chunk of cases, one transaction per chunk.

        New cases are inserted here, once, with their segment, score and first step (ids
        reserved from the sequence, so their actions can refer to them in the same COPY
        round). Only existing case rows that change are written (a new step, another
        segment, other arrears, a new score): on a quiet day most are left untouched.
        """
        by_row = {p.row: p for p in planned}
        n = len(table)
        moments: dict[datetime, Any] = {}

        def dt(value: datetime) -> Any:
            adapted = moments.get(value)
            if adapted is None:
                adapted = moments[value] = bulk.datetime_value(value)
            return adapted

        for chunk_no, start in enumerate(range(0, n, self.chunk_size), start=1):
            stop = min(n, start + self.chunk_size)
            with transaction.atomic():
                self._write_chunk(table, segment, choices, by_row, range(start, stop), dt)
            _maybe_kill(f"write:{chunk_no}")

    def _write_chunk(
        self,
        table: CaseTable,
        segment: Any,
        choices: list[StepChoice | None],
        by_row: dict[int, Planned],
        rows: range,
        dt: Callable[[datetime], Any],
    ) -> None:
        """One chunk in one transaction: new cases, actions, changed cases, events."""
        c = table.columns
        today, iso = self.today, self.today.isoformat()
        now_db = bulk.datetime_value(self.now)
        rescored = self.rescored
        new_rows = [i for i in rows if c["case_id"][i] is None]
        first_id = bulk.reserve_ids(Case, len(new_rows))
        for k, i in enumerate(new_rows):
            c["case_id"][i] = first_id + k
        new_set = set(new_rows)
        new_cases: list[tuple[Any, ...]] = []
        action_rows: list[tuple[Any, ...]] = []
        case_rows: list[tuple[Any, ...]] = []
        event_rows: list[tuple[Any, ...]] = []
        opened_rows: list[tuple[Any, ...]] = []
        for i in rows:
            case_id = c["case_id"][i]
            choice = choices[i]
            if choice is None:  # already handled today: keep the step state
                position, last_on, next_on = (
                    c["step_position"][i],
                    c["last_step_on"][i],
                    c["old_next_step_on"][i],
                )
            else:
                position = choice.position
                last_on = today if choice.step is not None else c["last_step_on"][i]
                next_on = choice.next_on
            p = by_row.get(i)
            if p is not None:
                action_rows.append(
                    (
                        self.org_id,
                        case_id,
                        p.step.id,
                        p.step.action_type,
                        p.channel,
                        p.step.template,
                        today,
                        dt(p.at),
                        p.status,
                        p.amount_cents,
                        p.reason_code,
                        p.explanation,
                        f"{case_id}:{p.step.id}:{iso}",
                        now_db,
                    )
                )
            new_segment = segment[i]
            old_segment = c["old_segment"][i]
            arrears = int(c["arrears_cents"][i])
            if i in new_set:
                new_cases.append(
                    self._new_case_row(
                        c,
                        i,
                        status=_OPEN,
                        segment=new_segment,
                        position=position,
                        last_on=last_on,
                        next_on=next_on,
                    )
                )
                opened_rows.append(self._opened_event(case_id, arrears, c["arrears_since"][i]))
                continue
            if old_segment and new_segment != old_segment:
                event_rows.append(
                    (
                        case_id,
                        today,
                        now_db,
                        CaseEventKind.SEGMENT.value,
                        new_segment,
                        f"Segment: {self.segment_names.get(new_segment, new_segment)}.",
                        _j({"from": old_segment, "to": new_segment}),
                        f"segment:{case_id}:{iso}",
                    )
                )
            changed = (
                i in rescored
                or new_segment != old_segment
                or position != c["step_position"][i]
                or last_on != c["last_step_on"][i]
                or next_on != c["old_next_step_on"][i]
                or arrears != c["old_arrears_cents"][i]
                or c["arrears_since"][i] != c["old_arrears_since"][i]
                or c["open_invoices"][i] != c["old_open_invoice_count"][i]
            )
            if changed:
                case_rows.append(
                    (
                        case_id,
                        position,
                        last_on,
                        next_on,
                        arrears,
                        c["arrears_since"][i],
                        int(c["days_past_due"][i]),
                        int(c["open_invoices"][i]),
                        new_segment,
                        c["score"][i],
                        c["score_band"][i] or "",
                        c["score_version"][i] or "",
                        c["score_factors"][i],
                        c["scored_on"][i],
                        today,
                    )
                )
        # A conflict here means another process opened a case for one of these accounts
        # meanwhile: the chunk rolls back and the run stops; a re-run takes the case over.
        bulk.insert_strict(Case, NEW_CASE_COLUMNS, new_cases)
        bulk.insert_strict(CaseEvent, _EVENT_COLUMNS, opened_rows)  # new ids: no conflict
        written = self._insert_actions(action_rows)
        bulk.update_rows(Case, "id", CASE_UPDATE_COLUMNS, case_rows)
        bulk.insert_ignore(CaseEvent, _EVENT_COLUMNS, event_rows)
        self.summary.opened += len(new_cases)
        self.summary.written += int(written)
        self.summary.cases_written += len(case_rows) + len(new_cases)

    def _new_case_row(
        self,
        c: dict[str, list[Any]],
        i: int,
        *,
        status: str,
        segment: str,
        position: int,
        last_on: date | None,
        next_on: date | None,
        pause: tuple[str, date | None] | None = None,
    ) -> tuple[Any, ...]:
        today = self.today
        return (
            c["case_id"][i],
            self.org_id,
            c["account_id"][i],
            status,
            today,
            None,
            "",
            today if pause else None,
            pause[0] if pause else "",
            pause[1] if pause else None,
            c["journey_id"][i],
            c["journey_day0"][i],
            position,
            last_on,
            next_on,
            int(c["arrears_cents"][i]),
            c["arrears_since"][i],
            int(c["days_past_due"][i]),
            int(c["open_invoices"][i]),
            segment,
            c["score"][i],
            c["score_band"][i] or "",
            c["score_version"][i] or "",
            c["score_factors"][i] or "[]",
            c["scored_on"][i],
            today,
            bulk.datetime_value(self.now),
        )

    def _opened_event(self, case_id: int, arrears: int, since: date | None) -> tuple[Any, ...]:
        return (
            case_id,
            self.today,
            bulk.datetime_value(self.now),
            CaseEventKind.OPENED.value,
            "arrears_over_threshold",
            TEXT_OPENED,
            _j(
                {
                    "arrears_cents": arrears,
                    "arrears_since": since,
                    "threshold_cents": self.policy.arrears_threshold_cents,
                }
            ),
            f"opened:{case_id}",
        )

    def _write_paused_new(self) -> None:
        """Cases that open already paused (a hold or a person's flag): no step, two events."""
        rows = self.paused_new
        if not rows:
            return
        now_db = bulk.datetime_value(self.now)
        iso = self.today.isoformat()
        with transaction.atomic():
            first_id = bulk.reserve_ids(Case, len(rows))
            cases, events = [], []
            columns = {name: [row[name] for row in rows] for name in rows[0]}
            for k, row in enumerate(rows):
                case_id = first_id + k
                columns["case_id"][k] = case_id
                pause = (row["pause_cause"], row["paused_until"])
                cases.append(
                    self._new_case_row(
                        columns,
                        k,
                        status=_PAUSED,
                        segment="",
                        position=0,
                        last_on=None,
                        next_on=None,
                        pause=pause,
                    )
                )
                events.append(
                    self._opened_event(case_id, int(row["arrears_cents"]), row["arrears_since"])
                )
                events.append(
                    (
                        case_id,
                        self.today,
                        now_db,
                        CaseEventKind.PAUSED.value,
                        pause[0],
                        TEXT_PAUSED.format(cause=HOLD_TEXT_NL.get(pause[0], pause[0])),
                        _j({"hold": pause[0], "until": pause[1]}),
                        f"paused:{case_id}:{iso}",
                    )
                )
            bulk.insert_strict(Case, NEW_CASE_COLUMNS, cases)
            bulk.insert_ignore(CaseEvent, _EVENT_COLUMNS, events)
        self.summary.opened += len(rows)


_UNREACHABLE_NL = "De klant is via dit kanaal niet bereikbaar."


def daily_run(
    *,
    organisation: Organisation,
    run_date: date,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[str], None] | None = None,
) -> RunSummary:
    """Run the day for one organisation (idempotent; see the module docstring)."""
    return DailyRunner(
        organisation=organisation, run_date=run_date, chunk_size=chunk_size, progress=progress
    ).run()
