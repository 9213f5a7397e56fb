"""The day's print batch: one merged PDF plus a CSV manifest for the print room.

Two phases, so a crash anywhere can be re-run:

1. **Seal** (one transaction): every queued letter not yet in a batch, queued on or
   before the batch date, gets the batch and a sequence number (sorted by postcode, which
   is what PostNL's sorted-mail rate asks for). Once sealed, the set never changes.
2. **Build**: merge the stored PDFs in sequence order, write the PDF and the manifest to
   a temporary name in the print folder and rename (atomic on one file system), so the
   print room's hot folder never sees a half file.

A re-run for the same date skips sealing and rebuilds the same files from the same
letters; a letter that arrives later goes into the next day's batch. So nothing is ever
printed twice, and nothing is lost.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from vangnet.core.services import audit_record
from vangnet.messaging.channels import conf
from vangnet.messaging.channels.letter import _write_atomic
from vangnet.messaging.channels.models import LetterQueueItem, PrintBatch, PrintBatchStatus

MANIFEST_COLUMNS = [
    "sequence",
    "customer_number",
    "name",
    "postcode",
    "pages",
    "first_page",
    "idempotency_key",
    "template",
]


class PrintBatchError(RuntimeError):
    """A stored letter is missing or changed: nothing is written, the batch stays sealed."""


@dataclass(frozen=True)
class BatchResult:
    batch_date: date
    letters: int
    pages: int
    pdf_path: Path | None
    manifest_path: Path | None
    sealed_now: bool


def _safe_cell(value: Any) -> str:
    """Neutralise spreadsheet formulas (a name starting with '=' stays a name)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def batch_names(batch_date: date) -> tuple[str, str]:
    stem = f"vangnet-brieven-{batch_date.isoformat()}"
    return f"{stem}.pdf", f"{stem}.csv"


@transaction.atomic
def print_batch_seal(*, batch_date: date) -> tuple[PrintBatch | None, bool]:
    """Fix which letters are in the batch of ``batch_date``; returns ``(batch, sealed_now)``.

    No batch row is made while there is nothing to print, so a letter queued later
    that day still makes that day's batch.
    """
    batch = PrintBatch.objects.select_for_update().filter(batch_date=batch_date).first()
    if batch is not None and batch.status != PrintBatchStatus.OPEN:
        return batch, False
    items = list(
        LetterQueueItem.objects.select_for_update()
        .filter(batch__isnull=True, queued_on__lte=batch_date)
        .order_by("postcode", "pk")
        .only("pk", "pages")
    )
    if not items:
        return batch, False
    if batch is None:
        batch = PrintBatch.objects.create(batch_date=batch_date)
    start = (batch.items.aggregate(m=Max("sequence"))["m"] or 0) + 1
    for offset, item in enumerate(items):
        item.batch = batch
        item.sequence = start + offset
    LetterQueueItem.objects.bulk_update(items, ["batch", "sequence"], batch_size=1000)
    batch.status = PrintBatchStatus.SEALED
    batch.sealed_at = timezone.now()
    batch.letter_count = batch.items.count()
    batch.page_count = sum(item.pages for item in items)
    batch.save()
    return batch, True


def print_batch_build(*, batch_date: date, actor: Any = None) -> BatchResult:
    """Seal the day's letters (if not yet) and write the merged PDF and manifest."""
    from pypdf import PdfReader, PdfWriter

    batch, sealed_now = print_batch_seal(batch_date=batch_date)
    if batch is None:
        return BatchResult(batch_date, 0, 0, None, None, False)
    items = list(batch.items.order_by("sequence"))
    store = conf.letter_store_dir()
    writer = PdfWriter()
    manifest = io.StringIO(newline="")
    out = csv.writer(manifest, delimiter=";", lineterminator="\r\n")
    out.writerow(MANIFEST_COLUMNS)
    page = 1
    for item in items:
        path = store / item.file_name
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise PrintBatchError(f"letter {item.idempotency_key}: {path} is missing") from exc
        if hashlib.sha256(data).hexdigest() != item.sha256:
            raise PrintBatchError(f"letter {item.idempotency_key}: {path} has changed")
        reader = PdfReader(io.BytesIO(data))
        for pdf_page in reader.pages:
            writer.add_page(pdf_page)
        out.writerow(
            [
                item.sequence,
                _safe_cell(item.customer_number),
                _safe_cell(item.name),
                item.postcode,
                item.pages,
                page,
                item.idempotency_key,
                item.template_code,
            ]
        )
        page += item.pages
    buffer = io.BytesIO()
    writer.add_metadata({"/Title": f"vangnet brieven {batch_date.isoformat()}"})
    writer.write(buffer)
    pdf = buffer.getvalue()
    pdf_name, manifest_name = batch_names(batch_date)
    folder = conf.print_dir()
    # The PDF first, the manifest last: a print room that waits for the manifest never
    # picks up a batch whose PDF is not complete.
    _write_atomic(folder / pdf_name, pdf)
    _write_atomic(folder / manifest_name, manifest.getvalue().encode("utf-8-sig"))
    with transaction.atomic():
        PrintBatch.objects.filter(pk=batch.pk).update(
            status=PrintBatchStatus.BUILT,
            built_at=timezone.now(),
            pdf_name=pdf_name,
            manifest_name=manifest_name,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            letter_count=len(items),
            page_count=page - 1,
        )
        audit_record(
            action="print_batch_built",
            summary=f"Printbatch {batch_date}: {len(items)} brieven, {page - 1} pagina's",
            actor=actor,
            process="print-batch",
            object_type="print_batch",
            object_id=batch.pk,
            details={"rebuilt": not sealed_now, "pdf": pdf_name},
        )
    return BatchResult(
        batch_date, len(items), page - 1, folder / pdf_name, folder / manifest_name, sealed_now
    )
