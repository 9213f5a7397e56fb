"""Admin: read-mostly views of the outbox; changes go through the staff pages' services."""

from __future__ import annotations

from django.contrib import admin

from vangnet.messaging.models import DeliveryEvent, OutboxMessage


class DeliveryEventInline(admin.TabularInline):
    model = DeliveryEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "attempt", "detail"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "channel",
        "recipient",
        "template_code",
        "status",
        "attempts",
        "created_at",
    ]
    list_filter = ["channel", "status", "organisation"]
    search_fields = ["idempotency_key", "provider_id", "recipient"]
    date_hierarchy = "created_at"
    raw_id_fields = ["case", "action", "person", "contact_point"]
    inlines = [DeliveryEventInline]
    # State is changed by the worker and the staff services (with events and audit),
    # never by editing fields here.
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(admin.ModelAdmin):
    list_display = ["at", "message", "from_status", "to_status", "attempt", "detail"]
    list_filter = ["to_status"]
    raw_id_fields = ["message"]
    readonly_fields = ["message", "at", "from_status", "to_status", "attempt", "detail"]

    def has_add_permission(self, request) -> bool:
        return False
