"""Upload page, job page (progress) and the rejection report; logic lives in jobs.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from vangnet.imports.errors import FileRefused
from vangnet.imports.forms import UploadForm
from vangnet.imports.jobs import job_create, job_start, rejections_csv
from vangnet.imports.models import ImportJob
from vangnet.imports.records import Rejection
from vangnet.imports.services import organisation_for

PERMISSION = "imports.add_importjob"


def _guard(view):
    """Login first (redirect), then the permission (403 for a logged-in user without it)."""
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


@_guard
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_for(None)
        except FileRefused as exc:
            messages.error(request, exc.nl)
        else:
            job = job_create(
                organisation=organisation,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
            )
            job_start(job)
            return redirect("imports:job", pk=job.pk)
    jobs = Paginator(
        ImportJob.objects.select_related("created_by").defer("first_rejections"), 20
    ).get_page(request.GET.get("page"))
    return render(request, "imports/upload.html", {"form": form, "jobs": jobs})


@_guard
def job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    return render(request, "imports/job.html", {"job": job})


@_guard
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "active": job.is_active,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "percent": job.percent,
            "summary": job.summary(),
        }
    )


@_guard
def rejections(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    name = f"afkeuringen-{job.pk}.csv"
    if job.rejections_file:
        return FileResponse(
            job.rejections_file.open("rb"),
            as_attachment=True,
            filename=name,
            content_type="text/csv; charset=utf-8",
        )
    body = rejections_csv(
        [Rejection(line, column, "", nl, en) for line, column, nl, en in job.first_rejections]
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
