"""Admin for policies, segments and journeys (editable) and the run's records (read-only)."""

from __future__ import annotations

from django.contrib import admin

from vangnet.strategy.models import (
    Action,
    Case,
    CaseEvent,
    DailyRun,
    Hold,
    Journey,
    JourneyStep,
    Segment,
    StrategyPolicy,
)


@admin.register(StrategyPolicy)
class StrategyPolicyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "arrears_threshold_cents", "close_tolerance_cents", "journey")


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("priority", "code", "name_nl", "active")
    list_editable = ("active",)
    ordering = ("priority",)


class JourneyStepInline(admin.TabularInline):
    model = JourneyStep
    extra = 0
    fields = (
        "position",
        "name",
        "day_offset",
        "wait_for_event",
        "action_type",
        "channel",
        "template",
        "segments",
        "score_bands",
        "guardrails",
    )


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "name", "sector", "style", "published")
    list_filter = ("style", "sector", "published")
    inlines = [JourneyStepInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "account",
        "status",
        "opened_on",
        "closed_on",
        "segment",
        "score_band",
        "step_position",
        "next_step_on",
    )
    list_filter = ("status", "segment", "score_band")
    search_fields = ("account__number", "account__customer__number")
    raw_id_fields = ("account",)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("on", "case", "kind", "cause", "text")
    list_filter = ("kind",)


@admin.register(Hold)
class HoldAdmin(admin.ModelAdmin):
    list_display = ("account", "kind", "starts_on", "ends_on", "outcome")
    list_filter = ("kind", "outcome")
    raw_id_fields = ("account", "case")


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "run_date", "case", "action_type", "channel", "status", "reason_code")
    list_filter = ("status", "action_type", "channel", "run_date")


@admin.register(DailyRun)
class DailyRunAdmin(ReadOnlyAdmin):
    list_display = ("run_date", "organisation", "status", "phase", "attempts", "finished_at")
