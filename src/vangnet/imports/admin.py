"""Import jobs in the admin: read-only history; "add" goes to the upload page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from vangnet.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "original_name",
        "status",
        "dry_run",
        "imported",
        "updated",
        "unchanged",
        "rejected",
        "created_by",
    )
    list_filter = ("kind", "status", "dry_run")
    search_fields = ("original_name",)
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        # Uploads go through the same service as the workspace page (progress, thread).
        return HttpResponseRedirect(reverse("imports:upload"))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
