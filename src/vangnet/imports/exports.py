"""Exports in the importers' own formats, so an export re-imports as "unchanged".

``;``-separated UTF-8 with the canonical (English) headers, decimal comma, ISO dates.
Rows are streamed with ``values_list(...).iterator()``; the customer export reads contact
points and consents per chunk of accounts, never per row. The BSN is not exported: the
importer leaves a stored BSN alone when the column is absent, and a file on someone's
laptop is the last place a BSN should be.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.db.models import Case, F, IntegerField, Value, When

from vangnet.core.money import cents_to_decimal
from vangnet.imports import customers, invoices, payments
from vangnet.ledger.models import Account, Invoice, Payment
from vangnet.parties.constants import ConsentPurpose, ContactKind
from vangnet.parties.models import Consent, ContactPoint, Organisation

CHUNK = 5000

CUSTOMER_HEADERS = [c.name for c in customers.COLUMNS if c.name != "bsn"]
INVOICE_HEADERS = [c.name for c in invoices.COLUMNS]
PAYMENT_HEADERS = [c.name for c in payments.COLUMNS]


def _amount(cents: int) -> str:
    return str(cents_to_decimal(cents)).replace(".", ",")


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def invoice_rows(organisation: Organisation) -> Iterator[list[str]]:
    qs = (
        Invoice.objects.filter(organisation=organisation)
        .order_by("id")
        .values_list(
            "number",
            "account__number",
            "kind",
            "issue_date",
            "due_date",
            "period_start",
            "period_end",
            "amount_cents",
            "payment_reference",
            "description",
        )
    )
    for number, account, kind, issued, due, start, end, cents, ref, desc in qs.iterator(CHUNK):
        yield [
            number,
            account,
            kind,
            _date(issued),
            _date(due),
            _date(start),
            _date(end),
            _amount(cents),
            ref,
            desc,
        ]


def payment_rows(organisation: Organisation) -> Iterator[list[str]]:
    qs = (
        Payment.objects.filter(organisation=organisation)
        .order_by("id")
        .values_list(
            "reference",
            "account__number",
            "booked_on",
            "amount_cents",
            "source",
            "invoice_reference",
            "payer_iban",
            "payer_name",
            "description",
        )
    )
    for ref, account, booked, cents, source, inv_ref, iban, name, desc in qs.iterator(CHUNK):
        yield [ref, account, _date(booked), _amount(cents), source, inv_ref, iban, name, desc]


_ACCOUNT_COLUMNS = (
    "customer__number",
    "number",
    "kind",
    "start_date",
    "end_date",
    "sepa_mandate_reference",
    "customer__person_id",
    "customer__person__initials",
    "customer__person__given_name",
    "customer__person__surname_prefix",
    "customer__person__surname",
    "customer__person__date_of_birth",
    "supply_address__street",
    "supply_address__house_number",
    "supply_address__house_number_suffix",
    "supply_address__postcode",
    "supply_address__city",
    "customer__person__preferred_channels",
    "customer__person__language",
)


def customer_rows(organisation: Organisation) -> Iterator[list[str]]:
    """One row per account; a customer's home-address account comes first.

    The importer takes person data (including the home address) from a customer's first
    row, so the account supplied at the person's address leads; that keeps the round
    trip unchanged when a customer has accounts at several addresses.
    """
    qs = (
        Account.objects.filter(organisation=organisation)
        .annotate(
            home_first=Case(
                When(supply_address_id=F("customer__person__address_id"), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("customer__number", "home_first", "number")
        .values_list(*_ACCOUNT_COLUMNS)
    )
    rows = qs.iterator(CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        yield from _customer_chunk(chunk)


def _customer_chunk(chunk: list[tuple[Any, ...]]) -> Iterator[list[str]]:
    person_ids = {r[6] for r in chunk}
    contact: dict[int, dict[str, str]] = {}
    for pid, kind, value in (
        ContactPoint.objects.filter(person_id__in=person_ids, invalid_since__isnull=True)
        .order_by("person_id", "-is_primary", "id")
        .values_list("person_id", "kind", "value")
    ):
        contact.setdefault(pid, {}).setdefault(kind, value)
    consent: dict[int, bool] = {}
    for pid, granted, withdrawn in (
        Consent.objects.filter(
            person_id__in=person_ids, purpose=ConsentPurpose.SHARE_WITH_MUNICIPALITY
        )
        .order_by("person_id", "-recorded_at", "-id")
        .values_list("person_id", "granted", "withdrawn_at")
    ):
        consent.setdefault(pid, granted and withdrawn is None)
    for (
        customer_number,
        number,
        kind,
        start,
        end,
        mandate,
        pid,
        initials,
        given,
        prefix,
        surname,
        born,
        street,
        house_number,
        suffix,
        postcode,
        city,
        channels,
        language,
    ) in chunk:
        points = contact.get(pid, {})
        granted = consent.get(pid)
        yield [
            customer_number,
            number,
            kind,
            _date(start),
            _date(end),
            mandate,
            initials,
            given,
            prefix,
            surname,
            _date(born),
            street or "",
            str(house_number) if house_number else "",
            suffix or "",
            postcode or "",
            city or "",
            points.get(ContactKind.EMAIL, ""),
            points.get(ContactKind.MOBILE, ""),
            points.get(ContactKind.LANDLINE, ""),
            ",".join(channels or []),
            language,
            "" if granted is None else ("ja" if granted else "nee"),
        ]


EXPORTS = {
    "customers": (CUSTOMER_HEADERS, customer_rows),
    "invoices": (INVOICE_HEADERS, invoice_rows),
    "payments": (PAYMENT_HEADERS, payment_rows),
}


def write_csv(fh: IO[str], headers: list[str], rows: Iterable[list[str]]) -> int:
    writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def export_to_file(*, kind: str, organisation: Organisation, path: Path | str) -> int:
    """Write ``kind`` for ``organisation`` to ``path``; returns the number of data rows."""
    headers, rows = EXPORTS[kind]
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        return write_csv(fh, headers, rows(organisation))
