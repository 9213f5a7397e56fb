"""Admin: house style is edited here; print batches and inbound messages are read-only."""

from __future__ import annotations

from django.contrib import admin

from vangnet.messaging.channels.models import HouseStyle, InboundMessage, PrintBatch


@admin.register(HouseStyle)
class HouseStyleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "primary_colour", "font_family", "kvk_number"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PrintBatch)
class PrintBatchAdmin(ReadOnlyAdmin):
    list_display = ["batch_date", "status", "letter_count", "page_count", "built_at"]


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "channel", "sender", "case", "match_note"]
    list_filter = ["channel"]
