"""Payments from the bank or the billing system, inserted once per bank reference.

A payment is money that has been allocated the moment it arrived, so a re-imported
payment with a different amount is rejected (book a reversal and a new payment instead)
rather than rewritten under the allocations that rest on it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from vangnet.core.errors import Invalid
from vangnet.core.money import format_euro
from vangnet.imports.columns import Column, as_text, choice, parse_cents, parse_date, text
from vangnet.imports.records import BatchOutcome, ParsedRow
from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.constants import PaymentSource
from vangnet.ledger.models import Account, Payment
from vangnet.parties.models import Organisation
from vangnet.parties.validation import normalise_iban

SOURCES = {
    "overboeking": PaymentSource.BANK_TRANSFER,
    "bank": PaymentSource.BANK_TRANSFER,
    "bank_transfer": PaymentSource.BANK_TRANSFER,
    "transfer": PaymentSource.BANK_TRANSFER,
    "incasso": PaymentSource.DIRECT_DEBIT,
    "automatische_incasso": PaymentSource.DIRECT_DEBIT,
    "direct_debit": PaymentSource.DIRECT_DEBIT,
    "betaallink": PaymentSource.PAYMENT_LINK,
    "ideal": PaymentSource.PAYMENT_LINK,
    "payment_link": PaymentSource.PAYMENT_LINK,
    "handmatig": PaymentSource.MANUAL,
    "kas": PaymentSource.MANUAL,
    "manual": PaymentSource.MANUAL,
}

COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        (
            "bankreferentie",
            "referentie",
            "transactiereferentie",
            "transaction_id",
            "bank_reference",
        ),
        text(64),
        required=True,
    ),
    Column(
        "account_number",
        ("contractnummer", "contract", "contract_number", "klantnummer", "customer_number"),
        text(32),
        required=True,
    ),
    Column("booked_on", ("boekdatum", "datum", "booking_date", "date"), parse_date, True),
    Column("amount", ("bedrag", "amount_eur", "bedrag_eur"), parse_cents, required=True),
    Column("source", ("bron", "betaalwijze", "payment_method"), choice(SOURCES, "bron", "source")),
    Column(
        "invoice_reference",
        ("factuurverwijzing", "betalingskenmerk", "kenmerk", "factuurnummer", "payment_reference"),
        text(64),
    ),
    Column(
        "payer_iban",
        ("iban", "iban_betaler", "tegenrekening", "counterparty_iban"),
        as_text(normalise_iban),
    ),
    Column("payer_name", ("naam_betaler", "naam", "tegenpartij", "counterparty_name"), text(140)),
    Column("description", ("omschrijving", "mededeling", "remittance_information"), text(200)),
)

_FIELDS = (
    "account_id",
    "booked_on",
    "amount_cents",
    "source",
    "invoice_reference",
    "payer_iban",
    "payer_name",
    "description",
)


def check_row(values: dict[str, Any]) -> list[tuple[str, Invalid]]:
    if values["amount"] <= 0:
        return [
            (
                "amount",
                Invalid(
                    "amount",
                    "een betaling moet een positief bedrag hebben (storno's apart boeken)",
                    "a payment must have a positive amount (book reversals separately)",
                ),
            )
        ]
    return []


def _resolve_accounts(organisation: Organisation, numbers: set[str]) -> dict[str, int | None]:
    """Account number -> id; a customer number with exactly one account works too.

    ``None`` marks a customer number with several accounts (ambiguous).
    """
    found: dict[str, int | None] = dict(
        Account.objects.filter(organisation=organisation, number__in=numbers).values_list(
            "number", "id"
        )
    )
    rest = numbers - found.keys()
    if rest:
        by_customer: dict[str, list[int]] = defaultdict(list)
        for customer_number, account_id in Account.objects.filter(
            organisation=organisation, customer__number__in=rest
        ).values_list("customer__number", "id"):
            by_customer[customer_number].append(account_id)
        for customer_number, ids in by_customer.items():
            found[customer_number] = ids[0] if len(ids) == 1 else None
    return found


def write_batch(
    *, organisation: Organisation, rows: list[ParsedRow], state: dict[str, Any]
) -> BatchOutcome:
    outcome = BatchOutcome()
    existing = {
        r[0]: r[1:]
        for r in Payment.objects.filter(
            organisation=organisation, reference__in=[row.values["reference"] for row in rows]
        ).values_list("reference", "id", *_FIELDS, "unallocated_cents")
    }
    accounts = _resolve_accounts(organisation, {row.values["account_number"] for row in rows})
    to_create: list[Payment] = []
    to_update: list[Payment] = []
    touched: set[int] = set()
    for row in rows:
        v = row.values
        number = v["account_number"]
        if number not in accounts:
            outcome.reject(
                row,
                "account_number",
                Invalid(
                    "unknown_account",
                    f"onbekend contract- of klantnummer {number!r}",
                    f"unknown account or customer number {number!r}",
                ),
            )
            continue
        account_id = accounts[number]
        if account_id is None:
            outcome.reject(
                row,
                "account_number",
                Invalid(
                    "ambiguous_account",
                    f"klant {number!r} heeft meerdere contracten; geef het contractnummer",
                    f"customer {number!r} has several accounts; give the account number",
                ),
            )
            continue
        new = (
            account_id,
            v["booked_on"],
            v["amount"],
            v.get("source") or PaymentSource.BANK_TRANSFER,
            v.get("invoice_reference") or "",
            v.get("payer_iban") or "",
            v.get("payer_name") or "",
            v.get("description") or "",
        )
        old = existing.get(v["reference"])
        if old is None:
            to_create.append(
                Payment(
                    organisation_id=organisation.pk,
                    reference=v["reference"],
                    unallocated_cents=new[2],
                    **dict(zip(_FIELDS, new, strict=True)),
                )
            )
            outcome.imported += 1
            touched.add(account_id)
            continue
        payment_id, *old_fields, unallocated = old
        if tuple(old_fields) == new:
            outcome.unchanged += 1
            continue
        error = _update_error(v["reference"], old_fields, new, unallocated)
        if error is not None:
            outcome.reject(row, error[0], error[1])
            continue
        to_update.append(
            Payment(
                id=payment_id, unallocated_cents=unallocated, **dict(zip(_FIELDS, new, strict=True))
            )
        )
        outcome.updated += 1
        touched.add(account_id)
    Payment.objects.bulk_create(to_create, batch_size=2000)
    Payment.objects.bulk_update(to_update, list(_FIELDS), batch_size=500)
    if touched:
        allocate_accounts(touched)
    return outcome


def _update_error(
    reference: str, old: list[Any], new: tuple[Any, ...], unallocated: int
) -> tuple[str, Invalid] | None:
    if old[2] != new[2]:
        return (
            "amount",
            Invalid(
                "amount_changed",
                f"betaling {reference!r} is al verwerkt met bedrag {format_euro(old[2])}, "
                f"niet {format_euro(new[2])}; boek een storno en een nieuwe betaling",
                f"payment {reference!r} was already processed with amount "
                f"{format_euro(old[2])}, not {format_euro(new[2])}; book a reversal and a "
                "new payment",
            ),
        )
    if old[0] != new[0] and unallocated != old[2]:
        return (
            "account_number",
            Invalid(
                "allocated",
                f"betaling {reference!r} is al verrekend; het contract kan niet wijzigen",
                f"payment {reference!r} is already allocated; its account cannot change",
            ),
        )
    return None
