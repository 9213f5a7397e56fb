"""Short links: create them in bulk for a batch of messages, resolve and count clicks.

A short link keeps SMS messages short and tells us that the message worked (a click is
a response: it rewards the message's experiment arms and appears once a day on the
case timeline). Codes are random, 8–10 characters from an alphabet without look-alikes
(no 0/O, 1/l/I), so they can be read aloud and cannot be guessed or enumerated.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction

import numpy as np

from vangnet.core.errors import Invalid
from vangnet.messaging.engagement import conf
from vangnet.messaging.engagement.constants import (
    CLICK_EVENT_CAUSE,
    CLICK_EVENT_TEXT,
    RewardSource,
)
from vangnet.messaging.engagement.experiments import reward_credit
from vangnet.messaging.engagement.models import Click, ShortLink
from vangnet.messaging.engagement.useragents import classify
from vangnet.strategy import bulk

try:  # COPY (PostgreSQL) raises psycopg's own error, not Django's wrapper
    from psycopg import IntegrityError as _CopyIntegrityError
except ImportError:  # pragma: no cover - SQLite-only installs
    _CopyIntegrityError = IntegrityError

ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
ZONE = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True, kw_only=True)
class LinkRequest:
    """One link to make: where it goes and what it belongs to."""

    target_url: str
    case_id: int | None = None
    outbox_message_id: int | None = None


_RANDOM = secrets.SystemRandom()  # the OS's CSPRNG, as ``secrets.choice`` uses


def new_code(length: int | None = None) -> str:
    return "".join(_RANDOM.choices(ALPHABET, k=length or conf.short_link_length()))


def target_check(url: str, hosts: Sequence[str] | None = None) -> str:
    """Only http(s) to an allowed host: the redirector must not serve phishing."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(
            "shortlink_target",
            "Een korte link moet naar een webadres (http of https) gaan.",
            f"Short link target must be an absolute http(s) URL: {url!r}",
        )
    if parts.hostname not in (hosts if hosts is not None else conf.allowed_target_hosts()):
        raise Invalid(
            "shortlink_host",
            "Een korte link mag alleen naar ons eigen portaal of de betaalpagina gaan.",
            f"Host {parts.hostname!r} is not in VANGNET_SHORT_LINK_HOSTS",
        )
    return url


def shortlinks_create(
    *,
    organisation_id: int,
    requests: Sequence[LinkRequest],
    now: datetime,
    expires_at: datetime | None = None,
) -> list[str]:
    """One link per request; returns the codes in request order (what a template needs:
    ``short_url(code)``). COPY on PostgreSQL, one executemany on SQLite.

    Codes are drawn fresh. A clash with a stored code is very unlikely (100,000 new
    among a million stored: ~2e-5) but would make the INSERT fail on the unique
    constraint; the batch is then drawn again (three times, then the error stands).
    Cheaper than asking the table about every code first.
    """
    hosts = conf.allowed_target_hosts()
    for url in {r.target_url for r in requests}:
        target_check(url, hosts)
    if expires_at is None and conf.short_link_ttl_days() > 0:
        expires_at = now + timedelta(days=conf.short_link_ttl_days())
    created = bulk.datetime_value(now)
    expires = bulk.datetime_value(expires_at) if expires_at is not None else None
    for attempt in range(3):
        codes = _fresh_codes(len(requests))
        rows = [
            (code, r.target_url, organisation_id, r.case_id, r.outbox_message_id, created, expires)
            for code, r in zip(codes, requests, strict=True)
        ]
        try:
            with transaction.atomic():
                for start in range(0, len(rows), 5000):
                    bulk.insert_strict(ShortLink, _LINK_COLUMNS, rows[start : start + 5000])
            return codes
        except (IntegrityError, _CopyIntegrityError):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


_LINK_COLUMNS = [
    "code",
    "target_url",
    "organisation",
    "case_id",
    "outbox_message_id",
    "created_at",
    "expires_at",
]


