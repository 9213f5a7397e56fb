"""Importing a bank statement and handling the entries reconciliation left open.

``statement_import`` streams the file in batches; each batch is one transaction that
stores its new entries (keys already present are skipped, so a re-import or a re-run
after a crash changes nothing), matches the credits (``reconcile``), and writes their
``Payment`` rows in bulk. After the last batch the touched accounts are allocated once
(``allocate_accounts``), then returned debits are registered and cases re-evaluated.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from vangnet.banking import conf
from vangnet.banking.bulk import rows_insert
from vangnet.banking.constants import CONFIDENCE, Direction, EntryStatus, MatchRule
from vangnet.banking.detect import statement_reader
from vangnet.banking.followup import ReturnOutcome, cases_reevaluate, returns_register
from vangnet.banking.models import KnownPayerIban, Statement, StatementEntry
from vangnet.banking.reconcile import reconcile
from vangnet.banking.records import CREDIT, EntryProblem, ParsedEntry, StatementInfo
from vangnet.banking.safexml import Source
from vangnet.core.services import audit_record
from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.constants import PaymentSource
from vangnet.ledger.models import Account, Invoice, Payment
from vangnet.ledger.services import payment_register
from vangnet.parties.models import Organisation

CHUNK = 2000
_PAYMENT_COLUMNS = (
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
    "reversal_reason",
    "created_at",
)
_ENTRY_ATTRS = (
    "organisation_id",
    "statement_id",
    "entry_key",
    "position",
    "amount_cents",
    "direction",
    "booking_date",
    "value_date",
    "account_servicer_reference",
    "end_to_end_id",
    "mandate_id",
    "creditor_reference",
    "remittance",
    "party_name",
    "party_iban",
    "bank_code",
    "return_reason",
    "status",
    "account_id",
    "invoice_id",
    "payment_id",
    "match_rule",
    "confidence",
    "note",
)
_ENTRY_FOREIGN_KEYS = {"organisation_id", "statement_id", "account_id", "invoice_id", "payment_id"}
_ENTRY_COLUMNS = (
    *(a.removesuffix("_id") if a in _ENTRY_FOREIGN_KEYS else a for a in _ENTRY_ATTRS),
    "created_at",
)


def _plain(value: Any) -> Any:
    """Choices enums as their stored value (psycopg would dump an Enum by its name)."""
    return value.value if isinstance(value, Enum) else value


@dataclass
class ImportResult:
    format: str = ""
    version: str = ""
    statements: int = 0
    entries: int = 0
    new: int = 0
    already_imported: int = 0
    credits: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    payments_created: int = 0
    allocations: int = 0
    reevaluated: int = 0
    reevaluation: str = ""
    returns: ReturnOutcome = field(default_factory=ReturnOutcome)
    problems: list[EntryProblem] = field(default_factory=list)
    dry_run: bool = False
    file_hash: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def matched(self) -> int:
        return self.by_status[EntryStatus.MATCHED]

    @property
    def summary(self) -> str:
        """The CLI's last line: matched credits of all credits (incoming payments)."""
        return f"matched {self.matched} of {self.credits} entries"


class _Run:
    """State of one import: statements seen, keys seen, accounts touched."""

    def __init__(
        self, organisation: Organisation, result: ImportResult, file_name: str, actor: Any
    ) -> None:
        self.organisation = organisation
        self.result = result
        self.file_name = file_name[:255]
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.statement_pks: dict[int, int] = {}
        self.created_statements: list[int] = []
        self.seen_keys: set[str] = set()
        self.touched: set[int] = set()
        self.paid_cents: Counter = Counter()  # account id -> cents booked in this run

    def statement_pk(self, info: StatementInfo) -> int:
        pk = self.statement_pks.get(id(info))
        if pk is None:
            statement, created = Statement.objects.get_or_create(
                organisation=self.organisation,
                account_iban=info.account_iban[:34],
                statement_id=info.statement_id[:128],
                defaults={
                    "format": info.format,
                    "version": info.version[:32],
                    "file_name": self.file_name,
                    "imported_by": self.actor,
                },
            )
            pk = self.statement_pks[id(info)] = statement.pk
            if created:
                self.created_statements.append(pk)
        return pk


@dataclass(slots=True)
class _Draft:
    """A new entry before it is written: plain attributes named like the model's columns.

    Building Django model instances for 100,000 rows cost more than reconciling them;
    these drafts go straight into ``rows_insert``.
    """

    organisation_id: int
    statement_id: int
    entry_key: str
    position: str
    amount_cents: int
    direction: str
    booking_date: Any
    value_date: Any
    account_servicer_reference: str
    end_to_end_id: str
    mandate_id: str
    creditor_reference: str
    remittance: str
    party_name: str
    party_iban: str
    bank_code: str
    return_reason: str
    status: str
    account_id: int | None = None
    invoice_id: int | None = None
    payment_id: int | None = None
    match_rule: str = ""
    confidence: int | None = None
    note: str = ""


