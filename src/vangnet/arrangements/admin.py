"""Admin registrations: policies are edited here; plans and charges are read-mostly."""

from __future__ import annotations

from django.contrib import admin

from vangnet.arrangements.models import (
    ChargedCost,
    CostPolicy,
    Instalment,
    PaymentPlan,
    PlanPolicy,
)


@admin.register(PlanPolicy)
class PlanPolicyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "max_months", "min_instalment_cents", "auto_approve")


@admin.register(CostPolicy)
class CostPolicyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "waive_first_arrears", "waive_vulnerable", "charge_interest")


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    readonly_fields = ("number", "due_on", "amount_cents", "paid_cents", "status", "reminded_on")
    can_delete = False


@admin.register(PaymentPlan)
class PaymentPlanAdmin(admin.ModelAdmin):
    list_display = ("pk", "account", "status", "total_cents", "instalment_count", "created_on")
    list_filter = ("status", "source", "organisation")
    search_fields = ("account__number", "account__customer__number")
    raw_id_fields = ("account", "case", "hold", "approved_by", "created_by")
    inlines = [InstalmentInline]
    readonly_fields = ("affordability", "income", "policy_codes")


@admin.register(ChargedCost)
class ChargedCostAdmin(admin.ModelAdmin):
    list_display = ("pk", "account", "kind", "amount_cents", "computed_on", "waived")
    list_filter = ("kind", "waived", "organisation")
    search_fields = ("account__number",)
    raw_id_fields = ("account", "case", "action", "invoice", "waived_by")
    readonly_fields = ("explanation",)
