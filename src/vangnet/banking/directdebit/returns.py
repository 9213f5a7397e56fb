"""Returned debits (R-transactions): reverse the payment, tell the case, follow the policy.

``debit_return_register`` is the one entry point: the CAMT.053 import calls it for
return entries, ``sepa returns FILE.csv`` for a bank's return report. It is idempotent
on (end-to-end id, reason code): the same return twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction

from vangnet.banking.directdebit.collections import collection_schedule, collection_settle_one
from vangnet.banking.directdebit.constants import (
    REASON_MEANINGS_NL,
    SIGNAL_MONEY_TROUBLE,
    CollectionStatus,
    MandateStatus,
    ReturnFollowUp,
    SequenceType,
)
from vangnet.banking.directdebit.mandates import mandate_void, profile_get
from vangnet.banking.directdebit.models import Collection, DirectDebitProfile, Mandate
from vangnet.banking.directdebit.timeline import (
    CAUSE_CONTACT,
    CAUSE_DEBIT_RETURNED,
    dd_event,
)
from vangnet.core.errors import Invalid
from vangnet.core.money import AmountError, decimal_to_cents, format_euro, parse_amount
from vangnet.ledger.services import payment_reverse

REASON_RE = re.compile(r"^[A-Z]{2}[0-9]{2}$")


def reason_meaning(code: str) -> str:
    return REASON_MEANINGS_NL.get(code, "andere reden van de bank")


def return_rule(profile: DirectDebitProfile, code: str) -> dict[str, str]:
    policy = profile.return_policy or {}
    rule = policy.get(code) or policy.get("*") or {}
    follow_up = rule.get("follow_up", ReturnFollowUp.NONE)
    if follow_up not in ReturnFollowUp.values:
        follow_up = ReturnFollowUp.NONE
    return {"follow_up": follow_up, "signal": rule.get("signal", "")}


def debit_return_register(
    *,
    organisation_id: int,
    end_to_end_id: str,
    reason_code: str,
    returned_on: date,
    amount_cents: int | None = None,
    source: str = "",
    actor: Any = None,
) -> Collection:
    """Register a returned debit and apply the creditor's return policy.

    The payment of the collection is reversed (``ledger.services.payment_reverse``), so
    the invoice is open again; a collection that was exported but not yet settled is
    settled first, so the ledger shows the debit and its return, as a bank statement
    does. Raises ``Invalid`` (Dutch + English) for an unknown id, a collection that never
    went to the bank, another amount, or a second return with a different reason.
    """
    code = (reason_code or "").strip().upper()
    if not REASON_RE.match(code):
        raise Invalid(
            "reason_code",
            f"‘{reason_code}’ is geen geldige redencode (zoals AM04).",
            f"{reason_code!r} is not a reason code (like AM04).",
        )
    e2e = (end_to_end_id or "").strip()
    with transaction.atomic():
        try:
            c = (
                Collection.objects.select_for_update()
                .select_related("mandate", "account")
                .get(organisation_id=organisation_id, end_to_end_id=e2e)
            )
        except Collection.DoesNotExist:
            raise Invalid(
                "return_unknown",
                f"Geen incasso met end-to-end-ID ‘{e2e}’.",
                f"No collection with end-to-end id {e2e!r}.",
            ) from None
        if c.status == CollectionStatus.RETURNED:
            if c.return_reason == code:
                return c
            raise Invalid(
                "return_conflict",
                f"Incasso {e2e} is al gestorneerd met reden {c.return_reason}.",
                f"Collection {e2e} was already returned with reason {c.return_reason}.",
            )
        if c.status not in (CollectionStatus.EXPORTED, CollectionStatus.SETTLED):
            raise Invalid(
                "return_not_collected",
                f"Incasso {e2e} is nooit naar de bank gegaan (status: {c.get_status_display()}).",
                f"Collection {e2e} was never sent to the bank (status {c.status}).",
            )
        if amount_cents is not None and amount_cents != c.amount_cents:
            raise Invalid(
                "return_amount",
                f"Het bedrag {format_euro(amount_cents)} hoort niet bij incasso {e2e}"
                f" ({format_euro(c.amount_cents)}).",
                f"Amount {amount_cents} does not match collection {e2e} ({c.amount_cents}).",
            )
        if c.status == CollectionStatus.EXPORTED:
            c = collection_settle_one(c)
        payment_reverse(payment=c.payment, reversed_on=returned_on, reason=code, actor=actor)
        c.status = CollectionStatus.RETURNED
        c.returned_on = returned_on
        c.return_reason = code
        c.return_source = source[:64]
        c.save(update_fields=["status", "returned_on", "return_reason", "return_source"])
        mandate = Mandate.objects.select_for_update().get(pk=c.mandate_id)
        if (
            c.sequence_type == SequenceType.FIRST
            and not mandate.collections.filter(status=CollectionStatus.SETTLED).exists()
        ):
            # A returned first debit is not a first success: the next one is FRST again.
            mandate.sequence_type = SequenceType.FIRST
            mandate.save(update_fields=["sequence_type", "updated_at"])
        _follow_up(c, mandate, code, returned_on, actor)
    return c


def _follow_up(c: Collection, mandate: Mandate, code: str, on: date, actor: Any) -> None:
    profile = profile_get(organisation_id=c.organisation_id)
    rule = return_rule(profile, code)
    follow_up = rule["follow_up"]
    meaning = reason_meaning(code)
    represent: Collection | None = None
    note = ""
    if follow_up == ReturnFollowUp.REPRESENT:
        if c.represents_id is not None:
            follow_up, note = ReturnFollowUp.CONTACT, "al een keer opnieuw geprobeerd"
        elif mandate.status != MandateStatus.ACTIVE:
            follow_up, note = ReturnFollowUp.CONTACT, "machtiging is niet meer actief"
        else:
            represent = collection_schedule(
                mandate=mandate,
                amount_cents=c.amount_cents,
                reference=c.reference,
                remittance=c.remittance,
                earliest=on + timedelta(days=profile.represent_min_days),
                invoice=c.invoice,
                represents=c,
                today=on,
            )
    what = {
        ReturnFollowUp.REPRESENT: (
            f"we incasseren nog één keer op {represent.collection_date:%d-%m-%Y}"
            if represent
            else ""
        ),
        ReturnFollowUp.CONTACT: "neem contact op met de klant" + (f" ({note})" if note else ""),
        ReturnFollowUp.VOID_MANDATE: "de machtiging vervalt; vraag een nieuw rekeningnummer",
        ReturnFollowUp.NONE: "niet opnieuw incasseren",
    }[follow_up]
    details = {
        "reason_code": code,
        "meaning": meaning,
        "follow_up": follow_up,
        "end_to_end_id": c.end_to_end_id,
        "collection_id": c.pk,
        "amount_cents": c.amount_cents,
        "collection_date": c.collection_date.isoformat(),
        "represent_collection_id": represent.pk if represent else None,
        "signal": rule["signal"],
    }
    dd_event(
        account=c.account,
        cause=CAUSE_DEBIT_RETURNED,
        on=on,
        actor=actor,
        object_type="collection",
        object_id=c.pk,
        text=(
            f"Incasso van {format_euro(c.amount_cents)} ({c.collection_date:%d-%m-%Y})"
            f" gestorneerd: {code} {meaning}. Vervolg: {what}."
        ),
        details=details,
    )
    if rule["signal"] == SIGNAL_MONEY_TROUBLE:
        dd_event(
            account=c.account,
            cause=SIGNAL_MONEY_TROUBLE,
            on=on,
            actor=actor,
            object_type="collection",
            object_id=c.pk,
            text=(
                "Geldzorgen-signaal: de incasso lukte niet door onvoldoende saldo."
                " Bied hulp bij geldzaken of een betalingsregeling aan."
            ),
            details=details,
        )
    if follow_up == ReturnFollowUp.VOID_MANDATE:
        mandate_void(mandate=mandate, on=on, reason_code=code, meaning=meaning, actor=actor)
    elif follow_up == ReturnFollowUp.CONTACT:
        dd_event(
            account=c.account,
            cause=CAUSE_CONTACT,
            on=on,
            actor=actor,
            object_type="collection",
            object_id=c.pk,
            text=f"Neem contact op over de gestorneerde incasso ({code}: {meaning}).",
            details=details,
        )


# ---------------------------------------------------------------------------------------
# CSV import of a bank's return report


@dataclass
class ReturnsReport:
    registered: int = 0
    already_known: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


RETURN_COLUMNS = ("end_to_end_id", "reason_code", "date", "amount")


def returns_import_csv(
    *, organisation_id: int, path: Path | str, source: str = "", actor: Any = None
) -> ReturnsReport:
    """Register each line of a returns CSV (header: end_to_end_id, reason_code, date,
    amount; comma or semicolon). Each line is its own transaction: a bad line is reported
    with its number and reason and the good lines are kept; running the file again
    registers nothing twice."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in RETURN_COLUMNS[:3] if c not in header]
    report = ReturnsReport()
    if missing:
        report.errors.append((1, f"kolommen ontbreken: {', '.join(missing)}"))
        return report
    reader.fieldnames = header
    src = source or Path(path).name
    for lineno, row in enumerate(reader, start=2):
        try:
            e2e = (row.get("end_to_end_id") or "").strip()
            code = (row.get("reason_code") or "").strip().upper()
            try:
                on = date.fromisoformat((row.get("date") or "").strip())
            except ValueError:
                raise Invalid(
                    "date", "datum moet JJJJ-MM-DD zijn", "date must be YYYY-MM-DD"
                ) from None
            amount_text = (row.get("amount") or "").strip()
            cents = None
            if amount_text:
                try:
                    cents = decimal_to_cents(parse_amount(amount_text))
                except AmountError:
                    raise Invalid(
                        "amount", f"bedrag ‘{amount_text}’ onleesbaar", "bad amount"
                    ) from None
            before = Collection.objects.filter(
                organisation_id=organisation_id,
                end_to_end_id=e2e,
                return_reason=code,
                status=CollectionStatus.RETURNED,
            ).exists()
            debit_return_register(
                organisation_id=organisation_id,
                end_to_end_id=e2e,
                reason_code=code,
                returned_on=on,
                amount_cents=cents,
                source=src,
                actor=actor,
            )
            if before:
                report.already_known += 1
            else:
                report.registered += 1
        except Invalid as exc:
            report.errors.append((lineno, exc.nl))
    return report