def _classify(entry: ParsedEntry, row: _Draft) -> None:
    """Status of an entry that is not an ordinary incoming payment (else unmatched)."""
    if not entry.booked:
        row.status, row.note = EntryStatus.IGNORED, "niet geboekt (status PDNG/INFO)"
    elif entry.currency and entry.currency != "EUR":
        row.status, row.note = EntryStatus.IGNORED, f"valuta {entry.currency}"
    elif entry.direction != CREDIT:
        if entry.return_reason:
            row.status = EntryStatus.RETURNED
        else:
            row.status, row.note = EntryStatus.IGNORED, "afschrijving"
    elif entry.reversal:
        row.status, row.note = EntryStatus.IGNORED, "terugboeking van een afschrijving"


def _incoming(entry: ParsedEntry) -> bool:
    """An ordinary incoming payment in euros: what reconciliation tries to match."""
    return (
        entry.booked
        and entry.direction == CREDIT
        and not entry.reversal
        and entry.currency in ("EUR", "")
    )


def _row(run: _Run, entry: ParsedEntry, key: str) -> _Draft:
    row = _Draft(
        organisation_id=run.organisation.pk,
        statement_id=run.statement_pk(entry.statement),
        entry_key=key,
        position=entry.position[:64],
        amount_cents=entry.cents,
        direction=Direction.CREDIT if entry.direction == CREDIT else Direction.DEBIT,
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        account_servicer_reference=entry.account_servicer_reference[:64],
        end_to_end_id=entry.end_to_end_id[:64],
        mandate_id=entry.mandate_id[:64],
        creditor_reference=entry.creditor_reference[:64],
        remittance=entry.text[:500],
        party_name=entry.party_name[:140],
        party_iban=entry.party_iban[:34],
        bank_code=entry.bank_code[:35],
        return_reason=entry.return_reason[:8],
        status=EntryStatus.UNMATCHED,
    )
    _classify(entry, row)
    return row


def _existing(organisation_id: int, keys: list[str]) -> dict[str, tuple[str, int | None]]:
    found: dict[str, tuple[str, int | None]] = {}
    for start in range(0, len(keys), CHUNK):
        for key, status, account in StatementEntry.objects.filter(
            organisation_id=organisation_id, entry_key__in=keys[start : start + CHUNK]
        ).values_list("entry_key", "status", "account_id"):
            found[key] = (status, account)
    return found


def _write_batch(run: _Run, batch: list[ParsedEntry]) -> None:
    result, org_id = run.result, run.organisation.pk
    with transaction.atomic():
        keyed: list[tuple[ParsedEntry, str]] = []
        for entry in batch:
            key = entry.key
            if key in run.seen_keys:
                result.problems.append(
                    EntryProblem(
                        entry.position,
                        f"dubbele post (sleutel {key}); overgeslagen",
                        f"duplicate entry (key {key}); skipped",
                    )
                )
                continue
            run.seen_keys.add(key)
            keyed.append((entry, key))
        existing = _existing(org_id, [key for _, key in keyed])
        rows: list[_Draft] = []
        for entry, key in keyed:
            if key in existing:
                status, account = existing[key]
                result.already_imported += 1
                result.by_status[status] += 1
                result.credits += _incoming(entry)
                if account:
                    run.touched.add(account)
                continue
            try:
                row = _row(run, entry, key)
            except EntryProblem as problem:
                result.problems.append(problem)
                continue
            rows.append(row)
        credits = [r for r in rows if r.status == EntryStatus.UNMATCHED]
        matches = reconcile(organisation_id=org_id, entries=credits)
        matched = [(r, m) for r, m in zip(credits, matches, strict=True) if m is not None]
        references = [r.entry_key for r, _ in matched]
        payment_ids: dict[str, int] = {}
        for start in range(0, len(references), CHUNK):
            payment_ids.update(
                Payment.objects.filter(
                    organisation_id=org_id, reference__in=references[start : start + CHUNK]
                ).values_list("reference", "id")
            )
        today = timezone.localdate()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        new_payments = [
            (
                org_id,
                m.account_id,
                r.booking_date or r.value_date or today,
                r.amount_cents,
                r.amount_cents,
                PaymentSource.BANK_TRANSFER.value,
                r.entry_key,
                m.invoice_reference[:64],
                r.party_iban,
                r.party_name,
                r.remittance[:200],
                "",
                now,
            )
            for r, m in matched
            if r.entry_key not in payment_ids and r.amount_cents > 0
        ]
        rows_insert(Payment, _PAYMENT_COLUMNS, new_payments)
        created = [p[6] for p in new_payments]
        for start in range(0, len(created), CHUNK):
            payment_ids.update(
                Payment.objects.filter(
                    organisation_id=org_id, reference__in=created[start : start + CHUNK]
                ).values_list("reference", "id")
            )
        result.payments_created += len(new_payments)
        for row, match in matched:
            row.status = EntryStatus.MATCHED
            row.account_id = match.account_id
            row.invoice_id = match.invoice_id
            row.payment_id = payment_ids.get(row.entry_key)
            row.match_rule = match.rule
            row.confidence = match.confidence
            result.by_rule[match.rule] += 1
            run.touched.add(match.account_id)
            run.paid_cents[match.account_id] += row.amount_cents
        rows_insert(
            StatementEntry,
            _ENTRY_COLUMNS,
            [(*tuple(_plain(getattr(r, name)) for name in _ENTRY_ATTRS), now) for r in rows],
        )
        result.new += len(rows)
        result.credits += len(credits)
        for row in rows:
            result.by_status[row.status] += 1


