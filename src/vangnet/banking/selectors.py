"""Reads for the unmatched queue: the open entries and the accounts they might pay."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from vangnet.banking.constants import Direction, EntryStatus
from vangnet.banking.models import StatementEntry
from vangnet.core.money import AmountError, decimal_to_cents, parse_amount
from vangnet.ledger.models import Account, Invoice


def unmatched_entries(*, organisation_id: int | None, q: str = "") -> QuerySet[StatementEntry]:
    """Incoming payments no rule could place, newest first; ``q`` searches name, IBAN,
    text and (when it reads as one) the amount."""
    entries = StatementEntry.objects.filter(
        organisation_id=organisation_id,
        status=EntryStatus.UNMATCHED,
        direction=Direction.CREDIT,
    ).order_by("-booking_date", "-id")
    q = q.strip()
    if q:
        compact = re.sub(r"\s", "", q).upper()
        condition = (
            Q(party_name__icontains=q)
            | Q(remittance__icontains=q)
            | Q(creditor_reference__icontains=compact)
            | Q(party_iban__icontains=compact)
        )
        with contextlib.suppress(AmountError):
            condition |= Q(amount_cents=decimal_to_cents(parse_amount(q)))
        entries = entries.filter(condition)
    return entries


@dataclass(frozen=True)
class AccountCandidate:
    account: Account
    invoice: Invoice | None
    why: str


def account_candidates(*, organisation_id: int | None, q: str) -> list[AccountCandidate]:
    """Accounts named exactly by a customer, contract or invoice number or a
    betalingskenmerk (no fuzzy search: a wrong match books money on the wrong person)."""
    q = q.strip()
    if not q:
        return []
    found: list[AccountCandidate] = []
    seen: set[tuple[int, int | None]] = set()
    base = Account.objects.filter(organisation_id=organisation_id).select_related(
        "customer__person"
    )
    for account in base.filter(Q(customer__number__iexact=q) | Q(number__iexact=q))[:20]:
        seen.add((account.pk, None))
        found.append(AccountCandidate(account, None, "klantnummer/contractnummer"))
    digits = re.sub(r"[\s.]", "", q)
    invoices = (
        Invoice.objects.filter(organisation_id=organisation_id)
        .filter(Q(number__iexact=q) | Q(payment_reference=digits))
        .select_related("account__customer__person")[:20]
    )
    for invoice in invoices:
        if (invoice.account_id, invoice.pk) not in seen:
            seen.add((invoice.account_id, invoice.pk))
            found.append(AccountCandidate(invoice.account, invoice, "factuur"))
    return found
