"""Exporting the scheduled collections of one date as a pain.008 batch.

Decisions (docs/direct-debit.md):
- Only ``scheduled`` collections are taken, under a row lock, and marked ``exported``
  in the same transaction that records the ``Batch``: a collection is never exported
  twice. Re-running a date with nothing new says "nothing to export"; collections
  scheduled later for the same date go into a second, separate batch.
- The XML is validated (our checks + the XSD) before anything is written; the file is
  written to a temporary name in the target folder, flushed and renamed as the last step
  of the transaction, so a crash leaves either nothing or a complete file. An existing
  file is never overwritten.
- The sequence type (FRST/RCUR) is fixed at export from the mandate's state.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from vangnet.banking.directdebit import conf
from vangnet.banking.directdebit.constants import CollectionStatus, MandateStatus
from vangnet.banking.directdebit.mandates import profile_get
from vangnet.banking.directdebit.models import Batch, Collection
from vangnet.banking.directdebit.pain008 import (
    BatchInvalid,
    Creditor,
    DebitLine,
    Problem,
    pain008_build,
)
from vangnet.core.money import format_euro
from vangnet.core.services import audit_record


@dataclass(frozen=True)
class ExportResult:
    batch: Batch | None
    count: int
    total_cents: int
    message: str


def new_message_id(organisation_id: int, collection_date: date) -> str:
    return f"VN{organisation_id}-{collection_date:%Y%m%d}-{uuid.uuid4().hex[:10].upper()}"


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            raise FileExistsError(f"{path} bestaat al; kies een andere bestandsnaam")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def batch_export(
    *, organisation_id: int, collection_date: date, out: Path | str, actor: Any = None
) -> ExportResult:
    """Write the pain.008 for all scheduled collections of ``collection_date`` to ``out``."""
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} bestaat al; kies een andere bestandsnaam")
    if not out.parent.is_dir():
        raise FileNotFoundError(f"map {out.parent} bestaat niet")
    profile = profile_get(organisation_id=organisation_id)
    creditor = Creditor(
        name=profile.creditor_name,
        iban=profile.iban,
        bic=profile.bic,
        creditor_id=profile.creditor_id,
        schema=profile.schema,
    )
    with transaction.atomic():
        rows = list(
            Collection.objects.select_for_update()
            .filter(
                organisation_id=organisation_id,
                status=CollectionStatus.SCHEDULED,
                collection_date=collection_date,
            )
            .order_by("id")
            .values_list(
                "id",
                "end_to_end_id",
                "amount_cents",
                "mandate__sequence_type",
                "mandate__status",
                "mandate__reference",
                "mandate__signed_on",
                "mandate__debtor_name",
                "mandate__iban",
                "mandate__bic",
                "remittance",
            )
        )
        if not rows:
            return ExportResult(None, 0, 0, f"Niets te exporteren voor {collection_date}.")
        lines = [
            DebitLine(
                key=r[0],
                end_to_end_id=r[1],
                amount_cents=r[2],
                sequence_type=r[3],
                collection_date=collection_date,
                mandate_reference=r[5],
                mandate_signed_on=r[6],
                debtor_name=r[7],
                iban=r[8],
                bic=r[9],
                remittance=r[10],
            )
            for r in rows
        ]
        inactive = [
            Problem(
                r[0], "mandate_not_active", f"machtiging {r[5]} is niet actief", "mandate inactive"
            )
            for r in rows
            if r[4] != MandateStatus.ACTIVE
        ]
        if inactive:
            raise BatchInvalid(inactive)
        message_id = new_message_id(organisation_id, collection_date)
        xml = pain008_build(creditor, lines, message_id=message_id, engine=conf.xsd_engine())
        total = sum(line.amount_cents for line in lines)
        batch = Batch.objects.create(
            organisation_id=organisation_id,
            message_id=message_id,
            collection_date=collection_date,
            schema=creditor.schema,
            file_name=str(out.resolve()),
            count=len(lines),
            total_cents=total,
            sha256=hashlib.sha256(xml).hexdigest(),
            content_gz=gzip.compress(xml, compresslevel=6),
        )
        for seq in ("FRST", "RCUR"):
            ids = [line.key for line in lines if line.sequence_type == seq]
            for start in range(0, len(ids), 5000):
                Collection.objects.filter(id__in=ids[start : start + 5000]).update(
                    status=CollectionStatus.EXPORTED, batch=batch, sequence_type=seq
                )
        audit_record(
            action="directdebit_batch_export",
            actor=actor,
            object_type="batch",
            object_id=batch.pk,
            summary=f"{message_id}: {len(lines)} incasso's, {format_euro(total)} -> {out.name}",
            details={"collection_date": collection_date.isoformat(), "file": str(out)},
        )
        _write_atomic(out, xml)
    return ExportResult(
        batch,
        len(lines),
        total,
        f"{len(lines)} incasso's ({format_euro(total)}) voor {collection_date} geschreven naar"
        f" {out} (bericht {message_id}).",
    )