def _finish_statements(run: _Run, statements: list[StatementInfo]) -> None:
    for info in statements:  # statements without entries still get their row
        run.statement_pk(info)
    pks = sorted(set(run.statement_pks.values()))
    if run.created_statements:
        Statement.objects.filter(pk__in=run.created_statements).update(
            file_hash=run.result.file_hash
        )
    counts: dict[int, Counter] = {pk: Counter() for pk in pks}
    for start in range(0, len(pks), CHUNK):
        for row in (
            StatementEntry.objects.filter(statement_id__in=pks[start : start + CHUNK])
            .values("statement_id", "status")
            .annotate(n=Count("id"))
        ):
            counts[row["statement_id"]][row["status"]] = row["n"]
    Statement.objects.bulk_update(
        [
            Statement(
                pk=pk,
                entry_count=sum(c.values()),
                matched_count=c[EntryStatus.MATCHED],
                unmatched_count=c[EntryStatus.UNMATCHED],
                returned_count=c[EntryStatus.RETURNED],
                ignored_count=c[EntryStatus.IGNORED],
            )
            for pk, c in counts.items()
        ],
        ["entry_count", "matched_count", "unmatched_count", "returned_count", "ignored_count"],
        batch_size=CHUNK,
    )


def _import(reader: Any, run: _Run, batch_size: int) -> None:
    result = run.result
    began = time.perf_counter()
    batch: list[ParsedEntry] = []
    for item in reader:
        if isinstance(item, EntryProblem):
            result.problems.append(item)
            continue
        result.entries += 1
        batch.append(item)
        if len(batch) >= batch_size:
            _write_batch(run, batch)
            batch = []
    if batch:
        _write_batch(run, batch)
    result.format, result.version = reader.statements[0].format, reader.version
    result.statements = len(reader.statements)
    result.file_hash = reader._reader.sha256.hexdigest()
    with transaction.atomic():
        _finish_statements(run, reader.statements)
    result.seconds["read_match_store"] = time.perf_counter() - began
    began = time.perf_counter()
    result.allocations = allocate_accounts(run.touched)
    result.seconds["allocate"] = time.perf_counter() - began
    audit_record(
        action="statement_import",
        actor=run.actor,
        object_type="statement",
        object_id=",".join(str(pk) for pk in sorted(set(run.statement_pks.values())))[:64],
        summary=f"{run.file_name or result.format}: {result.summary}",
        details={
            "file_hash": result.file_hash,
            "entries": result.entries,
            "new": result.new,
            "already_imported": result.already_imported,
            "by_status": dict(result.by_status),
            "by_rule": dict(result.by_rule),
            "payments_created": result.payments_created,
            "problems": len(result.problems),
        },
    )


def statement_import(
    *,
    organisation: Organisation,
    source: Source,
    file_name: str = "",
    dry_run: bool = False,
    actor: Any = None,
    limit: int | None = None,
    batch_size: int | None = None,
) -> ImportResult:
    """Import one CAMT.053 or MT940 file (a path or a binary stream) and reconcile it.

    Raises ``StatementRefused`` for a file that cannot be read at all (nothing is
    written); per-entry problems are collected in ``result.problems``. With
    ``dry_run`` everything is computed in a transaction that is rolled back.
    """
    result = ImportResult(dry_run=dry_run)
    if not file_name and not hasattr(source, "read"):
        file_name = str(source).rsplit("/", 1)[-1]
    run = _Run(organisation, result, file_name, actor)
    reader = statement_reader(source, limit=limit)
    size = batch_size or conf.import_batch_size()
    try:
        if dry_run:
            with transaction.atomic():
                _import(reader, run, size)
                transaction.set_rollback(True)
            return result
        _import(reader, run, size)
    finally:
        reader.close()
    began = time.perf_counter()
    result.returns = returns_register(organisation_id=organisation.pk, actor=actor)
    result.reevaluated, result.reevaluation = cases_reevaluate(
        account_ids=run.paid_cents, actor=actor, paid_cents=dict(run.paid_cents)
    )
    result.seconds["follow_up"] = time.perf_counter() - began
    return result


