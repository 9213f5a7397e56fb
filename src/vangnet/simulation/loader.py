"""Writing a simulated population into the database, chunk by chunk.

Each chunk of households is generated in memory, gets its ids reserved, and is written
in one transaction with ``BulkWriter`` — so memory stays bounded at a million accounts
and a crash loses at most the chunk in flight (``population_purge`` then cleans up).
Open amounts, unallocated amounts and allocations come from ``generator.settle``, so the
ledger is consistent without running the allocation service afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from vangnet.ledger.constants import AccountKind
from vangnet.ledger.models import Account, Allocation, Customer, Invoice, Payment
from vangnet.parties.constants import ConsentPurpose, ContactKind
from vangnet.parties.models import (
    Address,
    Consent,
    ContactPoint,
    Household,
    Organisation,
    Person,
)
from vangnet.simulation.generator import Horizon, SimulatedCustomer, simulate_many
from vangnet.simulation.writer import BulkWriter

DEFAULT_CHUNK = 5000
CONSENT_SOURCE = "simulatie"

Progress = Callable[[int, int, float], None]

_ADDRESS = (
    "id",
    "street",
    "house_number",
    "house_number_suffix",
    "postcode",
    "city",
    "municipality_code",
    "municipality_name",
)
_HOUSEHOLD = ("id", "address", "created_at")
_PERSON = (
    "id",
    "initials",
    "given_name",
    "surname_prefix",
    "surname",
    "date_of_birth",
    "bsn",
    "household",
    "address",
    "language",
    "preferred_channels",
    "contact_window_start",
    "contact_window_end",
    "medical_necessity",
    "in_debt_help",
    "moratorium_until",
    "deceased_on",
    "created_at",
    "updated_at",
)
_CONTACT = ("id", "person", "kind", "value", "is_primary", "invalid_reason")
_CONSENT = ("id", "person", "purpose", "granted", "recorded_at", "source")
_CUSTOMER = ("id", "organisation", "number", "person", "created_at")
_ACCOUNT = (
    "id",
    "organisation",
    "customer",
    "number",
    "kind",
    "start_date",
    "end_date",
    "sepa_mandate_reference",
    "supply_address",
    "created_at",
    "updated_at",
)
_INVOICE = (
    "id",
    "organisation",
    "account",
    "number",
    "kind",
    "period_start",
    "period_end",
    "issue_date",
    "due_date",
    "amount_cents",
    "open_amount_cents",
    "payment_reference",
    "description",
)
_PAYMENT = (
    "id",
    "organisation",
    "account",
    "booked_on",
    "amount_cents",
    "unallocated_cents",
    "source",
    "reference",
    "invoice_reference",
    "payer_iban",
    "payer_name",
    "description",
    "reversed_on",
    "reversal_reason",
    "created_at",
)
_ALLOCATION = ("id", "invoice", "payment", "credit_note", "amount_cents", "allocated_at")


def payment_reference(index: int, position: int) -> str:
    """Bank reference of the ``position``-th payment (in booking order) of household ``index``."""
    return f"WBV{index:08d}-{position:03d}"


@dataclass
class LoadStats:
    households: int = 0
    persons: int = 0
    contact_points: int = 0
    accounts: int = 0
    invoices: int = 0
    payments: int = 0
    reversed_payments: int = 0
    allocations: int = 0
    seconds: float = 0.0
    behaviour: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return (
            2 * self.households
            + self.persons
            + self.contact_points
            + 2 * self.accounts
            + self.invoices
            + self.payments
            + self.allocations
        )


def chunk_write(
    writer: BulkWriter,
    organisation_id: int,
    sims: list[SimulatedCustomer],
    now: Any,
    stats: LoadStats,
) -> None:
    """Write one chunk of customers (call inside a transaction); ids are reserved here."""
    n = len(sims)
    n_persons = sum(len(s.household.persons) for s in sims)
    n_invoices = sum(len(s.invoices) for s in sims)
    n_payments = sum(len(s.payments) for s in sims)
    n_allocs = sum(len(s.allocations) for s in sims)
    address_id = writer.reserve(Address, n)
    household_id = writer.reserve(Household, n)
    person_id = writer.reserve(Person, n_persons)
    customer_id = writer.reserve(Customer, n)
    account_id = writer.reserve(Account, n)
    invoice_id = writer.reserve(Invoice, n_invoices)
    payment_id = writer.reserve(Payment, n_payments)
    allocation_id = writer.reserve(Allocation, n_allocs)

    addresses: list[tuple[Any, ...]] = []
    households: list[tuple[Any, ...]] = []
    persons: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    consents: list[tuple[Any, ...]] = []
    customers: list[tuple[Any, ...]] = []
    accounts: list[tuple[Any, ...]] = []
    invoices: list[tuple[Any, ...]] = []
    payments: list[tuple[Any, ...]] = []
    allocations: list[tuple[Any, ...]] = []
    for k, sim in enumerate(sims):
        hh, acc = sim.household, sim.account
        a = hh.address
        addr_pk, hh_pk, cust_pk, acc_pk = (
            address_id + k,
            household_id + k,
            customer_id + k,
            account_id + k,
        )
        addresses.append(
            (
                addr_pk,
                a.street,
                a.house_number,
                a.house_number_suffix,
                a.postcode,
                a.city,
                "",
                a.municipality_name,
            )
        )
        households.append((hh_pk, addr_pk, now))
        holder_pk = person_id
        for p in hh.persons:
            window = p.contact_window or (None, None)
            persons.append(
                (
                    person_id,
                    p.initials,
                    p.given_name,
                    p.surname_prefix,
                    p.surname,
                    p.date_of_birth,
                    None,
                    hh_pk,
                    addr_pk,
                    p.language,
                    list(p.preferred_channels),
                    window[0],
                    window[1],
                    p.medical_necessity,
                    p.in_debt_help,
                    None,
                    None,
                    now,
                    now,
                )
            )
            if p.email:
                contacts.append((None, person_id, ContactKind.EMAIL.value, p.email, True, ""))
            if p.mobile:
                contacts.append((None, person_id, ContactKind.MOBILE.value, p.mobile, True, ""))
            for purpose, granted in (
                (ConsentPurpose.SHARE_WITH_MUNICIPALITY, p.consent_share_with_municipality),
                (ConsentPurpose.DIGITAL_CONTACT, p.consent_digital_contact),
            ):
                if granted is not None:
                    consents.append((None, person_id, purpose.value, granted, now, CONSENT_SOURCE))
            person_id += 1
        customers.append((cust_pk, organisation_id, acc.customer_number, holder_pk, now))
        accounts.append(
            (
                acc_pk,
                organisation_id,
                cust_pk,
                acc.account_number,
                AccountKind.DRINKING_WATER.value,
                acc.start_date,
                None,
                acc.mandate_reference,
                addr_pk,
                now,
                now,
            )
        )
        first_invoice = invoice_id
        for inv, open_cents in zip(sim.invoices, sim.open_cents, strict=True):
            invoices.append(
                (
                    invoice_id,
                    organisation_id,
                    acc_pk,
                    inv.number,
                    inv.kind,
                    inv.period_start,
                    inv.period_end,
                    inv.issue_date,
                    inv.due_date,
                    inv.amount_cents,
                    open_cents,
                    inv.payment_reference,
                    inv.description,
                )
            )
            invoice_id += 1
        first_payment = payment_id
        payer_name = hh.holder.full_name[:140]
        for j, (pay, unallocated) in enumerate(
            zip(sim.payments, sim.unallocated_cents, strict=True)
        ):
            payments.append(
                (
                    payment_id,
                    organisation_id,
                    acc_pk,
                    pay.booked_on,
                    pay.amount_cents,
                    unallocated,
                    pay.source,
                    payment_reference(hh.index, j),
                    pay.invoice_reference,
                    sim.payer_iban,
                    payer_name,
                    pay.description,
                    pay.reversed_on,
                    pay.reversal_reason,
                    now,
                )
            )
            if pay.reversed_on is not None:
                stats.reversed_payments += 1
            payment_id += 1
        for al in sim.allocations:
            allocations.append(
                (
                    allocation_id,
                    first_invoice + al.invoice,
                    None if al.payment is None else first_payment + al.payment,
                    None if al.credit_note is None else first_invoice + al.credit_note,
                    al.amount_cents,
                    now,
                )
            )
            allocation_id += 1
        kind = hh.behaviour.kind.value
        stats.behaviour[kind] = stats.behaviour.get(kind, 0) + 1

    contact_id = writer.reserve(ContactPoint, len(contacts))
    contacts = [(contact_id + i, *row[1:]) for i, row in enumerate(contacts)]
    consent_id = writer.reserve(Consent, len(consents))
    consents = [(consent_id + i, *row[1:]) for i, row in enumerate(consents)]

    writer.insert(Address, _ADDRESS, addresses)
    writer.insert(Household, _HOUSEHOLD, households)
    writer.insert(Person, _PERSON, persons)
    writer.insert(ContactPoint, _CONTACT, contacts)
    writer.insert(Consent, _CONSENT, consents)
    writer.insert(Customer, _CUSTOMER, customers)
    writer.insert(Account, _ACCOUNT, accounts)
    writer.insert(Invoice, _INVOICE, invoices)
    writer.insert(Payment, _PAYMENT, payments)
    writer.insert(Allocation, _ALLOCATION, allocations)

    stats.households += n
    stats.persons += n_persons
    stats.contact_points += len(contacts)
    stats.accounts += n
    stats.invoices += n_invoices
    stats.payments += n_payments
    stats.allocations += n_allocs


def population_load(
    *,
    organisation: Organisation,
    households: int,
    horizon: Horizon,
    seed: int = 1,
    start: int = 0,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> LoadStats:
    """Generate and write ``households`` customers (indices ``start`` …) for one creditor.

    Household indices make customer, contract and invoice numbers unique within the
    organisation; load a second batch into the same organisation with another ``start``.
    """
    stats = LoadStats()
    began = time.perf_counter()
    writer = BulkWriter()
    now = writer.datetime_value(timezone.now())
    done = 0
    while done < households:
        size = min(chunk_size, households - done)
        # Generation is pure Python; doing it in child processes was measured slower on
        # two cores, because pickling the results costs more than generating them.
        sims = list(simulate_many(seed, horizon, size, start=start + done))
        with transaction.atomic():
            chunk_write(writer, organisation.pk, sims, now, stats)
        done += size
        if progress is not None:
            progress(done, households, time.perf_counter() - began)
    _analyze()
    stats.seconds = time.perf_counter() - began
    return stats


def _analyze() -> None:
    """Refresh planner statistics after a bulk load so the aging queries use the indexes."""
    tables = [m._meta.db_table for m in (Invoice, Payment, Allocation, Account, Customer)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


# Our own tables, in delete order (children first).
_OWN = (Allocation, Payment, Invoice, Account, Customer, ContactPoint, Consent, Person)


def population_purge(*, organisation: Organisation) -> int:
    """Delete an organisation's ledger and the people, households and addresses behind it.

    Set-based (a handful of DELETE … WHERE id IN (SELECT …) statements), because the
    ORM's cascading delete loads every row and takes hours at a million accounts. Rows of
    other apps that point at these records (cases, messages, …) are deleted first
    through the ORM so their own cascades run. People who are also customers of another
    organisation are kept. Returns the number of accounts removed.
    """
    from vangnet.strategy.purge import strategy_data_purge

    org = organisation.pk
    qn = connection.ops.quote_name

    def t(model: type[models.Model]) -> str:
        return qn(model._meta.db_table)

    # Rows of later apps that hang on the cases and actions (outbox messages, tasks,
    # plans, signals …) go first, then cases and actions; a journey choice is kept.
    _purge_case_dependants(org)
    strategy_data_purge(organisation_id=org, keep_policy=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {t(Account)} WHERE organisation_id = %s", [org])
        accounts = int(cursor.fetchone()[0])
        for name in ("sim_purge_person", "sim_purge_household", "sim_purge_address"):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE sim_purge_person AS SELECT DISTINCT person_id AS id"
            f" FROM {t(Customer)} WHERE organisation_id = %s AND person_id NOT IN"
            f" (SELECT person_id FROM {t(Customer)} WHERE organisation_id <> %s)",
            [org, org],
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE sim_purge_household AS SELECT DISTINCT household_id AS id"
            f" FROM {t(Person)} WHERE id IN (SELECT id FROM sim_purge_person)"
            f" AND household_id IS NOT NULL"
        )
        # Household members who are nobody's customer (partners) go with the household.
        cursor.execute(
            f"INSERT INTO sim_purge_person (id) SELECT id FROM {t(Person)}"
            f" WHERE household_id IN (SELECT id FROM sim_purge_household)"
            f" AND id NOT IN (SELECT person_id FROM {t(Customer)})"
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE sim_purge_address AS"
            f" SELECT address_id AS id FROM {t(Person)}"
            f"  WHERE id IN (SELECT id FROM sim_purge_person) AND address_id IS NOT NULL"
            f" UNION SELECT address_id FROM {t(Household)}"
            f"  WHERE id IN (SELECT id FROM sim_purge_household) AND address_id IS NOT NULL"
            f" UNION SELECT supply_address_id FROM {t(Account)}"
            f"  WHERE organisation_id = %s AND supply_address_id IS NOT NULL",
            [org],
        )
        _purge_dependants(org)
        cursor.execute(
            f"DELETE FROM {t(Allocation)} WHERE invoice_id IN"
            f" (SELECT id FROM {t(Invoice)} WHERE organisation_id = %s)"
            f" OR payment_id IN (SELECT id FROM {t(Payment)} WHERE organisation_id = %s)",
            [org, org],
        )
        for model in (Payment, Invoice, Account, Customer):
            cursor.execute(f"DELETE FROM {t(model)} WHERE organisation_id = %s", [org])
        for model in (ContactPoint, Consent):
            cursor.execute(
                f"DELETE FROM {t(model)} WHERE person_id IN (SELECT id FROM sim_purge_person)"
            )
        cursor.execute(f"DELETE FROM {t(Person)} WHERE id IN (SELECT id FROM sim_purge_person)")
        # Households and addresses only when nobody else (outside the purge) uses them.
        cursor.execute(
            f"DELETE FROM {t(Household)} WHERE id IN (SELECT id FROM sim_purge_household)"
            f" AND id NOT IN (SELECT household_id FROM {t(Person)}"
            f"  WHERE household_id IS NOT NULL)"
        )
        cursor.execute(
            f"DELETE FROM {t(Address)} WHERE id IN (SELECT id FROM sim_purge_address)"
            f" AND id NOT IN (SELECT address_id FROM {t(Person)} WHERE address_id IS NOT NULL)"
            f" AND id NOT IN (SELECT address_id FROM {t(Household)}"
            f"  WHERE address_id IS NOT NULL)"
            f" AND id NOT IN (SELECT supply_address_id FROM {t(Account)}"
            f"  WHERE supply_address_id IS NOT NULL)"
        )
        for name in ("sim_purge_person", "sim_purge_household", "sim_purge_address"):
            cursor.execute(f"DROP TABLE {name}")
    return accounts


def _delete_referencing(targets: dict[type[models.Model], str], *, skip: set) -> None:
    """ORM-delete (so cascades run) every row of other apps pointing at ``targets``."""
    # An app whose migration has not run yet has no table and hence nothing to delete.
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model in skip or model._meta.db_table not in tables:
            continue
        for f in model._meta.concrete_fields:
            sql = targets.get(f.related_model) if f.is_relation else None
            if sql is not None:
                model._base_manager.filter(
                    **{f"{f.attname}__in": models.expressions.RawSQL(sql, [])}
                ).delete()


def _purge_case_dependants(org: int) -> None:
    from vangnet.strategy.models import Action, Case, CaseEvent, DailyRun, Hold

    targets: dict[type[models.Model], str] = {
        Case: f"SELECT id FROM {Case._meta.db_table} WHERE organisation_id = {org}",
        Action: f"SELECT id FROM {Action._meta.db_table} WHERE organisation_id = {org}",
    }
    _delete_referencing(targets, skip={Case, Action, CaseEvent, DailyRun, Hold})


def _purge_dependants(org: int) -> None:
    """Delete rows of other apps that reference the ledger/parties rows about to go."""
    targets: dict[type[models.Model], str] = {
        Account: f"SELECT id FROM {Account._meta.db_table} WHERE organisation_id = {org}",
        Customer: f"SELECT id FROM {Customer._meta.db_table} WHERE organisation_id = {org}",
        Invoice: f"SELECT id FROM {Invoice._meta.db_table} WHERE organisation_id = {org}",
        Payment: f"SELECT id FROM {Payment._meta.db_table} WHERE organisation_id = {org}",
        Person: "SELECT id FROM sim_purge_person",
        Household: "SELECT id FROM sim_purge_household",
        ContactPoint: f"SELECT id FROM {ContactPoint._meta.db_table}"
        " WHERE person_id IN (SELECT id FROM sim_purge_person)",
    }
    _delete_referencing(targets, skip={*_OWN, Household, Address})


def population_exists(*, organisation: Organisation) -> int:
    return Account.objects.filter(organisation=organisation).count()


def today_default() -> date:
    return timezone.localdate()
