"""Scheduling collections, the pre-notification text, and settling collected debits.

A collection date is always the mandate's collection day (moved to a business day) and
never earlier than the pre-notification allows (DOMAIN.md "SEPA": 14 days). Scheduling
is idempotent: one scheduled-or-exported collection per reference and per invoice (the
model's partial unique constraints), so a re-run adds nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from vangnet.banking.directdebit import validation
from vangnet.banking.directdebit.calendar import next_collection_date
from vangnet.banking.directdebit.constants import (
    ACTIVE_COLLECTION,
    MAX_AMOUNT_CENTS,
    CollectionStatus,
    MandateStatus,
    SequenceType,
)
from vangnet.banking.directdebit.mandates import profile_get
from vangnet.banking.directdebit.models import Collection, Mandate
from vangnet.core.errors import Invalid
from vangnet.core.money import format_euro
from vangnet.core.services import audit_record
from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.constants import InvoiceKind, PaymentSource
from vangnet.ledger.models import Invoice, Payment
from vangnet.strategy.constants import HoldKind
from vangnet.strategy.models import Hold

# Holds during which invoices are not collected in full: a payment plan collects its own
# instalments (``collection_schedule``), a disputed invoice waits, debt help and death stop
# collection (DOMAIN.md).
NO_COLLECTION_HOLDS = (
    HoldKind.PAYMENT_PLAN,
    HoldKind.DISPUTE,
    HoldKind.MORATORIUM,
    HoldKind.DECEASED,
)

WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def new_end_to_end_id() -> str:
    """A unique end-to-end id (26 SEPA characters); the bank returns it with R-transactions."""
    return f"VN{uuid.uuid4().hex[:24].upper()}"


def dutch_date(day: date) -> str:
    """ "maandag 15 december 2026" — spelled out, independent of the server's locale."""
    return f"{WEEKDAYS_NL[day.weekday()]} {day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def _check_amount(amount_cents: int) -> None:
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise Invalid(
            "amount_not_positive",
            "Het bedrag van een incasso moet groter zijn dan € 0,00.",
            "A collection amount must be more than 0.",
        )
    if amount_cents > MAX_AMOUNT_CENTS:
        raise Invalid(
            "amount_too_large",
            "Het bedrag is hoger dan SEPA toestaat.",
            "The amount exceeds the SEPA maximum.",
        )


@transaction.atomic
def collection_schedule(
    *,
    mandate: Mandate,
    amount_cents: int,
    reference: str,
    remittance: str,
    earliest: date,
    invoice: Invoice | None = None,
    represents: Collection | None = None,
    today: date | None = None,
) -> Collection:
    """Schedule one collection on the mandate's next collection day on or after ``earliest``
    and after the pre-notification term; idempotent on ``reference``.

    Payment plans call this per instalment (``reference`` = the instalment's id). When a
    scheduled or exported collection with this reference exists, it is returned as is.
    """
    _check_amount(amount_cents)
    if not reference or len(reference) > 64:
        raise Invalid(
            "reference", "Geef een kenmerk (hooguit 64 tekens).", "Give a reference (≤ 64)."
        )
    today = today or timezone.localdate()
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    existing = Collection.objects.filter(
        organisation_id=mandate.organisation_id,
        reference=reference,
        status__in=ACTIVE_COLLECTION,
    ).first()
    if existing is not None:
        return existing
    if mandate.status != MandateStatus.ACTIVE:
        raise Invalid(
            "mandate_not_active",
            f"Machtiging {mandate.reference} is niet actief; er kan niet geïncasseerd worden.",
            f"Mandate {mandate.reference} is not active.",
        )
    profile = profile_get(organisation_id=mandate.organisation_id)
    first_allowed = today + timedelta(days=profile.prenotification_days)
    when = next_collection_date(
        collection_day=mandate.collection_day, earliest=max(earliest, first_allowed)
    )
    return Collection.objects.create(
        organisation_id=mandate.organisation_id,
        mandate=mandate,
        account_id=mandate.account_id,
        invoice=invoice,
        reference=reference,
        remittance=validation.sepa_text(remittance, 140) or reference[:140],
        amount_cents=amount_cents,
        collection_date=when,
        end_to_end_id=new_end_to_end_id(),
        represents=represents,
    )


