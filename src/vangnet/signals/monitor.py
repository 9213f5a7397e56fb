"""The Divosa/CBS monitor figures for a period, from plain records.

Definitions (DOMAIN.md "Figures to measure against", "The municipal side"): signals per
1,000 residents per month; meldingen (signals bundled per address); the share meervoudig
and opeenvolgend; contact attempts by kind and day part; **bereik** = share of meldingen
with a registered contact (an attempt that reached the resident); reach by method as
Divosa reports it — meldingen with written attempts only, with at least one phone
attempt, with at least one home visit — and by number of attempts; **hulpacceptatie** =
reached residents who accepted help (quick fix, arrangement, referral).

Pure functions over dataclasses, so the same code feeds the dashboard, the DDAS export
check and the simulator, and tests use hand-computed examples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from vangnet.signals.ddas import HELP_ACCEPTED_RESULTS, WRITTEN_CONTACTS


@dataclass(frozen=True)
class Attempt:
    kind: str  # DDAS contactsoort
    reached: bool
    day_part: str  # DDAS dagdeel


@dataclass(frozen=True)
class MeldingRecord:
    signal_count: int
    multiple: bool
    consecutive: bool
    attempts: Sequence[Attempt] = field(default_factory=tuple)
    result: str = ""  # a ddas.RESULTS key


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(100 * self.count) / self.total).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class MonitorFigures:
    residents: int
    months: int
    signals: int
    signals_per_1000_per_month: Decimal | None
    meldingen: int
    multiple: Share
    consecutive: Share
    attempts_by_kind: dict[str, int]
    attempts_by_day_part: dict[str, int]
    reach: Share
    reach_written_only: Share
    reach_with_phone: Share
    reach_with_visit: Share
    reach_by_attempt_count: dict[str, Share]
    help_accepted: Share  # of all meldingen
    help_accepted_of_reached: Share
    results: dict[str, int]


def _attempt_bucket(n: int) -> str:
    if n == 0:
        return "0"
    if n <= 2:
        return "1-2"
    if n == 3:
        return "3"
    return "4+"


def compute(*, residents: int, months: int, meldingen: Sequence[MeldingRecord]) -> MonitorFigures:
    if months < 1:
        raise ValueError("months must be at least 1")
    signals = sum(m.signal_count for m in meldingen)
    per_1000 = (
        (Decimal(signals) * 1000 / residents / months).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        if residents
        else None
    )
    kinds: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    reached = written_only = written_only_reached = 0
    phone = phone_reached = visit = visit_reached = 0
    by_count: dict[str, list[int]] = {}
    accepted = 0
    results: Counter[str] = Counter()
    for m in meldingen:
        is_reached = any(a.reached for a in m.attempts)
        kinds.update(a.kind for a in m.attempts)
        parts.update(a.day_part for a in m.attempts)
        reached += is_reached
        used = {a.kind for a in m.attempts}
        if used and used <= WRITTEN_CONTACTS:
            written_only += 1
            written_only_reached += is_reached
        if "Telefoon" in used:
            phone += 1
            phone_reached += is_reached
        if "Huisbezoek" in used:
            visit += 1
            visit_reached += is_reached
        bucket = by_count.setdefault(_attempt_bucket(len(m.attempts)), [0, 0])
        bucket[0] += is_reached
        bucket[1] += 1
        if m.result:
            results[m.result] += 1
        if is_reached and m.result in HELP_ACCEPTED_RESULTS:
            accepted += 1
    total = len(meldingen)
    return MonitorFigures(
        residents=residents,
        months=months,
        signals=signals,
        signals_per_1000_per_month=per_1000,
        meldingen=total,
        multiple=Share(sum(m.multiple for m in meldingen), total),
        consecutive=Share(sum(m.consecutive for m in meldingen), total),
        attempts_by_kind=dict(sorted(kinds.items())),
        attempts_by_day_part=dict(sorted(parts.items())),
        reach=Share(reached, total),
        reach_written_only=Share(written_only_reached, written_only),
        reach_with_phone=Share(phone_reached, phone),
        reach_with_visit=Share(visit_reached, visit),
        reach_by_attempt_count={k: Share(v[0], v[1]) for k, v in sorted(by_count.items())},
        help_accepted=Share(accepted, total),
        help_accepted_of_reached=Share(accepted, reached),
        results=dict(sorted(results.items())),
    )
