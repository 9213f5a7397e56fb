"""The strategy simulator: a synthetic book run day by day through the real daily run.

``simulate_strategy(config)`` builds its own organisation (``sim-<journey>-s<seed>``)
with the fast generator, so the demo organisation is never touched; draws every
household's invoices and *spontaneous* payments (what they would do without being
contacted, ``behaviour.py``/``payments.py``) up to the last simulated day; writes the part
before day 0 (so some accounts are in arrears from the start) and keeps the rest in
memory as a schedule. Then, for each day:

1. issue the invoices dated that day (the water company's monthly advances);
2. ``strategy.run.daily_run`` — the real engine: opens and closes cases, plans actions;
3. deliver the planned actions due that day: messages and letters ``sent``; call and
   visit tasks ``done`` up to the staff capacity per day (the rest stays ``planned``,
   the backlog); actions of cases that are closed or paused by then are ``cancelled``,
   as a delivery worker would;
4. let the contacted people react (``reaction.react``, one vectorised pass with a
   seeded generator): reached contacts become ``contact`` events (the engine's
   "personal contact made"), and people pay in full or in part on their next pay day,
   ask for a payment plan (a ``payment_plan`` hold whose instalments are kept or broken
   according to behaviour), accept help (a ``help_accepted`` hold, often followed by a
   plan) or do nothing;
5. book the day's payments — spontaneous ones, reactions, plan instalments — in bulk
   (capped at what the account still owes: nobody pays a bill twice), undo returned
   direct debits, and allocate the touched accounts with ``ledger.allocate_accounts``.

Everything per day is set-based: one query to fetch the due actions, bulk updates,
``bulk_create`` for holds and events, the fast ``BulkWriter`` for payments and invoices.
The only Python loops are over the day's contacts and payments, in memory.

At the end ``metrics.collect`` reads the outcome from the database, and the organisation
is deleted (``population_purge`` plus the strategy rows) unless ``keep``.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

import numpy as np

from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.constants import InvoiceKind, PaymentSource
from vangnet.ledger.models import Account, Allocation, Invoice, Payment
from vangnet.parties.models import Organisation
from vangnet.simulation.behaviour import BehaviourKind
from vangnet.simulation.dates import add_months
from vangnet.simulation.generator import (
    DrawnCustomer,
    Horizon,
    SimulatedCustomer,
    draw_customer,
    settle,
)
from vangnet.simulation.income import Income, pay_days
from vangnet.simulation.loader import (
    _INVOICE,
    _PAYMENT,
    LoadStats,
    _analyze,
    chunk_write,
    payment_reference,
    population_purge,
)
from vangnet.simulation.payments import PaymentSpec
from vangnet.simulation.reaction import (
    AVOIDANCE_START,
    CHANNEL_INDEX,
    KIND_INDEX,
    PAY_NOW_DAYS,
    VARIANT_LIFT,
    Contacts,
    Outcome,
    Tone,
    instalments_kept,
    react,
)
from vangnet.simulation.responsiveness import PREFERRED_HOURS, preferred_hours
from vangnet.simulation.water import COMPANY, InvoiceSpec
from vangnet.simulation.writer import BulkWriter
from vangnet.strategy import bulk
from vangnet.strategy.cases import _EVENT_COLUMNS
from vangnet.strategy.constants import (
    CONTACT_TYPES,
    ActionStatus,
    ActionType,
    CaseEventKind,
    CaseStatus,
    HoldKind,
    HoldOutcome,
    JourneyStyle,
)
from vangnet.strategy.defaults import strategy_defaults_ensure
from vangnet.strategy.journeys import journey_for_sector
from vangnet.strategy.models import (
    Action,
    Case,
    CaseEvent,
    Hold,
    Journey,
    StrategyPolicy,
)
from vangnet.strategy.purge import strategy_data_purge
from vangnet.strategy.run import daily_run

ZONE = ZoneInfo("Europe/Amsterdam")
# Channels whose send hour and wording the bandit decides (the screen-read ones).
DIGITAL_CHANNELS = ("email", "sms", "whatsapp")
SECTOR = COMPANY["sector"]
# Journey aliases: "social" is the sector's social journey (water-social for water).
ALIASES = {"classic": "classic"}

# Staff capacity per day when not given: scaled to the book, roughly one contact-centre
# employee (~40 call attempts a day) per 10,000 households and one home-visit round
# (~5 visits) per 10,000 [verify against a creditor's staffing; DOMAIN.md gives
# 0.33 FTE per 10,000 residents for municipalities].
CALLS_PER_10K = 40
VISITS_PER_10K = 5
# After accepting help (budget advice, debt counselling), the case waits four weeks;
# then most households agree a plan with the counsellor's support [verify].
HELP_WEEKS = 4
HELP_PLAN_CHANCE = 0.7
PLAN_GRACE_DAYS = 5  # an instalment counts as missed this many days after its date
PLAN_MIN_INSTALMENTS, PLAN_MAX_INSTALMENTS = 2, 12
# Affordable instalment: 2 % of net monthly income, at least €10 [verify: affordability
# in vangnet.rules will replace this once the arrangements app exists].
PLAN_INCOME_SHARE = 0.02
PLAN_MIN_INSTALMENT = 1000
PART_SHARE = (0.3, 0.6)
ACCOUNT_NUMBER_BASE = 300_000_000  # water.draw_account: account number = base + index

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SimConfig:
    households: int = 5000
    days: int = 120
    journey: str = "social"
    seed: int = 7
    start: date = date(2025, 3, 3)  # a Monday; day 0
    history_months: int = 4
    calls_per_day: int | None = None
    visits_per_day: int | None = None
    keep: bool = False
    chunk_size: int = 5000
    unit_costs: dict[str, float] | None = None  # euro per contact; see metrics.UNIT_COSTS
    # Route digital messages through the engagement bandit (send hour and variant A/B);
    # see ``StrategySimulation.bandit_plan``.
    bandit: bool = True

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    @property
    def call_capacity(self) -> int:
        if self.calls_per_day is not None:
            return self.calls_per_day
        return max(5, math.ceil(self.households * CALLS_PER_10K / 10_000))

    @property
    def visit_capacity(self) -> int:
        if self.visits_per_day is not None:
            return self.visits_per_day
        return max(1, math.ceil(self.households * VISITS_PER_10K / 10_000))


@dataclass
class DayLog:
    """What the loop saw per day that the database does not keep (who worked when)."""

    calls: list[int] = field(default_factory=list)
    visits: list[int] = field(default_factory=list)
    call_backlog: list[int] = field(default_factory=list)
    visit_backlog: list[int] = field(default_factory=list)
    delivered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reached: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    promises_broken: int = 0
    payments: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    payment_cents: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reversed_debits: int = 0


@dataclass
class SimResult:
    config: SimConfig
    organisation_slug: str
    journey_code: str
    metrics: dict[str, Any]
    seconds: dict[str, float]
    kept: bool


def journey_resolve(name: str) -> Journey:
    """``social`` → the sector's social journey; ``classic`` → classic; else a code."""
    strategy_defaults_ensure()
    if name == "social":
        journey = journey_for_sector(SECTOR)
    else:
        journey = (
            Journey.objects.filter(code=ALIASES.get(name, name), published=True)
            .order_by("-version")
            .first()
        )
    if journey is None:
        codes = sorted(set(Journey.objects.values_list("code", flat=True)))
        raise ValueError(f"unknown journey {name!r}; known: social, {', '.join(codes)}")
    return journey