# -- the unmatched queue --------------------------------------------------------------


class EntryNotOpen(ValueError):
    """The entry was handled meanwhile (by someone else, or a re-import)."""


def _open_entry(entry_id: int, organisation_id: int) -> StatementEntry:
    entry = StatementEntry.objects.select_for_update().get(
        pk=entry_id, organisation_id=organisation_id
    )
    if entry.status != EntryStatus.UNMATCHED or entry.direction != Direction.CREDIT:
        raise EntryNotOpen(f"entry {entry_id} is {entry.status}")
    return entry


def entry_assign(
    *,
    entry_id: int,
    organisation_id: int,
    account: Account,
    invoice: Invoice | None = None,
    remember_iban: bool = False,
    actor: Any = None,
) -> Payment:
    """A person matched an entry: book the payment, allocate, remember, re-evaluate."""
    if account.organisation_id != organisation_id or (
        invoice is not None and invoice.account_id != account.pk
    ):
        raise ValueError("account and invoice must belong to the entry's organisation")
    with transaction.atomic():
        entry = _open_entry(entry_id, organisation_id)
        payment = payment_register(
            account=account,
            amount_cents=entry.amount_cents,
            booked_on=entry.booking_date or entry.value_date or timezone.localdate(),
            reference=entry.entry_key,
            source=PaymentSource.BANK_TRANSFER,
            invoice_reference=invoice.number if invoice else "",
            payer_iban=entry.party_iban,
            actor=actor,
        )
        user = actor if getattr(actor, "is_authenticated", False) else None
        entry.status = EntryStatus.MATCHED
        entry.account, entry.invoice, entry.payment = account, invoice, payment
        entry.match_rule, entry.confidence = MatchRule.MANUAL, CONFIDENCE[MatchRule.MANUAL]
        entry.handled_by, entry.handled_at = user, timezone.now()
        entry.save()
        remembered = False
        if remember_iban and entry.party_iban:
            _, remembered = KnownPayerIban.objects.get_or_create(
                organisation_id=organisation_id,
                iban=entry.party_iban,
                account=account,
                defaults={"created_by": user},
            )
        audit_record(
            action="statement_entry_assign",
            actor=actor,
            object_type="statement_entry",
            object_id=entry.pk,
            summary=f"{entry.entry_key} -> {account.number}"
            + (f" ({invoice.number})" if invoice else ""),
            details={
                "payment_id": payment.pk,
                "invoice_id": invoice.pk if invoice else None,
                "remembered_iban": entry.party_iban if remembered else "",
            },
        )
        _update_statement_counts(entry.statement_id)
    cases_reevaluate(
        account_ids=[account.pk], actor=actor, paid_cents={account.pk: entry.amount_cents}
    )
    return payment


def entry_ignore(*, entry_id: int, organisation_id: int, reason: str, actor: Any = None) -> None:
    """Take an entry off the queue on purpose (a refund of a deposit, a wrong transfer)."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required")
    with transaction.atomic():
        entry = _open_entry(entry_id, organisation_id)
        entry.status, entry.note = EntryStatus.IGNORED, reason[:200]
        entry.handled_by = actor if getattr(actor, "is_authenticated", False) else None
        entry.handled_at = timezone.now()
        entry.save(update_fields=["status", "note", "handled_by", "handled_at"])
        audit_record(
            action="statement_entry_ignore",
            actor=actor,
            object_type="statement_entry",
            object_id=entry.pk,
            summary=f"{entry.entry_key}: {reason}"[:500],
        )
        _update_statement_counts(entry.statement_id)


def _update_statement_counts(statement_id: int) -> None:
    counts = Counter(
        dict(
            StatementEntry.objects.filter(statement_id=statement_id)
            .values_list("status")
            .annotate(n=Count("id"))
        )
    )
    Statement.objects.filter(pk=statement_id).update(
        entry_count=sum(counts.values()),
        matched_count=counts[EntryStatus.MATCHED],
        unmatched_count=counts[EntryStatus.UNMATCHED],
        returned_count=counts[EntryStatus.RETURNED],
        ignored_count=counts[EntryStatus.IGNORED],
    )
