"""Invoices and credit notes from the billing system, upserted on invoice number.

An invoice may change after import (a corrected amount); money already allocated to it
stays allocated, so the open amount becomes ``new amount - allocated`` and a new amount
below what was already paid is refused rather than silently turning into a refund.
"""

from __future__ import annotations

from typing import Any

from vangnet.core.errors import Invalid
from vangnet.core.money import format_euro
from vangnet.imports.columns import Column, choice, parse_cents, parse_date, text
from vangnet.imports.records import BatchOutcome, ParsedRow
from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Account, Invoice, Payment
from vangnet.parties.models import Organisation

KINDS = {
    "factuur": InvoiceKind.INVOICE,
    "invoice": InvoiceKind.INVOICE,
    "creditnota": InvoiceKind.CREDIT_NOTE,
    "creditfactuur": InvoiceKind.CREDIT_NOTE,
    "credit": InvoiceKind.CREDIT_NOTE,
    "credit_note": InvoiceKind.CREDIT_NOTE,
}

COLUMNS: tuple[Column, ...] = (
    Column(
        "invoice_number",
        ("factuurnummer", "factuurnr", "invoice_no", "invoice"),
        text(32),
        required=True,
    ),
    Column(
        "account_number",
        ("contractnummer", "contract", "contract_number", "account", "klantnummer"),
        text(32),
        required=True,
    ),
    Column("kind", ("soort", "type", "document_type"), choice(KINDS, "soort", "kind")),
    Column("issue_date", ("factuurdatum", "datum", "invoice_date", "date"), parse_date, True),
    Column("due_date", ("vervaldatum", "vervaldag", "due"), parse_date, required=True),
    Column("period_start", ("periode_van", "periode_start", "period_from"), parse_date),
    Column("period_end", ("periode_tot", "periode_eind", "period_to"), parse_date),
    Column("amount", ("bedrag", "factuurbedrag", "amount_eur", "bedrag_eur"), parse_cents, True),
    Column(
        "payment_reference",
        ("betalingskenmerk", "betaalkenmerk", "kenmerk", "reference"),
        text(32),
    ),
    Column("description", ("omschrijving", "description_text"), text(200)),
)

# Values compared to classify a row as unchanged/updated (and written on update).
_FIELDS = (
    "account_id",
    "kind",
    "issue_date",
    "due_date",
    "period_start",
    "period_end",
    "amount_cents",
    "payment_reference",
    "description",
)


def check_row(values: dict[str, Any]) -> list[tuple[str, Invalid]]:
    """Cross-field checks; also turns a negative amount without a kind into a credit note."""
    problems: list[tuple[str, Invalid]] = []
    if values["amount"] < 0:
        if values.get("kind") is None:
            values["kind"] = InvoiceKind.CREDIT_NOTE
            values["amount"] = -values["amount"]
        else:
            problems.append(
                (
                    "amount",
                    Invalid(
                        "amount",
                        "negatief bedrag; een creditnota heeft een positief bedrag",
                        "negative amount; a credit note has a positive amount",
                    ),
                )
            )
    start, end = values.get("period_start"), values.get("period_end")
    if start and end and end < start:
        problems.append(
            (
                "period_end",
                Invalid(
                    "period",
                    "periode eindigt vóór het begin",
                    "period ends before it starts",
                ),
            )
        )
    return problems


def _unknown_account(number: str) -> Invalid:
    return Invalid(
        "unknown_account",
        f"onbekend contractnummer {number!r}; importeer eerst de klanten",
        f"unknown account number {number!r}; import the customers first",
    )


def write_batch(
    *, organisation: Organisation, rows: list[ParsedRow], state: dict[str, Any]
) -> BatchOutcome:
    """Upsert one batch: two reads, one bulk insert, one bulk update, then allocation."""
    outcome = BatchOutcome()
    existing = {
        r[0]: r[1:]
        for r in Invoice.objects.filter(
            organisation=organisation, number__in=[row.values["invoice_number"] for row in rows]
        ).values_list("number", "id", *_FIELDS, "open_amount_cents")
    }
    accounts = dict(
        Account.objects.filter(
            organisation=organisation,
            number__in={row.values["account_number"] for row in rows},
        ).values_list("number", "id")
    )
    to_create: list[Invoice] = []
    to_update: list[Invoice] = []
    credit_accounts: set[int] = set()
    written_accounts: set[int] = set()
    for row in rows:
        v = row.values
        account_id = accounts.get(v["account_number"])
        if account_id is None:
            outcome.reject(row, "account_number", _unknown_account(v["account_number"]))
            continue
        new = (
            account_id,
            v.get("kind") or InvoiceKind.INVOICE,
            v["issue_date"],
            v["due_date"],
            v.get("period_start"),
            v.get("period_end"),
            v["amount"],
            v.get("payment_reference") or "",
            v.get("description") or "",
        )
        old = existing.get(v["invoice_number"])
        if old is None:
            to_create.append(
                Invoice(
                    organisation_id=organisation.pk,
                    number=v["invoice_number"],
                    open_amount_cents=new[6],
                    **dict(zip(_FIELDS, new, strict=True)),
                )
            )
            outcome.imported += 1
        else:
            invoice_id, *old_fields, old_open = old
            if tuple(old_fields) == new:
                outcome.unchanged += 1
                continue
            allocated = old_fields[6] - old_open
            error = _update_error(old_fields, new, allocated)
            if error is not None:
                outcome.reject(row, error[0], error[1])
                continue
            to_update.append(
                Invoice(
                    id=invoice_id,
                    open_amount_cents=new[6] - allocated,
                    **dict(zip(_FIELDS, new, strict=True)),
                )
            )
            outcome.updated += 1
        written_accounts.add(account_id)
        if new[1] == InvoiceKind.CREDIT_NOTE:
            credit_accounts.add(account_id)
    Invoice.objects.bulk_create(to_create, batch_size=2000)
    Invoice.objects.bulk_update(to_update, [*_FIELDS, "open_amount_cents"], batch_size=500)
    if written_accounts:
        # New invoices may meet money that arrived before them (payments imported first).
        others = written_accounts - credit_accounts
        prepaid = set(
            Payment.objects.filter(account_id__in=others, unallocated_cents__gt=0)
            .values_list("account_id", flat=True)
            .distinct()
        ) | set(
            Invoice.objects.filter(
                account_id__in=others, kind=InvoiceKind.CREDIT_NOTE, open_amount_cents__gt=0
            )
            .values_list("account_id", flat=True)
            .distinct()
        )
        if prepaid or credit_accounts:
            allocate_accounts(prepaid | credit_accounts)
    return outcome


def _update_error(
    old: list[Any], new: tuple[Any, ...], allocated: int
) -> tuple[str, Invalid] | None:
    """Changes that would contradict money already allocated to this invoice."""
    if new[6] < allocated:
        return (
            "amount",
            Invalid(
                "below_allocated",
                f"nieuw bedrag {format_euro(new[6])} is lager dan wat al is verrekend "
                f"({format_euro(allocated)}); corrigeer met een creditnota",
                f"new amount {format_euro(new[6])} is below what is already allocated "
                f"({format_euro(allocated)}); correct it with a credit note",
            ),
        )
    if allocated and (old[0] != new[0] or old[1] != new[1]):
        column = "account_number" if old[0] != new[0] else "kind"
        return (
            column,
            Invalid(
                "allocated",
                "contract of soort kan niet wijzigen: er is al geld verrekend met deze factuur",
                "account or kind cannot change: money is already allocated to this invoice",
            ),
        )
    return None
