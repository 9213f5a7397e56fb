"""Municipality mode of the simulator: signals in, outreach out, reach and help acceptance.

    vangnet simulate --municipality --households 20000 --days 180

Question it answers: how much does the outreach *approach* change reach and help
acceptance — letters only vs. digital → phone → home visit? Before any such claim, the
behaviour model is calibrated on the Divosa monitor (DOMAIN.md "Figures to measure
against"): with written contact only about **6%** of meldingen are reached; of meldingen
with at least one phone attempt **59%**; of meldingen with at least one home visit
**46%**. Those three figures fix the three per-attempt contact strengths (letter, phone,
visit) by bisection, each on the reference practice the figure comes from; everything
else is reported, not fitted — including the check figures Divosa also publishes (≥ 4
attempts 37% vs 18% with 1–2 attempts; 35% of the reached accept help).

Model (all vectorised with numpy; one row per melding):
- Signals arrive at 4.0 per 1,000 residents per month (2023) from a sender mix of
  health insurance 41%, rent 20%, energy 20%, water 18%, other 1% (H1 2024). A
  household's chance of a signal follows a heavy-tailed risk weight, so several signals
  land on the same address — meervoudig and opeenvolgend arise instead of being set.
  The signals are bundled per address and month by the real ``signals.bundling`` code.
- Each household has a latent reachability ``h`` ~ Beta(1.3, 2.2) (some people open
  every letter and answer the phone; many do neither). An attempt by method ``m``
  reaches with probability ``1 − exp(−k_m · h · f_daypart)``; evening contacts reach
  more people who work (f = 1.35 vs 1.0 in the morning and 0.9 in the afternoon)
  [assumption, documented in docs/simulation.md].
- Phone numbers are known for 70% of signals, e-mail for 50% [assumption].
- Of the reached, 35% accept help (Divosa 2023), a little more for crisis signals.

The figures come out of ``vangnet.signals.monitor.compute``, the same definitions the
dashboard and the DDAS export use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from vangnet.signals.bundling import Incoming, bundle
from vangnet.signals.monitor import Attempt, MeldingRecord, MonitorFigures, compute

SIGNALS_PER_1000_PER_MONTH = 4.0  # Divosa 2023
PERSONS_PER_HOUSEHOLD = 2.15  # CBS: average Dutch household size
SENDER_MIX: tuple[tuple[str, float], ...] = (
    ("CAK Zorgverzekeringen", 0.41),
    ("Huur", 0.20),
    ("Energie", 0.20),
    ("Water", 0.18),
    ("Overige", 0.01),
)
CRISIS_SHARE = {"Huur": 0.10, "Energie": 0.08}  # eviction / end-of-supply [assumption]
PHONE_KNOWN = 0.70
EMAIL_KNOWN = 0.50
HELP_ACCEPT_REACHED = 0.35  # Divosa 2023: 35% of the reached accept help
HELP_ACCEPT_CRISIS_BONUS = 0.10
DAYPART_FACTOR = {"Ochtend": 1.0, "Middag": 0.9, "Avond": 1.35}
DIGITAL_VS_LETTER = 1.5  # an SMS/e-mail with a "choose a moment" link vs a letter [assumption]

# Divosa targets the calibration reproduces.
TARGET_WRITTEN_ONLY = 0.06
TARGET_WITH_PHONE = 0.59
TARGET_WITH_VISIT = 0.46

# Unit costs per attempt in euros [assumption; business-case parameters].
UNIT_COST = {"Brief": 1.10, "Mail": 0.02, "SMS/Whatsapp": 0.08, "Telefoon": 4.0, "Huisbezoek": 35.0}


@dataclass(frozen=True)
class Step:
    """One outreach step: who gets it and how."""

    kind: str  # DDAS contactsoort
    day_part: str
    needs: str = ""  # "phone" / "email": only when that contact detail is known
    only_critical: bool = False  # only for multiple/consecutive/crisis meldingen


@dataclass(frozen=True)
class Strategy:
    code: str
    name: str
    steps: tuple[Step, ...]


LETTERS_ONLY = Strategy(
    "letters", "Alleen brieven", (Step("Brief", "Ochtend"), Step("Brief", "Ochtend"))
)
# The practices the Divosa figures were measured on (calibration references).
PHONE_PRACTICE = Strategy(
    "phone_practice",
    "Brief + belronde overdag",
    (
        Step("Brief", "Ochtend"),
        Step("Telefoon", "Ochtend", needs="phone"),
        Step("Telefoon", "Middag", needs="phone"),
    ),
)
VISIT_PRACTICE = Strategy(
    "visit_practice",
    "Brief + belronde + huisbezoek overdag",
    (
        Step("Brief", "Ochtend"),
        Step("Telefoon", "Ochtend", needs="phone"),
        Step("Telefoon", "Middag", needs="phone"),
        Step("Huisbezoek", "Middag"),
    ),
)
DIGITAL_PHONE_VISIT = Strategy(
    "digital_phone_visit",
    "Digitaal → bellen (ook 's avonds) → huisbezoek",
    (
        Step("SMS/Whatsapp", "Middag", needs="phone"),
        Step("Mail", "Ochtend", needs="email"),
        Step("Brief", "Ochtend"),
        Step("Telefoon", "Ochtend", needs="phone"),
        Step("Telefoon", "Avond", needs="phone"),
        Step("Telefoon", "Middag", needs="phone"),
        Step("Telefoon", "Avond", needs="phone"),
        Step("Huisbezoek", "Avond", only_critical=False),
        Step("Huisbezoek", "Ochtend", only_critical=True),
    ),
)
STRATEGIES: dict[str, Strategy] = {
    s.code: s for s in (LETTERS_ONLY, PHONE_PRACTICE, VISIT_PRACTICE, DIGITAL_PHONE_VISIT)
}
COMPARED = ("letters", "phone_practice", "visit_practice", "digital_phone_visit")


@dataclass(frozen=True)
class Strengths:
    """Per-attempt contact strengths ``k`` by DDAS contactsoort (the calibrated parameters)."""

    letter: float
    phone: float
    visit: float

    def k(self, kind: str) -> float:
        if kind == "Brief" or kind == "Kaartje":
            return self.letter
        if kind in ("Mail", "SMS/Whatsapp"):
            return self.letter * DIGITAL_VS_LETTER
        if kind == "Telefoon":
            return self.phone
        if kind == "Huisbezoek":
            return self.visit
        return 0.0


@dataclass
class Population:
    """Meldingen with what the outreach needs to know about each."""

    meldingen: int
    signals: int
    residents: int
    months: int
    signal_count: np.ndarray
    multiple: np.ndarray
    consecutive: np.ndarray
    crisis: np.ndarray
    reachability: np.ndarray
    phone_known: np.ndarray
    email_known: np.ndarray


def population_draw(
    *, households: int, days: int, seed: int, start: date | None = None
) -> Population:
    """Signals for ``households`` over ``days``, bundled into meldingen by the real code."""
    if households < 1 or days < 1:
        raise ValueError("households and days must be at least 1")
    rng = np.random.default_rng(seed)
    start = start or date(2026, 1, 1)
    residents = round(households * PERSONS_PER_HOUSEHOLD)
    months = max(1, round(days / 30.44))
    expected = SIGNALS_PER_1000_PER_MONTH * residents / 1000 * days / 30.44
    n_signals = int(rng.poisson(expected))
    # Heavy-tailed risk: a few households draw many of the signals.
    risk = rng.lognormal(mean=0.0, sigma=1.6, size=households)
    who = rng.choice(households, size=n_signals, p=risk / risk.sum())
    senders = rng.choice(len(SENDER_MIX), size=n_signals, p=[w for _, w in SENDER_MIX])
    day = rng.integers(0, days, size=n_signals)
    amounts = (rng.lognormal(mean=5.6, sigma=0.8, size=n_signals) * 100).astype(np.int64)
    crisis_draw = rng.random(n_signals)
    incoming = []
    crisis_by_id: dict[str, bool] = {}
    for i in range(n_signals):
        sender = SENDER_MIX[int(senders[i])][0]
        sid = f"s{i}"
        crisis_by_id[sid] = bool(crisis_draw[i] < CRISIS_SHARE.get(sender, 0.0))
        incoming.append(
            Incoming(
                id=sid,
                address_key=f"h{int(who[i])}",
                partner_key=f"{sender}:{int(who[i])}",
                received_on=start + timedelta(days=int(day[i])),
                amount_cents=int(amounts[i]),
            )
        )
    meldingen = bundle(incoming)
    n = len(meldingen)
    household_of = np.array([int(m.address_key[1:]) for m in meldingen], dtype=np.int64)
    # Reachability is the household's, so repeat meldingen of one address stay alike.
    h = rng.beta(1.3, 2.2, size=households)
    phone = rng.random(households) < PHONE_KNOWN
    email = rng.random(households) < EMAIL_KNOWN
    return Population(
        meldingen=n,
        signals=n_signals,
        residents=residents,
        months=months,
        signal_count=np.array([len(m.signal_ids) for m in meldingen], dtype=np.int64),
        multiple=np.array([m.multiple for m in meldingen], dtype=bool),
        consecutive=np.array([m.consecutive for m in meldingen], dtype=bool),
        crisis=np.array(
            [any(crisis_by_id[s] for s in m.signal_ids) for m in meldingen], dtype=bool
        ),
        reachability=h[household_of] if n else np.zeros(0),
        phone_known=phone[household_of] if n else np.zeros(0, dtype=bool),
        email_known=email[household_of] if n else np.zeros(0, dtype=bool),
    )


@dataclass
class Outcome:
    strategy: Strategy
    figures: MonitorFigures
    attempts_per_melding: float
    cost_per_melding_eur: float
    reached_share: float
    help_share: float
    attempts: list[list[Attempt]] = field(repr=False, default_factory=list)


def run_strategy(
    population: Population, strategy: Strategy, strengths: Strengths, *, seed: int
) -> Outcome:
    """Play the steps in order until a melding is reached; vectorised over meldingen."""
    rng = np.random.default_rng(seed)
    n = population.meldingen
    reached = np.zeros(n, dtype=bool)
    critical = population.multiple | population.consecutive | population.crisis
    attempts: list[list[Attempt]] = [[] for _ in range(n)]
    cost = 0.0
    total_attempts = 0
    for step in strategy.steps:
        eligible = ~reached
        if step.needs == "phone":
            eligible &= population.phone_known
        elif step.needs == "email":
            eligible &= population.email_known
        if step.only_critical:
            eligible &= critical
        idx = np.flatnonzero(eligible)
        if not idx.size:
            continue
        k = strengths.k(step.kind) * DAYPART_FACTOR[step.day_part]
        p = 1.0 - np.exp(-k * population.reachability[idx])
        hit = rng.random(idx.size) < p
        reached[idx[hit]] = True
        for i, ok in zip(idx.tolist(), hit.tolist(), strict=True):
            attempts[i].append(Attempt(step.kind, ok, step.day_part))
        total_attempts += idx.size
        cost += idx.size * UNIT_COST.get(step.kind, 0.0)
    accept_p = HELP_ACCEPT_REACHED + HELP_ACCEPT_CRISIS_BONUS * population.crisis
    accepted = reached & (rng.random(n) < accept_p)
    records = [
        MeldingRecord(
            signal_count=int(population.signal_count[i]),
            multiple=bool(population.multiple[i]),
            consecutive=bool(population.consecutive[i]),
            attempts=tuple(attempts[i]),
            result=(
                "referral_financial"
                if accepted[i]
                else ("no_help_needed" if reached[i] else "no_contact")
            ),
        )
        for i in range(n)
    ]
    figures = compute(residents=population.residents, months=population.months, meldingen=records)
    return Outcome(
        strategy=strategy,
        figures=figures,
        attempts_per_melding=total_attempts / n if n else 0.0,
        cost_per_melding_eur=cost / n if n else 0.0,
        reached_share=float(reached.mean()) if n else 0.0,
        help_share=float(accepted.mean()) if n else 0.0,
        attempts=attempts,
    )


def _share(share) -> float:
    return share.count / share.total if share.total else 0.0


def _bisect(fn, target: float, lo: float, hi: float, *, iterations: int = 30) -> float:
    """The ``x`` in [lo, hi] where the increasing ``fn(x)`` meets ``target``."""
    for _ in range(iterations):
        mid = (lo + hi) / 2
        if fn(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def calibrate(population: Population, *, seed: int) -> Strengths:
    """Fit letter, phone and visit strengths to the three Divosa reach figures in turn.

    Common random numbers (the same ``seed`` for every evaluation) keep each target
    function monotone in its parameter, so bisection converges.
    """
    letter = _bisect(
        lambda k: _share(
            run_strategy(population, LETTERS_ONLY, Strengths(k, 0, 0), seed=seed).figures.reach
        ),
        TARGET_WRITTEN_ONLY,
        0.0,
        2.0,
    )
    phone = _bisect(
        lambda k: _share(
            run_strategy(
                population, PHONE_PRACTICE, Strengths(letter, k, 0), seed=seed
            ).figures.reach_with_phone
        ),
        TARGET_WITH_PHONE,
        0.0,
        20.0,
    )
    visit = _bisect(
        lambda k: _share(
            run_strategy(
                population, VISIT_PRACTICE, Strengths(letter, phone, k), seed=seed
            ).figures.reach_with_visit
        ),
        TARGET_WITH_VISIT,
        0.0,
        50.0,
    )
    return Strengths(letter=letter, phone=phone, visit=visit)


@dataclass
class MunicipalityResult:
    households: int
    days: int
    seed: int
    population: Population
    strengths: Strengths
    outcomes: dict[str, Outcome]


def simulate_municipality(
    *, households: int, days: int, seed: int = 7, strategies: Sequence[str] = COMPARED
) -> MunicipalityResult:
    population = population_draw(households=households, days=days, seed=seed)
    strengths = calibrate(population, seed=seed + 1)
    outcomes = {
        code: run_strategy(population, STRATEGIES[code], strengths, seed=seed + 2)
        for code in strategies
    }
    return MunicipalityResult(households, days, seed, population, strengths, outcomes)


def report_lines(result: MunicipalityResult) -> list[str]:
    """The comparison table in Dutch, next to the Divosa figures."""
    pop = result.population
    first = next(iter(result.outcomes.values()))
    f = first.figures

    def pct(x: float) -> str:
        return f"{100 * x:5.1f}%"

    def number(value: int) -> str:
        return f"{value:,}".replace(",", ".")

    lines = [
        f"Gemeente-simulatie: {number(result.households)} huishoudens "
        f"({number(pop.residents)} inwoners), {result.days} dagen, seed {result.seed}",
        f"  vroegsignalen: {pop.signals} ({f.signals_per_1000_per_month} per 1.000 inwoners per "
        f"maand; Divosa 2023: 4,0), meldingen: {pop.meldingen}, meervoudig "
        f"{f.multiple.percent}%, opeenvolgend {f.consecutive.percent}%",
        "  kalibratie (per poging, contactsterkte k): "
        f"brief {result.strengths.letter:.3f}, telefoon {result.strengths.phone:.3f}, "
        f"huisbezoek {result.strengths.visit:.3f}",
        "",
        f"  {'aanpak':<46} {'bereik':>7} {'alleen schr.':>12} {'≥1 bel':>7} {'≥1 bezoek':>9} "
        f"{'1-2 pog.':>8} {'≥4 pog.':>8} {'hulp':>6} {'hulp/ber.':>9} {'pog.':>5} {'€/melding':>9}",
    ]
    for outcome in result.outcomes.values():
        g = outcome.figures
        buckets = g.reach_by_attempt_count
        one_two = _share(buckets["1-2"]) if "1-2" in buckets else 0.0
        four = _share(buckets["4+"]) if "4+" in buckets else 0.0
        lines.append(
            f"  {outcome.strategy.name:<46} {pct(_share(g.reach)):>7} "
            f"{pct(_share(g.reach_written_only)):>12} {pct(_share(g.reach_with_phone)):>7} "
            f"{pct(_share(g.reach_with_visit)):>9} {pct(one_two):>8} {pct(four):>8} "
            f"{pct(_share(g.help_accepted)):>6} {pct(_share(g.help_accepted_of_reached)):>9} "
            f"{outcome.attempts_per_melding:5.1f} {outcome.cost_per_melding_eur:9.2f}"
        )
    lines += [
        "",
        "  Divosa (monitor 2023): alleen schriftelijk 6%, ≥1 belpoging 59%, ≥1 huisbezoek 46%, "
        "1-2 pogingen 18%, ≥4 pogingen 37%; 35% van de bereikten neemt hulp aan; "
        "gemiddeld bereik ~20%.",
    ]
    return lines