def collections_schedule_open_invoices(*, organisation_id: int, on: date) -> int:
    """Give every open invoice of an account with an active mandate one collection.

    Set-based: one query finds the invoices (open, not already being collected, never
    returned — a returned debit follows the return policy, not this schedule — and not
    under a payment plan, dispute, debt help or after death), dates are
    computed in Python, rows are bulk-inserted; the unique constraint on active
    collections per invoice makes a concurrent or repeated run harmless.
    """
    profile = profile_get(organisation_id=organisation_id)
    first_allowed = on + timedelta(days=profile.prenotification_days)
    active_mandate = Mandate.objects.filter(
        account_id=OuterRef("account_id"), status=MandateStatus.ACTIVE
    )
    handled = Collection.objects.filter(
        invoice_id=OuterRef("pk"),
        status__in=[*ACTIVE_COLLECTION, CollectionStatus.RETURNED],
    )
    held = Hold.objects.filter(
        account_id=OuterRef("account_id"), kind__in=NO_COLLECTION_HOLDS, starts_on__lte=on
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    rows = (
        Invoice.objects.filter(
            organisation_id=organisation_id,
            kind=InvoiceKind.INVOICE,
            open_amount_cents__gt=0,
        )
        .annotate(
            mandate_id=Subquery(active_mandate.values("id")[:1]),
            collection_day=Subquery(active_mandate.values("collection_day")[:1]),
        )
        .filter(mandate_id__isnull=False)
        .filter(~Exists(handled), ~Exists(held))
        # Debt help (moratorium) and death stop collection, also without a Hold row.
        .exclude(account__customer__person__moratorium_until__gte=on)
        .exclude(account__customer__person__deceased_on__lte=on)
        .values_list(
            "id",
            "account_id",
            "mandate_id",
            "collection_day",
            "number",
            "description",
            "payment_reference",
            "due_date",
            "open_amount_cents",
        )
        .order_by("id")
    )
    batch: list[Collection] = []
    created = 0

    def flush() -> int:
        with transaction.atomic():
            made = Collection.objects.bulk_create(batch, ignore_conflicts=True)
        batch.clear()
        return len(made)

    for inv_id, acc_id, mandate_id, day, number, descr, pref, due, open_cents in rows.iterator(
        chunk_size=5000
    ):
        when = next_collection_date(collection_day=day, earliest=max(due, first_allowed))
        text = f"{descr or 'Factuur'} {number}" + (f" kenmerk {pref}" if pref else "")
        batch.append(
            Collection(
                organisation_id=organisation_id,
                mandate_id=mandate_id,
                account_id=acc_id,
                invoice_id=inv_id,
                reference=number,
                remittance=validation.sepa_text(text, 140),
                amount_cents=open_cents,
                collection_date=when,
                end_to_end_id=new_end_to_end_id(),
            )
        )
        if len(batch) >= 5000:
            created += flush()
    if batch:
        created += flush()
    if created:
        audit_record(
            action="directdebit_collections_schedule",
            summary=f"{created} incasso's gepland voor open facturen",
            object_type="organisation",
            object_id=organisation_id,
            details={"on": on.isoformat(), "count": created},
        )
    return created


def prenotification_text(collection: Collection) -> str:
    """The pre-notification sentence for invoices and messages (Dutch, B1).

    "We schrijven € 23,50 af op maandag 15 december 2026 van rekening NL…4300
    (kenmerk V202612000001)."
    """
    iban = validation.mask_iban(collection.mandate.iban)
    return (
        f"We schrijven {format_euro(collection.amount_cents)} af op"
        f" {dutch_date(collection.collection_date)} van rekening {iban}"
        f" (kenmerk {collection.reference})."
    )


def collections_mark_prenotified(*, collection_ids: Iterable[int], at: datetime) -> int:
    """Messaging calls this once the pre-notification went out."""
    return Collection.objects.filter(
        id__in=list(collection_ids), status=CollectionStatus.SCHEDULED
    ).update(prenotified_at=at)


@transaction.atomic
def collection_cancel(*, collection: Collection, reason: str = "", actor: Any = None) -> Collection:
    """Cancel a collection that has not gone to the bank yet."""
    c = Collection.objects.select_for_update().get(pk=collection.pk)
    if c.status != CollectionStatus.SCHEDULED:
        raise Invalid(
            "collection_not_scheduled",
            "Alleen een geplande incasso die nog niet naar de bank ging kan geannuleerd worden.",
            "Only a scheduled collection that has not been exported can be cancelled.",
        )
    c.status = CollectionStatus.CANCELLED
    c.save(update_fields=["status"])
    audit_record(
        action="directdebit_collection_cancel",
        actor=actor,
        object_type="collection",
        object_id=c.pk,
        summary=f"{c.end_to_end_id} geannuleerd {reason}",
    )
    return c


@dataclass(frozen=True)
class SettleResult:
    count: int
    total_cents: int


def _settle(collections: list[Collection]) -> SettleResult:
    """Register the payment of each exported collection and mark it settled (bulk).

    The payment is booked on the collection date with the end-to-end id as its bank
    reference (unique per organisation, so a repeat inserts nothing), then allocated for
    all touched accounts at once. The mandate becomes RCUR after its first success.
    """
    if not collections:
        return SettleResult(0, 0)
    Payment.objects.bulk_create(
        [
            Payment(
                organisation_id=c.organisation_id,
                account_id=c.account_id,
                booked_on=c.collection_date,
                amount_cents=c.amount_cents,
                unallocated_cents=c.amount_cents,
                source=PaymentSource.DIRECT_DEBIT,
                reference=c.end_to_end_id,
                invoice_reference=c.reference[:64],
                payer_iban=c.mandate.iban,
                payer_name=c.mandate.debtor_name[:140],
                description=c.remittance[:200],
            )
            for c in collections
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    # Set-based updates (no per-row CASE lists: Django's bulk_update is quadratic on
    # SQLite): the payment id is looked up by reference inside the UPDATE.
    ids = [c.pk for c in collections]
    Collection.objects.filter(id__in=ids).update(
        status=CollectionStatus.SETTLED,
        settled_on=F("collection_date"),
        payment_id=Subquery(
            Payment.objects.filter(
                organisation_id=OuterRef("organisation_id"), reference=OuterRef("end_to_end_id")
            ).values("id")[:1]
        ),
    )
    Mandate.objects.filter(id__in={c.mandate_id for c in collections}).update(
        sequence_type=SequenceType.RECURRING,
        last_collected_on=Subquery(
            Collection.objects.filter(mandate_id=OuterRef("pk"), status=CollectionStatus.SETTLED)
            .order_by("-collection_date")
            .values("collection_date")[:1]
        ),
    )
    allocate_accounts({c.account_id for c in collections})
    return SettleResult(len(collections), sum(c.amount_cents for c in collections))


def collections_settle(*, organisation_id: int, on: date) -> SettleResult:
    """Exported collections dated on or before ``on`` are taken as collected (idempotent).

    Returns arriving later reverse them (``debit_return_register``). Runs in chunks, each
    its own transaction, so a crash half-way leaves only whole chunks behind.
    """
    total = SettleResult(0, 0)
    while True:
        with transaction.atomic():
            chunk = list(
                Collection.objects.select_for_update()
                .select_related("mandate")
                .filter(
                    organisation_id=organisation_id,
                    status=CollectionStatus.EXPORTED,
                    collection_date__lte=on,
                )
                .order_by("id")[:5000]
            )
            if not chunk:
                break
            done = _settle(chunk)
        total = SettleResult(total.count + done.count, total.total_cents + done.total_cents)
    if total.count:
        audit_record(
            action="directdebit_collections_settle",
            summary=f"{total.count} incasso's afgeschreven, {format_euro(total.total_cents)}",
            object_type="organisation",
            object_id=organisation_id,
            details={"on": on.isoformat(), "count": total.count, "total_cents": total.total_cents},
        )
    return total


def collection_settle_one(collection: Collection) -> Collection:
    """Settle a single exported collection (a return arrived before the settle run)."""
    c = Collection.objects.select_related("mandate").get(pk=collection.pk)
    if c.status == CollectionStatus.EXPORTED:
        _settle([c])
    c.refresh_from_db()
    return c
