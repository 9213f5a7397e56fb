"""Statutory interest for consumer debts (wettelijke rente, art. 6:119 BW).

Source: art. 6:119 BW [law] — interest runs from the day of default; after each full year
the interest of that year is added to the principal (lid 2, yearly compounding). The rate is
set each half year; the dated table below is configuration with DOMAIN.md's values as
defaults (6% from 1 Jul 2023, 7% from 1 Jan 2024 and from 1 Jul 2024 [practice]; later
rates [verify]). A date outside the table raises :class:`RateTableError` rather than guess.

Day count: within each interest year (default date to its anniversary) a period of ``n``
days earns ``rate × n / days in that interest year`` (actual/actual per interest year), so a
full year earns exactly the annual rate even in a leap year (DOMAIN.md vector: €1,000 from
2024-01-01 to 2025-01-01 at 7% = €70.00). Interest added at an anniversary is rounded
half-up to cents (as a ledger books it); the result is rounded half-up to cents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from vangnet.rules.decision import Decision, allow
from vangnet.rules.text import date_nl, eur_en, eur_nl

CENT = Decimal("0.01")


class RateTableError(ValueError):
    """A day of the interest period is not covered by the rate table."""


@dataclass(frozen=True)
class RatePeriod:
    """A rate valid from ``start`` (inclusive) to ``end`` (exclusive); ``rate`` as a fraction."""

    start: date
    end: date
    rate: Decimal

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a rate period must end after it starts")


RateTable = Sequence[RatePeriod]

# DOMAIN.md "Statutory interest for consumers": 6% from 1 Jul 2023, 7% from 1 Jan 2024 and
# 1 Jul 2024 [practice]. Half-year periods; extend with later rates once verified.
DEFAULT_RATES: tuple[RatePeriod, ...] = (
    RatePeriod(date(2023, 7, 1), date(2024, 1, 1), Decimal("0.06")),
    RatePeriod(date(2024, 1, 1), date(2024, 7, 1), Decimal("0.07")),
    RatePeriod(date(2024, 7, 1), date(2025, 1, 1), Decimal("0.07")),
)


def _anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February → 1 March in a non-leap year
        return date(start.year + years, 3, 1)


def _rate_segments(start: date, end: date, table: RateTable) -> list[tuple[date, date, Decimal]]:
    """Split [start, end) by the table; raise if any day is not covered."""
    segments: list[tuple[date, date, Decimal]] = []
    cursor = start
    for period in sorted(table, key=lambda p: p.start):
        if period.end <= cursor or period.start >= end:
            continue
        if period.start > cursor:
            break
        seg_end = min(period.end, end)
        segments.append((cursor, seg_end, period.rate))
        cursor = seg_end
        if cursor >= end:
            return segments
    raise RateTableError(
        f"no statutory interest rate configured for {cursor.isoformat()}; "
        "add the rate period to the table (DOMAIN.md: later rates [verify])"
    )


@dataclass(frozen=True)
class InterestLine:
    """One piece of the computation: a period within one interest year at one rate."""

    start: date
    end: date
    rate: Decimal
    base: Decimal
    days: int
    year_days: int
    interest: Decimal


def _compute(
    principal: Decimal, start: date, end: date, table: RateTable
) -> tuple[tuple[InterestLine, ...], Decimal]:
    if not isinstance(principal, Decimal) or not principal.is_finite() or principal < 0:
        raise ValueError("principal must be a finite Decimal of zero or more")
    if end < start:
        raise ValueError("the interest period ends before it starts")
    lines: list[InterestLine] = []
    base = principal
    total = Decimal(0)
    year = 0
    year_start = start
    with localcontext() as ctx:
        ctx.prec = 40
        while year_start < end:
            year_end = _anniversary(start, year + 1)
            stop = min(year_end, end)
            year_days = (year_end - year_start).days
            accrued = Decimal(0)
            for seg_start, seg_end, rate in _rate_segments(year_start, stop, table):
                days = (seg_end - seg_start).days
                part = base * rate * days / year_days
                accrued += part
                lines.append(InterestLine(seg_start, seg_end, rate, base, days, year_days, part))
            if stop == year_end:
                # art. 6:119 lid 2 BW: after each year the interest is added to the principal.
                booked = accrued.quantize(CENT, rounding=ROUND_HALF_UP)
                base += booked
                total += booked
            else:
                total += accrued
            year += 1
            year_start = year_end
    return tuple(lines), total.quantize(CENT, rounding=ROUND_HALF_UP)


def interest_lines(
    principal: Decimal, start: date, end: date, *, table: RateTable = DEFAULT_RATES
) -> tuple[InterestLine, ...]:
    """The computation of :func:`statutory_interest`, line by line (unrounded interest)."""
    return _compute(principal, start, end, table)[0]


def statutory_interest(
    principal: Decimal, start: date, end: date, *, table: RateTable = DEFAULT_RATES
) -> Decimal:
    """Statutory interest on ``principal`` in default from ``start`` up to ``end`` (exclusive).

    >>> statutory_interest(Decimal("1000"), date(2024, 1, 1), date(2025, 1, 1))
    Decimal('70.00')
    """
    return _compute(principal, start, end, table)[1]


def statutory_interest_decision(
    principal: Decimal, start: date, end: date, *, table: RateTable = DEFAULT_RATES
) -> Decision:
    """:func:`statutory_interest` with its lines as evidence."""
    lines, amount = _compute(principal, start, end, table)
    return allow(
        "interest_statutory",
        f"De wettelijke rente vanaf {date_nl(start)} is {eur_nl(amount)}.",
        f"Statutory interest from {start.isoformat()} is {eur_en(amount)} (art. 6:119 BW).",
        amount=amount,
        lines=lines,
    )
