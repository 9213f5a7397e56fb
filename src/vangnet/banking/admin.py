"""Read-mostly admin for statements and entries (matching happens on /banking/unmatched/)."""

from __future__ import annotations

from django.contrib import admin

from vangnet.banking.models import KnownPayerIban, Statement, StatementEntry


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = (
        "account_iban",
        "statement_id",
        "format",
        "imported_at",
        "entry_count",
        "matched_count",
        "unmatched_count",
        "returned_count",
    )
    list_filter = ("format",)
    search_fields = ("account_iban", "statement_id", "file_name")
    readonly_fields = [f.name for f in Statement._meta.fields]


@admin.register(StatementEntry)
class StatementEntryAdmin(admin.ModelAdmin):
    list_display = (
        "booking_date",
        "amount_cents",
        "direction",
        "party_name",
        "party_iban",
        "status",
        "match_rule",
        "account",
    )
    list_filter = ("status", "direction", "match_rule")
    search_fields = ("entry_key", "party_name", "party_iban", "remittance", "end_to_end_id")
    raw_id_fields = ("statement", "account", "invoice", "payment")
    readonly_fields = [f.name for f in StatementEntry._meta.fields]


@admin.register(KnownPayerIban)
class KnownPayerIbanAdmin(admin.ModelAdmin):
    list_display = ("iban", "account", "created_by", "created_at")
    search_fields = ("iban",)
    raw_id_fields = ("account",)
