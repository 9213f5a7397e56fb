"""Retention: purge signals and meldingen whose term has passed (STYLE.md 11).

A closed melding is kept ``VANGNET_SIGNALS_RETENTION_MONTHS`` (default 12) after closure;
a signal that was not followed up (repeated, withdrawn, not a resident…) only as long as
repeat recognition needs it (default 6 months). Purging deletes the signals, the
melding, its contact attempts and links, and the resident created from the signals when
nothing else refers to that person. Set-based and re-runnable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q

from vangnet.core.services import audit_record
from vangnet.signals.incoming.models import IncomingSignal, Melding, PartnerFeedback


@dataclass
class PurgeReport:
    signals: int = 0
    meldingen: int = 0
    persons: int = 0


@transaction.atomic
def signals_in_purge(*, on: date) -> PurgeReport:
    report = PurgeReport()
    meldingen = Melding.objects.filter(purge_after__lt=on, status="closed")
    melding_ids = list(meldingen.values_list("pk", flat=True))
    signals = IncomingSignal.objects.filter(
        Q(melding_id__in=melding_ids) | Q(melding__isnull=True, purge_after__lt=on)
    )
    person_ids = set(signals.exclude(person=None).values_list("person_id", flat=True))
    person_ids |= set(meldingen.exclude(person=None).values_list("person_id", flat=True))
    PartnerFeedback.objects.filter(signal__in=signals, status="sent").delete()
    report.signals = signals.delete()[1].get("signals_in.IncomingSignal", 0)
    report.meldingen = (
        Melding.objects.filter(pk__in=melding_ids).delete()[1].get("signals_in.Melding", 0)
    )
    report.persons = _persons_purge(person_ids)
    audit_record(
        action="signals_in.purge",
        summary=f"{report.signals} signalen, {report.meldingen} meldingen verwijderd",
        process="signals_in_purge",
        details={"on": on.isoformat(), **report.__dict__},
    )
    return report


def _persons_purge(person_ids: set[int]) -> int:
    """Delete residents that only existed because of signals (no other references)."""
    if not person_ids:
        return 0
    from django.db.models.deletion import ProtectedError

    from vangnet.parties.models import Person

    still = set(
        IncomingSignal.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True)
    ) | set(Melding.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True))
    from vangnet.ledger.models import Customer  # a creditor's customer is not ours to delete

    candidates = Person.objects.filter(pk__in=person_ids - still, bsn__isnull=True).exclude(
        pk__in=Customer.objects.values("person_id")
    )
    try:
        with transaction.atomic():
            return candidates.delete()[1].get("parties.Person", 0)
    except ProtectedError:  # someone else refers to one of them: go one by one
        pass
    deleted = 0
    for person in candidates:
        try:
            with transaction.atomic():
                person.delete()
                deleted += 1
        except ProtectedError:
            continue
    return deleted
