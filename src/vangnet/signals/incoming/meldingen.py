"""Matching signals to residents, bundling them into meldingen, and the BRP check.

``signals_process`` is the set-based step after intake: one query for candidate residents
(by postcode + house number), one for the history of the addresses, bulk writes for new
residents, addresses, meldingen and the signals. Signals that repeat an earlier one
(``bundling.is_repeat``) are marked "Niet opgepakt: herhaalde melding" and the partner
hears that they were not picked up. Every new melding waits in ``brp_check`` until staff
(or a ``BrpChecker``) confirm the resident in the population register.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from vangnet.core.errors import Invalid
from vangnet.parties.models import Address, Organisation, Person
from vangnet.rules.calendar_nl import add_working_days
from vangnet.signals import bundling, matching
from vangnet.signals.incoming import conf
from vangnet.signals.incoming.casework import _audit, melding_close, months_after
from vangnet.signals.incoming.constants import STATUS_REPEATED, FeedbackEvent, MeldingStatus
from vangnet.signals.incoming.feedback import feedback_queue
from vangnet.signals.incoming.models import IncomingSignal, Melding


def municipality_code_default() -> str:
    code = conf.municipality_code()
    if code:
        return code
    org = (
        Organisation.objects.filter(kind="municipality")
        .exclude(municipality_code="")
        .order_by("pk")
        .first()
    )
    return org.municipality_code.removeprefix("GM") if org else "0000"


def first_contact_due(*, crisis: bool, start: date) -> date | None:
    """In a threatening situation the first contact is due within 3 working days
    (Wgs art. 4); otherwise there is no statutory term (municipal policy)."""
    if not crisis:
        return None
    return add_working_days(start, conf.crisis_working_days())


def _received_on(signal: IncomingSignal) -> date:
    return timezone.localdate(signal.received_at)


def _incoming(signal: IncomingSignal) -> bundling.Incoming:
    return bundling.Incoming(
        id=str(signal.pk),
        address_key=signal.address_key,
        partner_key=f"{signal.partner_id}:{signal.customer_number or signal.address_key}",
        received_on=_received_on(signal),
        amount_cents=signal.amount_cents,
        arose_on=signal.arose_on,
    )


def _client(signal: IncomingSignal) -> matching.ClientData:
    return matching.ClientData(
        initials=signal.initials,
        prefix=signal.prefix,
        surname=signal.surname,
        date_of_birth=signal.date_of_birth,
        postcode=signal.postcode,
        house_number=signal.house_number,
    )


def _candidate(person: Person) -> matching.Candidate:
    address = person.address
    return matching.Candidate(
        person_id=person.pk,
        data=matching.ClientData(
            bsn=person.bsn or "",
            initials=person.initials,
            prefix=person.surname_prefix,
            surname=person.surname,
            date_of_birth=person.date_of_birth,
            postcode=address.postcode if address else "",
            house_number=str(address.house_number) if address else "",
        ),
    )


def _match_residents(signals: list[IncomingSignal], *, municipality_code: str) -> None:
    """Set ``person`` on every signal: the matching resident, or a new one (bulk)."""
    pairs = {(s.postcode, int(s.house_number)) for s in signals}
    postcodes = {p for p, _ in pairs}
    numbers = {n for _, n in pairs}
    candidates: dict[tuple[str, str], list[matching.Candidate]] = defaultdict(list)
    for person in Person.objects.filter(
        address__postcode__in=postcodes, address__house_number__in=numbers
    ).select_related("address"):
        c = _candidate(person)
        candidates[(c.data.postcode, c.data.house_number)].append(c)

    unmatched: list[IncomingSignal] = []
    for s in signals:
        result = matching.match(_client(s), candidates[(s.postcode, s.house_number)])
        if result.person_id is not None:
            s.person_id = result.person_id
            s.match_method = result.method
            s.match_score = Decimal(str(result.score))
        else:
            unmatched.append(s)
    if not unmatched:
        return

    # New residents: one per distinct client in this batch (two creditors may send the
    # same person), matched against each other with the same rules.
    addresses = {
        (a.postcode, a.house_number, a.house_number_suffix): a
        for a in Address.objects.filter(postcode__in=postcodes, house_number__in=numbers)
    }
    new_addresses = {}
    for s in unmatched:
        key = (s.postcode, int(s.house_number), s.house_number_suffix)
        if key not in addresses and key not in new_addresses:
            new_addresses[key] = Address(
                street=s.street or "?",
                house_number=int(s.house_number),
                house_number_suffix=s.house_number_suffix,
                postcode=s.postcode,
                city=s.city or "?",
                municipality_code=s.municipality_code or municipality_code,
            )
    Address.objects.bulk_create(new_addresses.values())
    addresses.update(new_addresses)

    proto: list[tuple[matching.Candidate, Person]] = []
    by_address: dict[tuple[str, str], list[matching.Candidate]] = defaultdict(list)
    owner: dict[int, int] = {}  # signal index -> proto index
    for i, s in enumerate(unmatched):
        result = matching.match(_client(s), by_address[(s.postcode, s.house_number)])
        if result.person_id is not None:
            owner[i] = result.person_id
            continue
        person = Person(
            initials=s.initials,
            surname_prefix=s.prefix,
            surname=s.surname,
            date_of_birth=s.date_of_birth,
            address=addresses[(s.postcode, int(s.house_number), s.house_number_suffix)],
        )
        candidate = matching.Candidate(person_id=len(proto), data=_client(s))
        by_address[(s.postcode, s.house_number)].append(candidate)
        proto.append((candidate, person))
        owner[i] = len(proto) - 1
    Person.objects.bulk_create([p for _, p in proto])
    for i, s in enumerate(unmatched):
        s.person_id = proto[owner[i]][1].pk
        s.match_method = "new"
        s.match_score = None


@dataclass
class ProcessReport:
    signals: int = 0
    meldingen_created: int = 0
    meldingen_updated: int = 0
    repeated: int = 0
    withdrawn: int = 0


@transaction.atomic
def signals_process(*, on: date | None = None, now: datetime | None = None) -> ProcessReport:
    """Match and bundle every signal not processed yet. Safe to re-run: processed signals
    are never taken again, and meldingen are unique per address and month."""
    on = on or timezone.localdate()
    now = now or timezone.now()
    report = ProcessReport()
    pending = list(
        IncomingSignal.objects.select_for_update(skip_locked=True)
        .filter(processed_at__isnull=True)
        .order_by("received_at", "pk")
    )
    if not pending:
        return report
    report.signals = len(pending)
    default_code = municipality_code_default()
    withdrawn = [s for s in pending if s.closed_by_partner_on]
    for s in withdrawn:  # solved before we picked it up: nothing to do, nothing to report
        s.status = "Niet opgepakt: andere reden"
        s.processed_at = now
        s.purge_after = months_after(on, conf.retention_months_not_picked_up())
    report.withdrawn = len(withdrawn)
    active = [s for s in pending if not s.closed_by_partner_on]
    if active:
        _match_residents(active, municipality_code=default_code)
        _bundle(active, on=on, now=now, report=report, default_code=default_code)
    _signals_write(pending)
    return report


SIGNAL_RESULT_FIELDS = (
    "status",
    "processed_at",
    "person_id",
    "match_method",
    "match_score",
    "melding_id",
    "purge_after",
)


def _signals_write(signals: list[IncomingSignal]) -> None:
    """One UPDATE per distinct outcome (resident, melding, status …), not a CASE per row.

    Signals of one resident share their outcome, so this is about one statement per
    resident; Django's ``bulk_update`` builds a CASE over every row and field, which
    measured ten times slower here (bench/bench_signals_in.py).
    """
    groups: dict[tuple, list[int]] = defaultdict(list)
    for s in signals:
        if s.melding is not None:
            s.melding_id = s.melding.pk
        groups[tuple(getattr(s, f) for f in SIGNAL_RESULT_FIELDS)].append(s.pk)
    for values, pks in groups.items():
        for start in range(0, len(pks), 500):
            IncomingSignal.objects.filter(pk__in=pks[start : start + 500]).update(
                **dict(zip(SIGNAL_RESULT_FIELDS, values, strict=True))
            )


def _bundle(
    signals: list[IncomingSignal],
    *,
    on: date,
    now: datetime,
    report: ProcessReport,
    default_code: str,
) -> None:
    by_id = {str(s.pk): s for s in signals}
    keys = {s.address_key for s in signals}
    first_month = min(_received_on(s) for s in signals).replace(day=1)
    since = bundling.months_before(
        first_month, max(bundling.CONSECUTIVE_MONTHS, bundling.REPEAT_MONTHS)
    )
    history = [
        _incoming(s)
        for s in IncomingSignal.objects.filter(
            address_key__in=keys, processed_at__isnull=False, received_at__date__gte=since
        ).only(
            "pk",
            "address_key",
            "partner_id",
            "customer_number",
            "received_at",
            "amount_cents",
            "arose_on",
        )
    ]
    bundled = bundling.bundle([_incoming(s) for s in signals], history=history)

    existing = {
        (m.municipality_code, m.address_key, m.month): m
        for m in Melding.objects.select_for_update().filter(
            address_key__in=keys, month__in={b.month for b in bundled}
        )
    }
    counts = defaultdict(int)
    for row in IncomingSignal.objects.filter(melding__in=existing.values()).values("melding_id"):
        counts[row["melding_id"]] += 1

    new_meldingen: list[tuple[Melding, list[IncomingSignal]]] = []
    updated: list[Melding] = []
    repeated_signals: list[IncomingSignal] = []
    for b in bundled:
        members = [by_id[i] for i in b.signal_ids]
        repeats = {by_id[i].pk for i in b.repeated_ids}
        for s in members:
            s.processed_at = now
            if s.pk in repeats:
                s.status = STATUS_REPEATED
                s.purge_after = months_after(on, conf.retention_months_not_picked_up())
                repeated_signals.append(s)
        fresh = [s for s in members if s.pk not in repeats]
        if not fresh:
            continue
        code = fresh[0].municipality_code or default_code
        crisis = any(s.crisis for s in fresh)
        person_id = fresh[0].person_id
        melding = existing.get((code, b.address_key, b.month))
        if melding is None:
            melding = Melding(
                municipality_code=code,
                address_key=b.address_key,
                month=b.month,
                multiple=b.multiple,
                consecutive=b.consecutive,
                crisis=crisis,
                status=MeldingStatus.BRP_CHECK,
                person_id=person_id,
                matched_on=on,
                first_contact_due=first_contact_due(crisis=crisis, start=on),
            )
            new_meldingen.append((melding, members))
            existing[(code, b.address_key, b.month)] = melding
        else:
            counts[melding.pk] += len(members)
            melding.multiple = melding.multiple or counts[melding.pk] >= 2
            melding.consecutive = melding.consecutive or b.consecutive
            if crisis and not melding.crisis:
                melding.crisis = True
                melding.first_contact_due = first_contact_due(crisis=True, start=on)
            melding.person_id = melding.person_id or person_id
            updated.append(melding)
            for s in members:
                s.melding = melding
    Melding.objects.bulk_create([m for m, _ in new_meldingen])
    for melding, members in new_meldingen:
        for s in members:
            s.melding = melding
    Melding.objects.bulk_update(
        updated, ["multiple", "consecutive", "crisis", "first_contact_due", "person"]
    )
    report.meldingen_created += len(new_meldingen)
    report.meldingen_updated += len({m.pk for m in updated})
    report.repeated += len(repeated_signals)
    feedback_queue(signals=repeated_signals, event=FeedbackEvent.NOT_PICKED_UP, on=on)


# ---------------------------------------------------------------------------------------
# BRP check


BRP_DECISIONS = ("confirmed", "not_resident", "deceased")


class BrpChecker(Protocol):
    """Answers whether a melding's resident lives here according to the BRP.

    Returns one of ``BRP_DECISIONS``, or None when a person has to look (the manual
    implementation always does). A real BRP connection (Haal Centraal BRP bevragen)
    plugs in here.
    """

    def check(self, melding: Melding) -> str | None: ...


class ManualBrpChecker:
    def check(self, melding: Melding) -> str | None:
        return None


@transaction.atomic
def melding_brp_decide(
    *, melding: Melding, decision: str, actor: Any = None, on: date | None = None
) -> Melding:
    """Staff (or a checker) confirm the resident, or close as not resident / deceased."""
    if decision not in BRP_DECISIONS:
        raise Invalid("brp", f"onbekende keuze {decision!r}", f"unknown decision {decision!r}")
    on = on or timezone.localdate()
    melding = Melding.objects.select_for_update().get(pk=melding.pk)
    if melding.status != MeldingStatus.BRP_CHECK:
        raise Invalid("brp_done", "de BRP-controle is al gedaan", "BRP check already done")
    user = actor if getattr(actor, "is_authenticated", False) else None
    melding.brp_confirmed_by = user
    melding.brp_confirmed_at = timezone.now()
    if decision != "confirmed":
        melding.save(update_fields=["brp_confirmed_by", "brp_confirmed_at"])
        if decision == "deceased" and melding.person_id:
            Person.objects.filter(pk=melding.person_id, deceased_on__isnull=True).update(
                deceased_on=on
            )
        return melding_close(melding=melding, result=decision, on=on, actor=actor)
    from vangnet.signals.incoming.outreach import segment_for

    melding.status = MeldingStatus.OUTREACH
    melding.picked_up_on = on
    melding.segment = segment_for(melding)
    melding.outreach_step = 0
    melding.outreach_next_on = on
    melding.save(
        update_fields=[
            "brp_confirmed_by",
            "brp_confirmed_at",
            "status",
            "picked_up_on",
            "segment",
            "outreach_step",
            "outreach_next_on",
        ]
    )
    feedback_queue(
        signals=list(
            IncomingSignal.objects.filter(melding=melding)
            .exclude(status=STATUS_REPEATED)
            .only("pk", "partner_id", "external_id")
        ),
        event=FeedbackEvent.PICKED_UP,
        on=on,
    )
    _audit(melding, "brp_confirmed", "BRP: inwoner bevestigd", actor)
    return melding


def brp_check_run(*, checker: BrpChecker, on: date | None = None) -> dict[str, int]:
    """Ask the checker about every melding waiting for the BRP check."""
    counts: dict[str, int] = defaultdict(int)
    for melding in Melding.objects.filter(status=MeldingStatus.BRP_CHECK).order_by("pk"):
        decision = checker.check(melding)
        if decision is None:
            counts["waiting"] += 1
            continue
        melding_brp_decide(melding=melding, decision=decision, on=on)
        counts[decision] += 1
    return dict(counts)
