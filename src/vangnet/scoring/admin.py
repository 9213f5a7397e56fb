"""Read-only admin: models are made by ``vangnet model train``, never by hand."""

from __future__ import annotations

from django.contrib import admin

from vangnet.scoring.models import ScoringModel


@admin.register(ScoringModel)
class ScoringModelAdmin(admin.ModelAdmin):
    list_display = (
        "version",
        "organisation",
        "algorithm",
        "is_active",
        "training_rows",
        "auc",
        "trained_at",
    )
    list_filter = ("organisation", "algorithm", "is_active")
    exclude = ("artefact",)
    readonly_fields = (
        "organisation",
        "version",
        "algorithm",
        "feature_names",
        "metrics",
        "trained_at",
        "training_rows",
        "positive_rows",
        "source",
        "library_versions",
        "is_active",
        "artefact_sha256",
        "artefact_hmac",
    )

    @admin.display(description="AUC")
    def auc(self, obj: ScoringModel) -> str:
        value = (obj.metrics or {}).get("auc_mean")
        return f"{value:.4f}" if isinstance(value, int | float) else "–"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
