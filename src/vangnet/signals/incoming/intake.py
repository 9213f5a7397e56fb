"""Receiving signals: partners, the API record, the staff upload.

Idempotent on (partner, ID): a create that arrives twice returns the first signal; an
``update`` replaces the amounts and client details and appends to the event history; a
``close`` (the creditor's arrears are solved) is recorded on the signal. Bundling and
matching happen later in ``meldingen.signals_process`` so that a batch of a thousand
signals is matched and bundled set-based.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from vangnet.core.services import audit_record
from vangnet.signals import bundling
from vangnet.signals.incoming import auth
from vangnet.signals.incoming.models import IncomingSignal, SignalPartner
from vangnet.signals.incoming.wire import (
    FieldError,
    RecordInvalid,
    SignalRecord,
    csv_row_to_body,
    parse_signal,
)

MAX_UPLOAD_RECORDS = 50_000


def partner_create(
    *, name: str, partner_type: str, key_id: str, feedback_url: str = "", actor: Any = None
) -> tuple[SignalPartner, str]:
    """Register a sending organisation; returns the partner and its secret (shown once)."""
    secret = auth.secret_new()
    partner = SignalPartner.objects.create(
        name=name,
        partner_type=partner_type,
        key_id=key_id,
        secret_hash=auth.secret_hash(secret),
        feedback_url=feedback_url,
    )
    audit_record(
        action="signals_in.partner_created",
        summary=name,
        actor=actor,
        object_type="signalpartner",
        object_id=partner.pk,
    )
    return partner, secret


def _fields(record: SignalRecord) -> dict[str, Any]:
    c = record.client
    return {
        "signalled_on": record.signalled_on,
        "arose_on": record.arose_on,
        "end_of_supply_on": record.end_of_supply_on,
        "amount_cents": record.amount_cents,
        "crisis": record.crisis,
        "warm_handover": record.warm_handover,
        "municipality_code": record.municipality_code,
        "customer_number": record.customer_number,
        "creditor_contact": record.creditor_contact,
        "initials": c["initials"],
        "prefix": c["prefix"],
        "surname": c["surname"],
        "date_of_birth": c["date_of_birth"],
        "street": c["street"],
        "house_number": c["house_number"],
        "house_number_suffix": c["house_number_suffix"],
        "postcode": c["postcode"],
        "city": c["city"],
        "phone": c["phone"],
        "email": c["email"],
        "address_key": bundling.address_key(
            c["postcode"], c["house_number"], c["house_number_suffix"]
        ),
    }


def _event(kind: str, at: datetime, **extra: Any) -> dict[str, Any]:
    return {"event": kind, "at": at.isoformat(), **extra}


@dataclass(frozen=True)
class Receipt:
    signal: IncomingSignal
    outcome: str  # received | duplicate | updated | closed


def _apply(*, partner: SignalPartner, record: SignalRecord, now: datetime) -> Receipt:
    """Write one validated record (inside the caller's transaction)."""
    existing = (
        IncomingSignal.objects.select_for_update()
        .filter(partner=partner, external_id=record.id)
        .first()
    )
    if record.event == "create":
        if existing is not None:
            return Receipt(existing, "duplicate")
        try:
            with transaction.atomic():
                signal = IncomingSignal.objects.create(
                    partner=partner,
                    external_id=record.id,
                    received_at=now,
                    events=[_event("create", now)],
                    **_fields(record),
                )
        except IntegrityError:  # a concurrent request with the same ID won
            return Receipt(
                IncomingSignal.objects.get(partner=partner, external_id=record.id), "duplicate"
            )
        return Receipt(signal, "received")
    if existing is None:
        raise RecordInvalid(
            [FieldError("signal.id", f"unknown signal {record.id!r} for {record.event}")]
        )
    if record.event == "update":
        for name, value in _fields(record).items():
            setattr(existing, name, value)
        existing.events = [*existing.events, _event("update", now)]
        existing.save()
        return Receipt(existing, "updated")
    existing.closed_by_partner_on = now.date()
    existing.events = [*existing.events, _event("close", now, reason=record.reason)]
    existing.save(update_fields=["closed_by_partner_on", "events"])
    return Receipt(existing, "closed")


@transaction.atomic
def signal_receive(
    *, partner: SignalPartner, record: SignalRecord, now: datetime | None = None
) -> Receipt:
    """One record from the API (already parsed and validated by ``wire``)."""
    now = now or timezone.now()
    receipt = _apply(partner=partner, record=record, now=now)
    if receipt.outcome != "duplicate":
        audit_record(
            action=f"signals_in.signal_{receipt.outcome}",
            summary=f"{partner.name} {record.id}",
            process="api",
            object_type="incomingsignal",
            object_id=receipt.signal.pk,
        )
    return receipt


@dataclass
class ImportReport:
    """Per-record problems with their line number; counts of what was written."""

    errors: list[tuple[int, FieldError]] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    records: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _rows_csv(data: bytes) -> list[tuple[int, str, Any, list[FieldError]]]:
    text = data.decode("utf-8-sig")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = []
    for row in reader:
        if row.get(None):
            rows.append((reader.line_num, "create", {}, [FieldError("(row)", "too many columns")]))
            continue
        event, body, errors = csv_row_to_body({k: (v or "").strip() for k, v in row.items()})
        rows.append((reader.line_num, event, body, errors))
    return rows


def _rows_json(data: bytes) -> list[tuple[int, str, Any, list[FieldError]]]:
    parsed = json.loads(data.decode("utf-8"))
    items = parsed.get("signals") if isinstance(parsed, dict) else parsed
    if not isinstance(items, list):
        raise ValueError('expected a list of signals or {"signals": [...]}')
    rows = []
    for n, item in enumerate(items, start=1):
        if isinstance(item, dict) and "signal" in item:  # an API envelope
            rows.append((n, item.get("event", "create"), item["signal"], []))
        else:
            rows.append((n, "create", item, []))
    return rows


def signals_import(
    *,
    partner: SignalPartner,
    data: bytes,
    kind: str,
    actor: Any = None,
    today: date | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Staff upload (``kind`` "csv" or "json"): every record is checked first; the valid
    records are then written in one transaction, the invalid ones are reported with their
    line (CSV) or position (JSON) and nothing of them is stored."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    report = ImportReport()
    try:
        rows = _rows_csv(data) if kind == "csv" else _rows_json(data)
    except (UnicodeDecodeError, ValueError, csv.Error) as exc:
        report.errors.append((0, FieldError("(file)", f"cannot read the file: {exc}")))
        return report
    if len(rows) > MAX_UPLOAD_RECORDS:
        report.errors.append((0, FieldError("(file)", f"more than {MAX_UPLOAD_RECORDS} records")))
        return report
    valid: list[SignalRecord] = []
    seen: set[tuple[str, str]] = set()
    for line, event, body, pre_errors in rows:
        report.records += 1
        try:
            record = parse_signal(body, event=event, prefix="signal", today=today)
        except RecordInvalid as exc:
            report.errors.extend((line, e) for e in [*pre_errors, *exc.errors])
            continue
        if pre_errors:
            report.errors.extend((line, e) for e in pre_errors)
            continue
        if (record.event, record.id) in seen:
            report.errors.append((line, FieldError("id", f"{record.id!r} twice in this file")))
            continue
        seen.add((record.event, record.id))
        valid.append(record)
    with transaction.atomic():
        # Creates first, set-based: one query for the IDs that already exist.
        creates = [r for r in valid if r.event == "create"]
        known = set(
            IncomingSignal.objects.filter(
                partner=partner, external_id__in=[r.id for r in creates]
            ).values_list("external_id", flat=True)
        )
        new = [
            IncomingSignal(
                partner=partner,
                external_id=r.id,
                received_at=now,
                events=[_event("create", now, source="upload")],
                **_fields(r),
            )
            for r in creates
            if r.id not in known
        ]
        IncomingSignal.objects.bulk_create(new, batch_size=1000)
        report.outcomes["received"] = len(new)
        report.outcomes["duplicate"] = len(creates) - len(new)
        for r in valid:
            if r.event != "create":
                try:
                    with transaction.atomic():
                        receipt = _apply(partner=partner, record=r, now=now)
                except RecordInvalid as exc:
                    report.errors.extend((0, e) for e in exc.errors)
                    continue
                report.outcomes[receipt.outcome] = report.outcomes.get(receipt.outcome, 0) + 1
        audit_record(
            action="signals_in.upload",
            summary=f"{partner.name}: {report.records} records, {len(report.errors)} errors",
            actor=actor,
            object_type="signalpartner",
            object_id=partner.pk,
            details={"outcomes": report.outcomes, "errors": len(report.errors)},
        )
    return report
