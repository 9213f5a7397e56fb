"""Import jobs for the web upload: create, run (in a thread for now), record the result.

The thread body is a thin call to :func:`run_import`, the same service the CLI uses, so
that moving to Celery later only swaps :func:`job_start`. ``VANGNET_IMPORT_INLINE`` (a
test/embedded switch, read with a default here) runs the job in the request instead.
"""

from __future__ import annotations

import csv
import io
import threading
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from vangnet.imports.errors import BatchFailed, FileRefused
from vangnet.imports.models import ImportJob, ImportStatus
from vangnet.imports.records import ImportResult, Rejection
from vangnet.imports.runner import run_import
from vangnet.parties.models import Organisation

FIRST_REJECTIONS = 200
REJECTION_HEADERS = ["line", "column", "reason_nl", "reason_en"]


def job_create(
    *,
    organisation: Organisation,
    kind: str,
    upload: UploadedFile,
    dry_run: bool = False,
    actor: Any = None,
) -> ImportJob:
    user = actor if getattr(actor, "is_authenticated", False) else None
    job = ImportJob(
        organisation=organisation,
        kind=kind,
        original_name=upload.name[:255],
        dry_run=dry_run,
        created_by=user,
    )
    job.file.save(upload.name, upload, save=False)
    job.save()
    return job


def job_start(job: ImportJob) -> None:
    """Run inline (tests, ``VANGNET_IMPORT_INLINE``) or in a thread after commit."""
    if getattr(settings, "VANGNET_IMPORT_INLINE", False):
        job_run(job.pk)
        return

    def start() -> None:
        threading.Thread(target=_thread_main, args=(job.pk,), daemon=True).start()

    transaction.on_commit(start)


def _thread_main(job_id: int) -> None:
    """Own DB connection per thread; close it so SQLite files and PG slots are freed."""
    close_old_connections()
    try:
        job_run(job_id)
    finally:
        connection.close()


def job_run(job_id: int) -> ImportJob:
    """Run one queued job to the end; never raises for a bad file (the job says why)."""
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    job.status = ImportStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])

    def progress(done: int, estimate: int | None) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=estimate)

    try:
        result = run_import(
            kind=job.kind,
            path=job.file.path,
            organisation=job.organisation,
            dry_run=job.dry_run,
            actor=job.created_by,
            progress=progress,
            file_name=job.original_name,
        )
    except FileRefused as exc:
        _finish(job, status=ImportStatus.FAILED, error=f"{exc.nl} / {exc.en}")
    except BatchFailed as exc:
        _finish(job, status=ImportStatus.FAILED, error=str(exc))
    except Exception as exc:  # recorded on the job: the page must not spin forever
        _finish(job, status=ImportStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    else:
        _finish(job, status=ImportStatus.DONE, result=result)
    return job


def _finish(
    job: ImportJob, *, status: str, result: ImportResult | None = None, error: str = ""
) -> None:
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    if result is not None:
        job.rows_total = job.rows_done = result.rows_total
        job.imported = result.imported
        job.updated = result.updated
        job.unchanged = result.unchanged
        job.rejected = result.rejected
        job.first_rejections = [
            [r.line, r.column, r.reason_nl, r.reason_en]
            for r in result.rejections[:FIRST_REJECTIONS]
        ]
        if result.rejections:
            job.rejections_file.save(
                f"rejections-{job.pk}.csv",
                ContentFile(rejections_csv(result.rejections).encode("utf-8-sig")),
                save=False,
            )
    job.save()


def rejections_csv(rejections: list[Rejection]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(REJECTION_HEADERS)
    for r in rejections:
        writer.writerow([r.line, r.column, r.reason_nl, r.reason_en])
    return out.getvalue()