def sim_slug(journey_code: str, seed: int) -> str:
    return f"sim-{journey_code}-s{seed}"[:50]


# ---------------------------------------------------------------------------------------
# The book: what is in the database and what is still to come


@dataclass
class Book:
    """The simulated households in memory, indexed by household index 0..N-1."""

    first_month: date
    account_id: np.ndarray
    kind: list[BehaviourKind]
    behaviours: list[Any]
    incomes: list[Income]
    age: np.ndarray
    responsiveness: np.ndarray
    avoidance: np.ndarray
    contacts: np.ndarray
    plan_until: np.ndarray  # ordinal of the last day of a running plan or help hold
    preferred_hour: np.ndarray | None = None  # each person's best reading hour
    index_of_account: dict[int, int] = field(default_factory=dict)
    invoices_by_day: dict[date, list[tuple[int, InvoiceSpec]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (household, reference, spec) of payments booked from day 0 on
    payments_by_day: dict[date, list[tuple[int, str, PaymentSpec]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # reference, reason code of direct debits returned from day 0 on
    reversals_by_day: dict[date, list[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    payer: dict[int, tuple[str, str]] = field(default_factory=dict)  # iban, name

    def reaction_kind(self, hh: int, day: date) -> int:
        """The behaviour row the reaction model uses today (income shocks change it)."""
        kind = self.kind[hh]
        if kind != BehaviourKind.INCOME_SHOCK:
            return KIND_INDEX[kind.value]
        behaviour = self.behaviours[hh]
        month = (day.year - self.first_month.year) * 12 + day.month - self.first_month.month
        if behaviour.in_shock(month) or (behaviour.after_shock(month) and not behaviour.recovers):
            return KIND_INDEX[BehaviourKind.INCOME_SHOCK.value]
        if behaviour.after_shock(month):
            return KIND_INDEX[BehaviourKind.SOMETIMES_LATE.value]
        return KIND_INDEX[BehaviourKind.ON_TIME.value]


def _split(drawn: DrawnCustomer, day0: date) -> tuple[SimulatedCustomer, list, list, list]:
    """Settle what happened before day 0; return the rest as the schedule."""
    past_invoices = [i for i in drawn.invoices if i.issue_date < day0]
    future_invoices = [i for i in drawn.invoices if i.issue_date >= day0]
    past_payments: list[PaymentSpec] = []
    future_payments: list[tuple[str, PaymentSpec]] = []
    reversals: list[tuple[date, str, str]] = []
    index = drawn.household.index
    for j, pay in enumerate(drawn.payments):  # sorted by booking date: past is a prefix
        ref = payment_reference(index, j)
        if pay.reversed_on is not None and pay.reversed_on >= day0:
            reversals.append((pay.reversed_on, ref, pay.reversal_reason))
            pay = PaymentSpec(pay.booked_on, pay.amount_cents, pay.source, pay.invoice_reference)
        if pay.booked_on < day0:
            past_payments.append(pay)
        else:
            future_payments.append((ref, pay))
    open_cents, unallocated, allocations = settle(past_invoices, past_payments)
    sim = SimulatedCustomer(
        household=drawn.household,
        account=drawn.account,
        payer_iban=drawn.payer_iban,
        invoices=past_invoices,
        open_cents=open_cents,
        payments=past_payments,
        unallocated_cents=unallocated,
        allocations=allocations,
    )
    return sim, future_invoices, future_payments, reversals


def book_build(
    *, organisation: Organisation, config: SimConfig, progress: Progress | None = None
) -> tuple[Book, LoadStats]:
    """Generate the households up to the last day, write the past, keep the future."""
    day0, end = config.start, config.end
    first = add_months(day0, -config.history_months)
    months = (end.year - first.year) * 12 + end.month - first.month + 1
    horizon = Horizon(today=end, months=months)
    n = config.households
    book = Book(
        first_month=horizon.first_month,
        account_id=np.zeros(n, dtype=np.int64),
        kind=[],
        behaviours=[],
        incomes=[],
        age=np.zeros(n, dtype=np.int64),
        responsiveness=np.zeros(n),
        avoidance=np.zeros(n),
        contacts=np.zeros(n, dtype=np.int64),
        plan_until=np.zeros(n, dtype=np.int64),
    )
    stats = LoadStats()
    writer = BulkWriter()
    now = writer.datetime_value(timezone.now())
    began = time.perf_counter()
    for start in range(0, n, config.chunk_size):
        sims: list[SimulatedCustomer] = []
        for index in range(start, min(n, start + config.chunk_size)):
            drawn = draw_customer(config.seed, index, horizon)
            sim, invoices, payments, reversals = _split(drawn, day0)
            sims.append(sim)
            hh = drawn.household
            book.kind.append(hh.behaviour.kind)
            book.behaviours.append(hh.behaviour)
            book.incomes.append(hh.income)
            book.age[index] = hh.holder.age_on(day0)
            book.responsiveness[index] = hh.responsiveness
            book.payer[index] = (drawn.payer_iban, hh.holder.full_name[:140])
            for inv in invoices:
                book.invoices_by_day[inv.issue_date].append((index, inv))
            for ref, pay in payments:
                book.payments_by_day[pay.booked_on].append((index, ref, pay))
            for on, ref, reason in reversals:
                book.reversals_by_day[on].append((ref, reason))
        with transaction.atomic():
            chunk_write(writer, organisation.pk, sims, now, stats)
        if progress is not None:
            progress(
                f"opbouw: {stats.households}/{n} huishoudens ({time.perf_counter() - began:.0f} s)"
            )
    _analyze()
    for acc_id, number in Account.objects.filter(organisation=organisation).values_list(
        "id", "number"
    ):
        index = int(number) - ACCOUNT_NUMBER_BASE
        book.account_id[index] = acc_id
        book.index_of_account[acc_id] = index
    book.avoidance[:] = AVOIDANCE_START[[KIND_INDEX[k.value] for k in book.kind]]
    # Its own generator: adding the preferred hour changes none of the other draws.
    book.preferred_hour = preferred_hours(book.age, np.random.default_rng([config.seed, 0xB0]))
    return book, stats


# ---------------------------------------------------------------------------------------
# The day loop


@dataclass
class _Plan:
    hold_id: int
    hh: int
    dates: list[date]
    amounts: list[int]
    kept: int  # instalments paid before the first miss (== len(dates): completed)


class StrategySimulation:
    """One simulated organisation; ``run()`` goes through the days."""

    def __init__(
        self,
        *,
        organisation: Organisation,
        journey: Journey,
        book: Book,
        config: SimConfig,
        progress: Progress | None = None,
    ) -> None:
        self.org = organisation
        self.journey = journey
        self.book = book
        self.config = config
        self.progress = progress or (lambda _msg: None)
        self.log = DayLog()
        self.writer = BulkWriter()
        self.templates: dict[str, dict[str, Any]] = dict(journey.templates or {})
        self.classic = journey.style == JourneyStyle.CLASSIC
        # Future events of the reaction model: payments and plan milestones by day.
        self.reaction_payments: dict[date, list[tuple[int, int, str]]] = defaultdict(list)
        self.plan_breaks: dict[date, list[int]] = defaultdict(list)
        self.plan_completions: dict[date, list[int]] = defaultdict(list)
        self.help_ends: dict[date, list[tuple[int, int]]] = defaultdict(list)  # hh, case
        self.seq = 0
        self.run_seconds = 0.0
        self.variant_of: dict[int, str] = {}  # action id -> template variant (bandit)
        self.experiment_ids: list[int] = []
        if config.bandit:
            self.experiments_create()

    def rng(self, day_no: int, salt: int) -> np.random.Generator:
        """A generator per (seed, day, purpose): the same draws whatever ran before."""
        return np.random.default_rng([self.config.seed, day_no, salt])

    def run(self) -> None:
        began = time.perf_counter()
        for day_no in range(self.config.days):
            day = self.config.start + timedelta(days=day_no)
            touched = self.invoices_issue(day)
            t0 = time.perf_counter()
            summary = daily_run(organisation=self.org, run_date=day)
            self.run_seconds += time.perf_counter() - t0
            if self.config.bandit:
                self.bandit_plan(day, day_no)
            contacts = self.deliver(day)
            self.react(day, day_no, contacts)
            self.plans_progress(day, day_no)
            touched |= self.payments_book(day)
            if touched:
                allocate_accounts(sorted(touched))
            if day_no % 10 == 0 or day_no == self.config.days - 1:
                self.progress(
                    f"dag {day_no + 1}/{self.config.days} ({day}): "
                    f"{summary.open_cases} open dossiers, {summary.written} acties "
                    f"({time.perf_counter() - began:.0f} s)"
                )

    # -- 1. invoices ---------------------------------------------------------------------

    def invoices_issue(self, day: date) -> set[int]:
        todays = self.book.invoices_by_day.pop(day, [])
        if not todays:
            return set()
        first = self.writer.reserve(Invoice, len(todays))
        rows = []
        touched: set[int] = set()
        for k, (hh, inv) in enumerate(todays):
            acc = int(self.book.account_id[hh])
            touched.add(acc)
            rows.append(
                (
                    first + k,
                    self.org.pk,
                    acc,
                    inv.number,
                    inv.kind,
                    inv.period_start,
                    inv.period_end,
                    inv.issue_date,
                    inv.due_date,
                    inv.amount_cents,
                    inv.amount_cents,
                    inv.payment_reference,
                    inv.description,
                )
            )
        with transaction.atomic():
            self.writer.insert(Invoice, _INVOICE, rows)
        # Credit notes, and new invoices meeting money that waits, need an allocation.
        return touched

    # -- 3. delivery -----------------------------------------------------------------------

    def deliver(self, day: date) -> list[tuple[Any, ...]]:
        """Mark the day's due actions delivered; return the contacts that happened."""
        until = datetime.combine(day + timedelta(days=1), datetime.min.time(), ZONE)
        rows = list(
            Action.objects.filter(
                organisation=self.org, status=ActionStatus.PLANNED, scheduled_for__lt=until
            )
            # Account ids follow the household index; case and action ids need not
            # (PostgreSQL numbers an INSERT … SELECT in whatever order it scans), and
            # the order decides which tasks fit in the day's capacity.
            .order_by("scheduled_for", "case__account_id", "id")
            .values_list(
                "id",
                "case_id",
                "case__account_id",
                "case__status",
                "case__arrears_cents",
                "action_type",
                "channel",
                "template",
                "scheduled_for",
            )
        )
        cancel: list[int] = []
        sent: list[int] = []
        done: list[int] = []
        contacts: list[tuple[Any, ...]] = []
        capacity = {
            ActionType.CALL_TASK.value: self.config.call_capacity,
            ActionType.VISIT_TASK.value: self.config.visit_capacity,
        }
        worked = {ActionType.CALL_TASK.value: 0, ActionType.VISIT_TASK.value: 0}
        backlog = {ActionType.CALL_TASK.value: 0, ActionType.VISIT_TASK.value: 0}
        for row in rows:
            action_id, _case, _acc, status, _arrears, kind, channel = row[:7]
            if status != CaseStatus.OPEN:
                cancel.append(action_id)  # paid or paused since it was planned
                continue
            if kind in capacity:
                if worked[kind] >= capacity[kind]:
                    backlog[kind] += 1
                    continue
                worked[kind] += 1
                done.append(action_id)
            elif kind in (ActionType.CHARGE_COSTS, ActionType.DISCONNECTION_REQUEST) or (
                kind == ActionType.EVICTION_REQUEST
            ):
                done.append(action_id)
                continue
            else:
                sent.append(action_id)
            if (kind in CONTACT_TYPES or kind == ActionType.SIGNAL) and channel in CHANNEL_INDEX:
                contacts.append(row)
                self.log.delivered[channel] += 1
        self.log.calls.append(worked[ActionType.CALL_TASK.value])
        self.log.visits.append(worked[ActionType.VISIT_TASK.value])
        self.log.call_backlog.append(backlog[ActionType.CALL_TASK.value])
        self.log.visit_backlog.append(backlog[ActionType.VISIT_TASK.value])
        if self.config.bandit and cancel:
            from vangnet.messaging.engagement.experiments import assignments_cancel

            assignments_cancel(action_ids=[a for a in cancel if a in self.variant_of])
        with transaction.atomic():
            for ids, status in (
                (cancel, ActionStatus.CANCELLED),
                (sent, ActionStatus.SENT),
                (done, ActionStatus.DONE),
            ):
                for start in range(0, len(ids), 5000):
                    Action.objects.filter(pk__in=ids[start : start + 5000]).update(status=status)
        return contacts

    # -- 2b. the engagement bandit ----------------------------------------------------------

    def experiments_create(self) -> None:
        """A send-hour test over every digital message and an A/B test of the wording."""
        from vangnet.messaging.engagement.experiments import experiment_create

        start = datetime.combine(self.config.start, datetime.min.time(), ZONE)
        self.experiment_ids = [
            experiment_create(
                organisation_id=self.org.pk,
                kind="send_hour",
                arms=[str(h) for h in PREFERRED_HOURS],
                now=start,
                name="Simulatie: verzenduur",
            ).pk,
            experiment_create(
                organisation_id=self.org.pk,
                kind="variant",
                arms=list(VARIANT_LIFT),
                now=start,
                name="Simulatie: variant A/B",
            ).pk,
        ]

    def bandit_plan(self, day: date, day_no: int) -> None:
        """Today's new digital messages get their variant and hour from ``plan_sends``,
        as the outbox will do: the planned moment is moved to the chosen hour (still
        inside the send window) and the choice is recorded as assignments."""
        from vangnet.messaging.engagement.experiments import (
            SendRequest,
            assignment_record,
            plan_sends,
        )

        rows = list(
            Action.objects.filter(
                organisation=self.org,
                status=ActionStatus.PLANNED,
                run_date=day,
                action_type__in=list(CONTACT_TYPES),
                channel__in=list(DIGITAL_CHANNELS),
            )
            .order_by("case__account_id", "id")
            .values_list("id", "case_id", "case__segment", "channel", "template", "scheduled_for")
        )
        rows = [r for r in rows if r[0] not in self.variant_of]
        if not rows:
            return
        start = datetime.combine(day, datetime.min.time(), ZONE)

        def day_start(value: Any) -> datetime:
            # The day the run planned it for, from its first hour: every arm fits that day.
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                value = value.replace(tzinfo=ZoneInfo("UTC"))
            return datetime.combine(value.astimezone(ZONE).date(), datetime.min.time(), ZONE)

        plans = plan_sends(
            organisation_id=self.org.pk,
            requests=[
                SendRequest(
                    case_id=case_id,
                    segment=segment or "",
                    channel=channel,
                    template_code=template or "",
                    variants=list(VARIANT_LIFT),
                    earliest=max(start, day_start(scheduled)),
                )
                for _id, case_id, segment, channel, template, scheduled in rows
            ],
            now=start,
            rng=self.rng(day_no, 5),
        )
        by_moment: dict[datetime, list[int]] = defaultdict(list)
        for row, plan in zip(rows, plans, strict=True):
            by_moment[plan.send_at].append(row[0])
            self.variant_of[row[0]] = plan.variant
        with transaction.atomic():
            for moment, ids in by_moment.items():
                for begin in range(0, len(ids), 5000):
                    Action.objects.filter(pk__in=ids[begin : begin + 5000]).update(
                        scheduled_for=moment
                    )
            assignment_record(plans=plans, now=start, action_ids=[r[0] for r in rows])

    def bandit_reward(self, day: date, contacts: list[tuple[Any, ...]], result: Any) -> None:
        """A reply or an outcome (pay, plan, help) to a digital message is a response
        within the reward window; then the day's closed assignments are counted."""
        from vangnet.messaging.engagement.experiments import reward_credit, rewards_refresh

        responded = [
            r[0]
            for i, r in enumerate(contacts)
            if r[0] in self.variant_of
            and (result.reached[i] or result.outcome[i] != Outcome.NOTHING)
        ]
        end = datetime.combine(day, datetime.max.time().replace(microsecond=0), ZONE)
        if responded:
            reward_credit(at=end, source="simulation", action_ids=responded)
        rewards_refresh(now=end)

    # -- 4. reactions ------------------------------------------------------------------------

    def _tone(self, kind: str, template: str) -> int:
        facts = self.templates.get(template, {})
        if (
            kind == ActionType.FOURTEEN_DAY_LETTER
            or facts.get("consequences_stated")
            or facts.get("disconnection_announcement")
        ):
            return Tone.THREATENING
        return Tone.NEUTRAL if self.classic else Tone.FRIENDLY

    def react(self, day: date, day_no: int, contacts: list[tuple[Any, ...]]) -> None:
        if not contacts:
            return
        book = self.book
        hh = np.array([book.index_of_account[r[2]] for r in contacts], dtype=np.int64)
        order = np.lexsort((np.arange(len(contacts)), hh))  # by household, then time
        contacts = [contacts[i] for i in order]
        hh = hh[order]
        kinds = [r[5] for r in contacts]
        templates = [r[7] for r in contacts]
        batch = Contacts(
            kind=np.array([book.reaction_kind(int(h), day) for h in hh], dtype=np.int64),
            channel=np.array([CHANNEL_INDEX[r[6]] for r in contacts], dtype=np.int64),
            hour=np.array([_local_hour(r[8]) for r in contacts], dtype=np.int64),
            age=book.age[hh],
            responsiveness=book.responsiveness[hh],
            avoidance=book.avoidance[hh],
            contacts_before=book.contacts[hh],
            formal_letter=np.array([k == ActionType.FOURTEEN_DAY_LETTER for k in kinds]),
            tone=np.array([self._tone(k, t) for k, t in zip(kinds, templates, strict=True)]),
            offers_help=np.array(
                [
                    k == ActionType.REFERRAL
                    or bool(self.templates.get(t, {}).get("points_to_help"))
                    for k, t in zip(kinds, templates, strict=True)
                ]
            ),
            offers_plan=np.array([k == ActionType.OFFER_PLAN for k in kinds]),
        )
        if self.config.bandit and book.preferred_hour is not None:
            batch.preferred_hour = book.preferred_hour[hh]
            batch.variant_lift = np.array(
                [VARIANT_LIFT.get(self.variant_of.get(r[0], ""), 1.0) for r in contacts]
            )
        result = react(batch, self.rng(day_no, 1))
        if self.config.bandit:
            self.bandit_reward(day, contacts, result)
        # State: avoidance (last contact of the day wins), contact counts.
        book.avoidance[hh] = result.avoidance
        np.add.at(book.contacts, hh, 1)
        # Contact events: reached by any channel; calls and visits also when not reached.
        events = []
        now_db = bulk.datetime_value(timezone.now())
        for i, r in enumerate(contacts):
            channel = r[6]
            personal = channel in ("phone", "visit")
            if result.reached[i]:
                self.log.reached[channel] += 1
            if not (result.reached[i] or personal):
                continue
            reached = bool(result.reached[i])
            events.append(
                (
                    r[1],
                    day,
                    now_db,
                    CaseEventKind.CONTACT.value,
                    "reached" if reached else "not_reached",
                    f"Contact via {channel}: " + ("bereikt" if reached else "niet bereikt"),
                    bulk.json_text({"channel": channel, "reached": reached, "action": r[0]}),
                    f"sim-contact:{r[0]}",
                )
            )
        with transaction.atomic():
            bulk.insert_ignore(CaseEvent, _EVENT_COLUMNS, events)
        # One outcome per household per day: the first contact that moved them.
        seen: set[int] = set()
        pays: list[tuple[int, int, int, bool]] = []  # hh, case arrears, outcome, kept
        plans: list[tuple[int, int, int, bool]] = []  # hh, case id, arrears, helped
        helps: list[tuple[int, int]] = []
        for i, r in enumerate(contacts):
            outcome = int(result.outcome[i])
            h = int(hh[i])
            if outcome == Outcome.NOTHING or h in seen:
                continue
            seen.add(h)
            self.log.outcomes[Outcome(outcome).name.lower()] += 1
            arrears = int(r[4] or 0)
            if outcome in (Outcome.PAY_FULL, Outcome.PAY_PART):
                pays.append((h, arrears, outcome, bool(result.promise_kept[i])))
            elif book.plan_until[h] >= day.toordinal():
                continue  # a plan or help is already running
            elif outcome == Outcome.PLAN:
                plans.append((h, r[1], arrears, False))
            else:
                helps.append((h, r[1]))
        rng = self.rng(day_no, 2)
        shares = rng.uniform(*PART_SHARE, size=max(1, len(pays)))
        for k, (h, arrears, outcome, kept) in enumerate(pays):
            if not kept:
                self.log.promises_broken += 1
                continue
            amount = arrears if outcome == Outcome.PAY_FULL else int(arrears * shares[k])
            if amount >= 100:
                self.reaction_payments[self._pay_date(h, day)].append((h, amount, "reaction"))
        self.plans_create(day, day_no, plans)
        self.helps_create(day, helps)

    def _pay_date(self, hh: int, day: date) -> date:
        """Pays at once (booked tomorrow) just after pay day, else on the next pay day."""
        income = self.book.incomes[hh]
        recent = pay_days(income, day - timedelta(days=PAY_NOW_DAYS), day)
        if recent:
            return day + timedelta(days=1)
        upcoming = pay_days(income, day + timedelta(days=1), day + timedelta(days=40))
        return upcoming[0] if upcoming else day + timedelta(days=1)

    def plans_create(self, day: date, day_no: int, plans: list[tuple[int, int, int, bool]]) -> None:
        """Payment-plan holds for the households that asked (instalments on pay days)."""
        plans = [p for p in plans if p[2] >= PLAN_MIN_INSTALMENT]
        if not plans:
            return
        book = self.book
        specs: list[tuple[int, list[date], list[int]]] = []
        for h, _case, arrears, _helped in plans:
            income = book.incomes[h]
            instalment = max(PLAN_MIN_INSTALMENT, int(income.net_monthly_cents * PLAN_INCOME_SHARE))
            count = min(
                PLAN_MAX_INSTALMENTS, max(PLAN_MIN_INSTALMENTS, math.ceil(arrears / instalment))
            )
            dates = pay_days(income, day + timedelta(days=1), day + timedelta(days=31 * count + 40))
            dates = _monthly(dates)[:count]
            base = arrears // len(dates)
            amounts = [base] * len(dates)
            amounts[-1] += arrears - base * len(dates)
            specs.append((h, dates, amounts))
        kept = instalments_kept(
            np.array([book.reaction_kind(p[0], day) for p in plans], dtype=np.int64),
            np.array([p[3] for p in plans]),
            np.array([len(s[1]) for s in specs], dtype=np.int64),
            self.rng(day_no, 3),
        )
        holds = Hold.objects.bulk_create(
            [
                Hold(
                    organisation=self.org,
                    account_id=int(book.account_id[h]),
                    case_id=case_id,
                    kind=HoldKind.PAYMENT_PLAN,
                    starts_on=day,
                    ends_on=dates[-1] + timedelta(days=PLAN_GRACE_DAYS),
                    reason=(
                        f"Simulatie: {len(dates)} termijnen op betaaldag"
                        + (" (met hulp)" if helped else "")
                    ),
                )
                for (h, case_id, _a, helped), (_h, dates, _amounts) in zip(
                    plans, specs, strict=True
                )
            ]
        )
        for hold, (h, dates, amounts), n_kept in zip(holds, specs, kept, strict=True):
            plan = _Plan(hold.pk, h, dates, amounts, int(n_kept))
            book.plan_until[h] = (dates[-1] + timedelta(days=PLAN_GRACE_DAYS)).toordinal()
            for on, amount in zip(dates[: plan.kept], amounts[: plan.kept], strict=True):
                self.reaction_payments[on].append((h, amount, "instalment"))
            if plan.kept < len(dates):
                broken_on = dates[plan.kept] + timedelta(days=PLAN_GRACE_DAYS)
                self.plan_breaks[broken_on].append(hold.pk)
                book.plan_until[h] = broken_on.toordinal()
            else:
                self.plan_completions[dates[-1] + timedelta(days=PLAN_GRACE_DAYS)].append(hold.pk)

    def helps_create(self, day: date, helps: list[tuple[int, int]]) -> None:
        if not helps:
            return
        until = day + timedelta(weeks=HELP_WEEKS)
        Hold.objects.bulk_create(
            [
                Hold(
                    organisation=self.org,
                    account_id=int(self.book.account_id[h]),
                    case_id=case_id,
                    kind=HoldKind.HELP_ACCEPTED,
                    starts_on=day,
                    ends_on=until,
                    reason="Simulatie: hulp bij geldzaken aangenomen",
                )
                for h, case_id in helps
            ]
        )
        for h, case_id in helps:
            self.book.plan_until[h] = until.toordinal()
            self.help_ends[until].append((h, case_id))

    def plans_progress(self, day: date, day_no: int) -> None:
        """Plans broken or completed today; help periods ending in a plan."""
        broken = self.plan_breaks.pop(day, [])
        if broken:
            # As ``cases.hold_end(outcome=broken)``: the last held day is yesterday.
            Hold.objects.filter(pk__in=broken).update(
                ends_on=day - timedelta(days=1), outcome=HoldOutcome.BROKEN
            )
        completed = self.plan_completions.pop(day, [])
        if completed:
            Hold.objects.filter(pk__in=completed).update(outcome=HoldOutcome.COMPLETED)
        ending = self.help_ends.pop(day, [])
        if ending:
            Hold.objects.filter(
                organisation=self.org,
                kind=HoldKind.HELP_ACCEPTED,
                ends_on=day,
                outcome=HoldOutcome.RUNNING,
            ).update(outcome=HoldOutcome.COMPLETED)
            arrears = dict(
                Case.objects.filter(pk__in=[c for _h, c in ending])
                .exclude(status=CaseStatus.CLOSED)
                .values_list("pk", "arrears_cents")
            )
            draws = self.rng(day_no, 4).random(len(ending))
            plans = [
                (h, case_id, int(arrears[case_id]), True)
                for (h, case_id), u in zip(ending, draws, strict=True)
                if case_id in arrears and u < HELP_PLAN_CHANCE
            ]
            self.plans_create(day + timedelta(days=1), day_no, plans)

    # -- 5. payments -----------------------------------------------------------------------

    def payments_book(self, day: date) -> set[int]:
        """Write the day's payments (capped at what is owed) and undo returned debits."""
        book = self.book
        spontaneous = book.payments_by_day.pop(day, [])
        reactions = self.reaction_payments.pop(day, [])
        wanted: list[tuple[int, str, int, str, str, str, str]] = []
        for hh, ref, spec in spontaneous:
            wanted.append(
                (
                    hh,
                    ref,
                    spec.amount_cents,
                    spec.source,
                    spec.invoice_reference,
                    spec.description,
                    "spontaneous",
                )
            )
        for hh, amount, why in reactions:
            self.seq += 1
            desc = "Termijn betalingsregeling" if why == "instalment" else "Betaling na contact"
            wanted.append(
                (
                    hh,
                    f"SIM-{why[0].upper()}{self.seq:08d}",
                    amount,
                    PaymentSource.BANK_TRANSFER,
                    "",
                    desc,
                    why,
                )
            )
        touched: set[int] = set()
        if wanted:
            accounts = sorted({int(book.account_id[w[0]]) for w in wanted})
            owed = _owed(self.org.pk, accounts)
            first = self.writer.reserve(Payment, len(wanted))
            now = self.writer.datetime_value(timezone.now())
            rows = []
            for hh, ref, amount, source, inv_ref, desc, why in wanted:
                acc = int(book.account_id[hh])
                pay = min(amount, owed.get(acc, 0))
                if pay <= 0:
                    continue
                owed[acc] = owed.get(acc, 0) - pay
                iban, name = book.payer[hh]
                rows.append(
                    (
                        first + len(rows),
                        self.org.pk,
                        acc,
                        day,
                        pay,
                        pay,
                        source,
                        ref,
                        inv_ref,
                        iban,
                        name,
                        desc,
                        None,
                        "",
                        now,
                    )
                )
                touched.add(acc)
                self.log.payments[why] += 1
                self.log.payment_cents[why] += pay
            with transaction.atomic():
                self.writer.insert(Payment, _PAYMENT, rows)
        touched |= self._reversals(day)
        return touched

    def _reversals(self, day: date) -> set[int]:
        """Returned direct debits (AM04/MD06) due today, as ``payment_reverse`` in bulk."""
        todays = self.book.reversals_by_day.pop(day, [])
        if not todays:
            return set()
        reason_of = dict(todays)
        found = list(
            Payment.objects.filter(
                organisation=self.org, reference__in=list(reason_of), reversed_on__isnull=True
            ).values_list("id", "account_id", "reference")
        )
        if not found:
            return set()
        ids = [f[0] for f in found]
        with transaction.atomic():
            undo: dict[int, int] = defaultdict(int)
            for invoice_id, amount in Allocation.objects.filter(payment_id__in=ids).values_list(
                "invoice_id", "amount_cents"
            ):
                undo[invoice_id] += amount
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {bulk.table(Invoice)} SET open_amount_cents = open_amount_cents + %s"
                    " WHERE id = %s",
                    [(amount, inv) for inv, amount in undo.items()],
                )
            Allocation.objects.filter(payment_id__in=ids).delete()
            by_reason: dict[str, list[int]] = defaultdict(list)
            for pid, _acc, ref in found:
                by_reason[reason_of[ref]].append(pid)
            for reason, pids in by_reason.items():
                Payment.objects.filter(pk__in=pids).update(
                    reversed_on=day, reversal_reason=reason, unallocated_cents=0
                )
        self.log.reversed_debits += len(found)
        return {f[1] for f in found}


def _monthly(days: list[date]) -> list[date]:
    """At most one pay day per calendar month (four-weekly pay has 13 a year)."""
    out: list[date] = []
    for d in days:
        if not out or (d.year, d.month) != (out[-1].year, out[-1].month):
            out.append(d)
    return out


def _local_hour(value: Any) -> int:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(ZONE).hour


def _owed(organisation_id: int, account_ids: list[int]) -> dict[int, int]:
    """Open invoices (due or not) minus open credit notes and unallocated money."""
    out: dict[int, int] = defaultdict(int)
    inv, pay = bulk.table(Invoice), bulk.table(Payment)
    from vangnet.strategy.sqlbits import id_batches, in_list

    for batch in id_batches(account_ids):
        cond, params = in_list(batch)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT account_id, SUM(CASE WHEN kind = %s THEN open_amount_cents"
                f" ELSE -open_amount_cents END) FROM {inv}"
                f" WHERE organisation_id = %s AND open_amount_cents > 0 AND account_id {cond}"
                f" GROUP BY account_id",
                [InvoiceKind.INVOICE.value, organisation_id, *params],
            )
            for acc, cents in cursor.fetchall():
                out[acc] += int(cents)
            cursor.execute(
                f"SELECT account_id, SUM(unallocated_cents) FROM {pay}"
                f" WHERE organisation_id = %s AND unallocated_cents > 0"
                f" AND reversed_on IS NULL AND account_id {cond} GROUP BY account_id",
                [organisation_id, *params],
            )
            for acc, cents in cursor.fetchall():
                out[acc] -= int(cents)
    return out


# ---------------------------------------------------------------------------------------
# Set-up and clean-up


def organisation_create(journey: Journey, seed: int) -> Organisation:
    """A fresh organisation for this run; leftovers of an earlier run are removed first."""
    slug = sim_slug(journey.code, seed)
    old = Organisation.objects.filter(slug=slug).first()
    if old is not None:
        organisation_delete(old)
    org = Organisation.objects.create(
        slug=slug,
        name=f"Simulatie {journey.code} (seed {seed})",
        kind=COMPANY["kind"],
        sector=SECTOR,
    )
    StrategyPolicy.objects.create(organisation=org, journey=journey)
    return org


def organisation_delete(organisation: Organisation) -> None:
    """Remove a simulated organisation and everything it owns, set-based.

    The strategy rows go first (``strategy_data_purge``), then the ledger and people
    through the demo's own ``population_purge``, then whatever else points at the
    organisation.
    """
    org = organisation.pk
    strategy_data_purge(organisation_id=org)
    population_purge(organisation=organisation)
    with transaction.atomic():
        for model in apps.get_models():
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model is Organisation:
                    model._base_manager.filter(**{f.attname: org}).delete()
        Organisation.objects.filter(pk=org).delete()


def simulate_strategy(config: SimConfig, *, progress: Progress | None = None) -> SimResult:
    """Build, run, measure and (unless ``keep``) remove one simulated organisation."""
    from vangnet.simulation.metrics import collect

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    journey = journey_resolve(config.journey)
    org = organisation_create(journey, config.seed)
    try:
        book, _stats = book_build(organisation=org, config=config, progress=progress)
        seconds["build"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        sim = StrategySimulation(
            organisation=org, journey=journey, book=book, config=config, progress=progress
        )
        sim.run()
        seconds["days"] = time.perf_counter() - t1
        seconds["daily_run"] = sim.run_seconds
        t2 = time.perf_counter()
        metrics = collect(organisation=org, config=config, log=sim.log, journey=journey)
        if sim.experiment_ids:
            metrics["experiments"] = experiments_summary(sim.experiment_ids)
        seconds["metrics"] = time.perf_counter() - t2
    finally:
        if not config.keep:
            t3 = time.perf_counter()
            organisation_delete(org)
            seconds["cleanup"] = time.perf_counter() - t3
    seconds["total"] = time.perf_counter() - t0
    metrics["seconds"] = {k: round(v, 1) for k, v in seconds.items()}
    return SimResult(config, org.slug, journey.code, metrics, seconds, config.keep)


def experiments_summary(experiment_ids: list[int]) -> dict[str, Any]:
    """Per experiment and arm: tries, responses, posterior mean and chance of being best."""
    from vangnet.messaging.engagement.models import Experiment
    from vangnet.messaging.engagement.selectors import experiment_results

    out: dict[str, Any] = {}
    for experiment in Experiment.objects.filter(pk__in=experiment_ids).order_by("pk"):
        out[experiment.kind] = {
            r.arm: {
                "trials": r.trials,
                "successes": r.successes,
                "mean": round(r.mean, 4),
                "p_best": round(r.p_best, 3),
            }
            for r in experiment_results(experiment, draws=10_000, seed=0)
        }
    return out
