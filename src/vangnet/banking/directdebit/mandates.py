"""Mandates: sign, revoke, change the collection day, void after a bank return, lapse.

Every change writes an event (the case timeline, else the audit log) and keeps
``Account.sepa_mandate_reference`` in step, so ledger pages and imports see the active
mandate without knowing this app.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from vangnet.banking.directdebit import validation
from vangnet.banking.directdebit.calendar import add_months, next_collection_date
from vangnet.banking.directdebit.constants import (
    MANDATE_LAPSE_MONTHS,
    CollectionStatus,
    MandateChannel,
    MandateStatus,
)
from vangnet.banking.directdebit.models import Collection, DirectDebitProfile, Mandate
from vangnet.banking.directdebit.timeline import (
    CAUSE_MANDATE_DAY,
    CAUSE_MANDATE_REVOKED,
    CAUSE_MANDATE_SIGNED,
    CAUSE_MANDATE_VOID,
    dd_event,
)
from vangnet.core.errors import Invalid
from vangnet.core.services import audit_record
from vangnet.ledger.models import Account

CHANNEL_NL = {
    MandateChannel.PAPER: "op papier",
    MandateChannel.PORTAL: "in het klantportaal",
    MandateChannel.PHONE: "via de telefoon",
}


def profile_get(*, organisation_id: int) -> DirectDebitProfile:
    try:
        return DirectDebitProfile.objects.get(organisation_id=organisation_id)
    except DirectDebitProfile.DoesNotExist:
        raise Invalid(
            "directdebit_not_configured",
            "Automatische incasso is nog niet ingesteld voor deze organisatie"
            " (incassant-ID, IBAN, incassodagen).",
            "Direct debit is not configured for this organisation (creditor id, IBAN, days).",
        ) from None


def _check_day(profile: DirectDebitProfile, collection_day: int) -> int:
    days = sorted(int(d) for d in profile.collection_days)
    if collection_day not in days:
        listed = ", ".join(str(d) for d in days)
        raise Invalid(
            "collection_day",
            f"Kies een incassodag uit: {listed}.",
            f"Choose a collection day from: {listed}.",
        )
    return collection_day


def _default_reference(account: Account) -> str:
    base = re.sub(r"[^A-Za-z0-9]", "", account.number)[:24] or str(account.pk)
    n = Mandate.objects.filter(account=account).count() + 1
    return f"VN-{base}-{n}"


@transaction.atomic
def mandate_sign(
    *,
    account: Account,
    iban: str,
    holder_name: str,
    collection_day: int,
    signed_on: date,
    channel: str,
    actor: Any = None,
    reference: str | None = None,
) -> Mandate:
    """Register a signed mandate; an earlier active mandate of the account is replaced.

    The IBAN is checked (schwifty) and the BIC derived from it where possible; the day
    must be one of the creditor's collection days. Raises ``Invalid`` with a Dutch reason.
    """
    profile = profile_get(organisation_id=account.organisation_id)
    _check_day(profile, collection_day)
    iban_compact, bic = validation.iban_normalise(iban)
    name = validation.sepa_text(holder_name, 70)
    if not name:
        raise Invalid(
            "holder_name",
            "Vul de naam van de rekeninghouder in.",
            "Enter the account holder's name.",
        )
    if channel not in MandateChannel.values:
        raise Invalid(
            "channel", "Onbekend kanaal van ondertekening.", f"Unknown channel {channel!r}."
        )
    account = Account.objects.select_for_update().get(pk=account.pk)
    ref = reference or _default_reference(account)
    validation.sepa_identifier(
        ref, what_nl="Het machtigingskenmerk", what_en="The mandate reference"
    )
    if Mandate.objects.filter(organisation_id=account.organisation_id, reference=ref).exists():
        raise Invalid(
            "mandate_reference_taken",
            f"Machtigingskenmerk {ref} is al in gebruik.",
            f"Mandate reference {ref} is already in use.",
        )
    for old in Mandate.objects.select_for_update().filter(
        account=account, status=MandateStatus.ACTIVE
    ):
        _end(
            old,
            status=MandateStatus.REVOKED,
            on=signed_on,
            reason="vervangen door een nieuwe machtiging",
        )
    mandate = Mandate.objects.create(
        organisation_id=account.organisation_id,
        account=account,
        reference=ref,
        debtor_name=name,
        iban=iban_compact,
        bic=bic,
        signed_on=signed_on,
        channel=channel,
        collection_day=collection_day,
    )
    Account.objects.filter(pk=account.pk).update(sepa_mandate_reference=ref)
    dd_event(
        account=account,
        cause=CAUSE_MANDATE_SIGNED,
        on=signed_on,
        actor=actor,
        object_id=mandate.pk,
        text=(
            f"Machtiging {ref} getekend {CHANNEL_NL.get(channel, channel)}: incasso op de"
            f" {collection_day}e van de maand van rekening {validation.mask_iban(iban_compact)}."
        ),
        details={
            "mandate_id": mandate.pk,
            "reference": ref,
            "collection_day": collection_day,
            "channel": channel,
        },
    )
    return mandate


def _end(mandate: Mandate, *, status: str, on: date, reason: str) -> int:
    """Set the end status and cancel collections that did not go to the bank yet."""
    mandate.status = status
    mandate.revoked_on = on
    mandate.status_reason = reason[:200]
    mandate.save(update_fields=["status", "revoked_on", "status_reason", "updated_at"])
    Account.objects.filter(pk=mandate.account_id, sepa_mandate_reference=mandate.reference).update(
        sepa_mandate_reference=""
    )
    return Collection.objects.filter(mandate=mandate, status=CollectionStatus.SCHEDULED).update(
        status=CollectionStatus.CANCELLED
    )


@transaction.atomic
def mandate_revoke(*, mandate: Mandate, on: date, reason: str = "", actor: Any = None) -> Mandate:
    """The customer withdraws the mandate: no new collections; scheduled ones are cancelled."""
    mandate = Mandate.objects.select_for_update().select_related("account").get(pk=mandate.pk)
    if mandate.status != MandateStatus.ACTIVE:
        return mandate
    cancelled = _end(mandate, status=MandateStatus.REVOKED, on=on, reason=reason or "ingetrokken")
    dd_event(
        account=mandate.account,
        cause=CAUSE_MANDATE_REVOKED,
        on=on,
        actor=actor,
        object_id=mandate.pk,
        text=f"Machtiging {mandate.reference} ingetrokken"
        + (f": {reason}" if reason else "")
        + (f". {cancelled} geplande incasso('s) geannuleerd." if cancelled else "."),
        details={"mandate_id": mandate.pk, "reason": reason, "cancelled": cancelled},
    )
    return mandate


@transaction.atomic
def mandate_void(
    *, mandate: Mandate, on: date, reason_code: str, meaning: str, actor: Any = None
) -> Mandate:
    """The bank says the account cannot be debited (AC04, AC06, MD01): ask for a new one."""
    mandate = Mandate.objects.select_for_update().select_related("account").get(pk=mandate.pk)
    if mandate.status != MandateStatus.ACTIVE:
        return mandate
    cancelled = _end(mandate, status=MandateStatus.VOID, on=on, reason=f"{reason_code} {meaning}")
    dd_event(
        account=mandate.account,
        cause=CAUSE_MANDATE_VOID,
        on=on,
        actor=actor,
        object_id=mandate.pk,
        text=(
            f"Machtiging {mandate.reference} is niet meer bruikbaar ({reason_code}: {meaning})."
            " Vraag de klant om een nieuw rekeningnummer en een nieuwe machtiging."
        ),
        details={"mandate_id": mandate.pk, "reason_code": reason_code, "cancelled": cancelled},
    )
    return mandate


@transaction.atomic
def mandate_change_day(
    *,
    mandate: Mandate,
    collection_day: int,
    actor: Any = None,
    today: date | None = None,
) -> Mandate:
    """Move the mandate to another of the creditor's days; collections not yet sent to the
    bank move with it, to a date that leaves room for a new pre-notification."""
    today = today or timezone.localdate()
    mandate = Mandate.objects.select_for_update().select_related("account").get(pk=mandate.pk)
    profile = profile_get(organisation_id=mandate.organisation_id)
    _check_day(profile, collection_day)
    if mandate.status != MandateStatus.ACTIVE:
        raise Invalid(
            "mandate_not_active",
            "Deze machtiging is niet actief.",
            "This mandate is not active.",
        )
    old = mandate.collection_day
    if old == collection_day:
        return mandate
    mandate.collection_day = collection_day
    mandate.save(update_fields=["collection_day", "updated_at"])
    earliest = today + timedelta(days=profile.prenotification_days)
    moved = []
    for c in Collection.objects.select_for_update().filter(
        mandate=mandate, status=CollectionStatus.SCHEDULED
    ):
        c.collection_date = next_collection_date(
            collection_day=collection_day, earliest=max(earliest, c.collection_date)
        )
        c.prenotified_at = None  # the customer must hear the new date
        moved.append(c)
    Collection.objects.bulk_update(moved, ["collection_date", "prenotified_at"])
    dd_event(
        account=mandate.account,
        cause=CAUSE_MANDATE_DAY,
        on=today,
        actor=actor,
        object_id=mandate.pk,
        text=(
            f"Incassodag van machtiging {mandate.reference} gewijzigd van de {old}e naar de"
            f" {collection_day}e van de maand."
        ),
        details={
            "mandate_id": mandate.pk,
            "from": old,
            "to": collection_day,
            "moved_collections": [c.pk for c in moved],
        },
    )
    return mandate


@transaction.atomic
def mandates_lapse(*, organisation_id: int, on: date) -> int:
    """Mark active mandates unused for 36 months as lapsed (DOMAIN.md "SEPA"); set-based.

    "Unused" counts from the last collection, or from the signature when never used.
    """
    cutoff = add_months(on, -MANDATE_LAPSE_MONTHS)
    base = Mandate.objects.filter(organisation_id=organisation_id, status=MandateStatus.ACTIVE)
    lapsing = base.filter(last_collected_on__lt=cutoff) | base.filter(
        last_collected_on__isnull=True, signed_on__lt=cutoff
    )
    ids = list(lapsing.values_list("id", flat=True))
    if not ids:
        return 0
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        Collection.objects.filter(mandate_id__in=chunk, status=CollectionStatus.SCHEDULED).update(
            status=CollectionStatus.CANCELLED
        )
        refs = Mandate.objects.filter(id__in=chunk).values_list("reference", flat=True)
        Account.objects.filter(
            organisation_id=organisation_id, sepa_mandate_reference__in=list(refs)
        ).update(sepa_mandate_reference="")
        Mandate.objects.filter(id__in=chunk).update(
            status=MandateStatus.LAPSED,
            revoked_on=on,
            status_reason=f"{MANDATE_LAPSE_MONTHS} maanden niet gebruikt",
        )
    audit_record(
        action="directdebit_mandates_lapse",
        summary=f"{len(ids)} machtigingen vervallen (laatste incasso voor {cutoff})",
        object_type="organisation",
        object_id=organisation_id,
        details={"mandate_ids": ids[:1000], "count": len(ids), "cutoff": cutoff.isoformat()},
    )
    return len(ids)
