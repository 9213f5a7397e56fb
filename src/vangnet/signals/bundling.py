"""Bundling signals into meldingen per address, with the monitor's flags.

Definitions (DOMAIN.md "The municipal side", Divosa monitor): a *melding* bundles the
signals at one address in one month; **meervoudig** = at least two signals at that
address in the same month; **opeenvolgend** = another signal at the address within the
previous six months; a **herhaalde melding** is a signal from the same partner about the
same arrears that has not grown since a signal that was already received — it is not
picked up again (DDAS result "Niet opgepakt: herhaalde melding").
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

CONSECUTIVE_MONTHS = 6  # DOMAIN.md: opeenvolgend = within the previous 6 months
REPEAT_MONTHS = 6  # how far back an earlier signal of the same arrears counts as "recent"


def address_key(postcode: str, house_number: str | int, suffix: str = "") -> str:
    """``1234AB|10|a``: the same address however the sender spelled it."""
    pc = "".join(postcode.split()).upper()
    number = str(house_number).strip().lstrip("0")
    sfx = "".join(ch for ch in unicodedata.normalize("NFKD", suffix) if ch.isalnum()).lower()
    return f"{pc}|{number}|{sfx}"


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Incoming:
    """One received signal, reduced to what bundling needs."""

    id: str
    address_key: str
    partner_key: str  # the sending organisation + its customer number
    received_on: date
    amount_cents: int
    arose_on: date | None = None


@dataclass(frozen=True)
class Melding:
    address_key: str
    month: date  # first day of the month
    signal_ids: tuple[str, ...]
    multiple: bool  # meervoudig
    consecutive: bool  # opeenvolgend
    repeated_ids: tuple[str, ...]  # herhaalde meldingen inside this melding


def is_repeat(earlier: Incoming, later: Incoming, *, months: int = REPEAT_MONTHS) -> bool:
    """Same partner, same arrears (same start date when both know it), not increased."""
    if earlier.partner_key != later.partner_key or earlier.received_on > later.received_on:
        return False
    if earlier.received_on < months_before(later.received_on, months):
        return False
    if earlier.arose_on and later.arose_on and earlier.arose_on != later.arose_on:
        return False
    return later.amount_cents <= earlier.amount_cents


def bundle(signals: Iterable[Incoming], *, history: Iterable[Incoming] = ()) -> list[Melding]:
    """Group ``signals`` into meldingen; ``history`` holds earlier signals (earlier months).

    Everything is grouped in dictionaries by address, so a month of signals for a large
    municipality is one pass, not a query per signal.
    """
    current = sorted(signals, key=lambda s: (s.received_on, s.id))
    by_address: dict[str, list[Incoming]] = defaultdict(list)
    for s in sorted(history, key=lambda s: (s.received_on, s.id)):
        by_address[s.address_key].append(s)
    groups: dict[tuple[str, date], list[Incoming]] = defaultdict(list)
    for s in current:
        groups[(s.address_key, s.received_on.replace(day=1))].append(s)
    for s in current:
        by_address[s.address_key].append(s)

    meldingen = []
    for (key, month), members in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])):
        first = members[0].received_on
        earlier = [s for s in by_address[key] if s.received_on < month]
        consecutive = any(
            s.received_on >= months_before(first, CONSECUTIVE_MONTHS) for s in earlier
        )
        repeated = []
        for s in members:
            before = [
                e
                for e in by_address[key]
                if e.id != s.id and (e.received_on, e.id) < (s.received_on, s.id)
            ]
            if any(is_repeat(e, s) for e in before):
                repeated.append(s.id)
        meldingen.append(
            Melding(
                address_key=key,
                month=month,
                signal_ids=tuple(s.id for s in members),
                multiple=len(members) >= 2,
                consecutive=consecutive,
                repeated_ids=tuple(repeated),
            )
        )
    return meldingen
