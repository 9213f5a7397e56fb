"""Admin registrations: settings are edited here; mandates and collections are read and
searched (changes go through the services, which write the events)."""

from __future__ import annotations

from django.contrib import admin

from vangnet.banking.directdebit.models import Batch, Collection, DirectDebitProfile, Mandate


@admin.register(DirectDebitProfile)
class DirectDebitProfileAdmin(admin.ModelAdmin):
    list_display = ("organisation", "creditor_name", "creditor_id", "iban", "schema")


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Mandate)
class MandateAdmin(_ReadOnly):
    list_display = (
        "reference",
        "account",
        "debtor_name",
        "collection_day",
        "sequence_type",
        "status",
        "signed_on",
    )
    list_filter = ("status", "collection_day", "sequence_type", "channel")
    search_fields = ("reference", "debtor_name", "iban", "account__number")
    raw_id_fields = ("account",)


@admin.register(Collection)
class CollectionAdmin(_ReadOnly):
    list_display = (
        "end_to_end_id",
        "account",
        "reference",
        "amount_cents",
        "collection_date",
        "sequence_type",
        "status",
        "return_reason",
    )
    list_filter = ("status", "sequence_type", "return_reason", "collection_date")
    search_fields = ("end_to_end_id", "reference", "account__number", "mandate__reference")
    raw_id_fields = ("mandate", "account", "invoice", "payment", "batch", "represents")


@admin.register(Batch)
class BatchAdmin(_ReadOnly):
    list_display = ("message_id", "collection_date", "count", "total_cents", "schema", "created_at")
    exclude = ("content_gz",)
