from django.contrib import admin

from vangnet.core.models import AccessLogEntry, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor", "process", "object_type", "object_id", "summary")
    list_filter = ("action", "process")
    search_fields = ("summary", "object_id")
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "object_type", "object_id", "purpose")
    list_filter = ("object_type",)
    search_fields = ("object_id", "user__username")
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