def _fresh_codes(n: int) -> list[str]:
    """``n`` distinct random codes from one read of the OS's CSPRNG.

    Bytes below 224 (= 4 × 56) map uniformly onto the 56-letter alphabet (rejection
    sampling: no modulo bias); one ``token_bytes`` call instead of a system call per
    letter made a 100,000-link batch four times faster.
    """
    length = conf.short_link_length()
    letters = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
    codes: set[str] = set()
    while len(codes) < n:  # a set: no duplicates inside the batch either
        need = (n - len(codes)) * length
        raw = np.frombuffer(secrets.token_bytes(int(need * 1.2) + 64), dtype=np.uint8)
        raw = raw[raw < 4 * len(ALPHABET)]
        usable = (len(raw) // length) * length
        picked = letters[raw[:usable] % len(ALPHABET)].reshape(-1, length)
        codes.update(row.tobytes().decode() for row in picked[: n - len(codes)])
    out = list(codes)
    _RANDOM.shuffle(out)  # a set's order follows the hash; make it carry no meaning
    return out


def shortlink_create(
    *,
    organisation_id: int,
    target_url: str,
    now: datetime,
    case_id: int | None = None,
    outbox_message_id: int | None = None,
    expires_at: datetime | None = None,
) -> ShortLink:
    (code,) = shortlinks_create(
        organisation_id=organisation_id,
        requests=[
            LinkRequest(target_url=target_url, case_id=case_id, outbox_message_id=outbox_message_id)
        ],
        now=now,
        expires_at=expires_at,
    )
    return ShortLink.objects.get(code=code)


def short_url(code: str | ShortLink, *, base_url: str | None = None) -> str:
    """The full short URL for a code (``https://…/r/<code>``).

    Jinja-friendly: a plain function of a string, no database access, so the template
    renderer can expose it as a global — ``{{ short_url(link_code) }}`` — with the codes
    made beforehand in bulk by :func:`shortlinks_create`.
    """
    value = code.code if isinstance(code, ShortLink) else str(code)
    return f"{(base_url or conf.short_link_base_url()).rstrip('/')}/r/{value}"


def jinja_globals() -> dict[str, object]:
    """What the message renderer adds to its sandboxed environment's globals."""
    return {"short_url": short_url}


@dataclass(frozen=True)
class ClickResult:
    target_url: str
    bot: bool
    rewarded: int  # assignments rewarded by this click
    event_written: bool  # the once-a-day timeline event


def click_register(
    *, code: str, user_agent: str | None, at: datetime, head: bool = False
) -> ClickResult | None:
    """Record a request for ``code``; ``None`` when unknown or expired.

    Cheap on purpose (it runs on every tap): one indexed read, one INSERT; for a person
    (not a preview robot) one UPDATE of the message's assignments and one INSERT … ON
    CONFLICT DO NOTHING of the day's timeline event (its key makes it once per case
    per day). A ``HEAD`` request is a preview too.
    """
    if not code or len(code) > 10:
        return None
    row = (
        ShortLink.objects.filter(code=code)
        .values_list("id", "target_url", "case_id", "outbox_message_id", "expires_at")
        .first()
    )
    if row is None:
        return None
    link_id, target, case_id, outbox_id, expires_at = row
    if expires_at is not None and expires_at <= at:
        return None
    family, bot = classify(user_agent)
    bot = bot or head
    rewarded, event = 0, False
    with transaction.atomic():
        Click.objects.create(link_id=link_id, at=at, user_agent_family=family, bot=bot)
        if not bot:
            if outbox_id is not None:
                rewarded = reward_credit(
                    at=at, source=RewardSource.CLICK, outbox_message_ids=[outbox_id]
                )
            if case_id is not None:
                event = _click_event(case_id=case_id, link_id=link_id, at=at)
    return ClickResult(target, bot, rewarded, event)


def _click_event(*, case_id: int, link_id: int, at: datetime) -> bool:
    """Insert the day's "clicked" event unless it is there (INSERT … ON CONFLICT on its
    key); ``True`` when this click wrote it."""
    from vangnet.strategy import bulk
    from vangnet.strategy.constants import CaseEventKind
    from vangnet.strategy.models import CaseEvent

    day = at.astimezone(ZONE).date()
    row = (
        case_id,
        day,
        bulk.datetime_value(at),
        CaseEventKind.CONTACT.value,
        CLICK_EVENT_CAUSE,
        CLICK_EVENT_TEXT,
        bulk.json_text({"link": link_id}),
        f"link-click:{case_id}:{day.isoformat()}",
    )
    cols = bulk.columns(CaseEvent, ["case", "on", "at", "kind", "cause", "text", "details", "key"])
    collist = ", ".join(bulk.qn(c) for c in cols)
    marks = ", ".join(["%s"] * len(cols))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {bulk.table(CaseEvent)} ({collist}) VALUES ({marks})"
            f" ON CONFLICT DO NOTHING",
            row,
        )
        return cursor.rowcount == 1
