from __future__ import annotations

from django.contrib import admin

from vangnet.payments.models import (
    PaymentLink,
    PaymentLinkEvent,
    ProviderPayment,
    TestProviderPayment,
)


class ProviderPaymentInline(admin.TabularInline):
    model = ProviderPayment
    extra = 0
    can_delete = False
    fields = (
        "provider",
        "provider_payment_id",
        "amount_cents",
        "status",
        "paid_at",
        "ledger_payment",
    )
    readonly_fields = fields
    show_change_link = True


class PaymentLinkEventInline(admin.TabularInline):
    model = PaymentLinkEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "text", "provider_payment")
    readonly_fields = fields


@admin.register(PaymentLink)
class PaymentLinkAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "customer",
        "account",
        "amount_cents",
        "paid_cents",
        "status",
        "expires_at",
    )
    list_filter = ("status",)
    search_fields = ("customer__number", "account__number", "token")
    raw_id_fields = ("account", "customer", "created_by")
    readonly_fields = ("token", "paid_cents", "created_at", "updated_at")
    inlines = [ProviderPaymentInline, PaymentLinkEventInline]


@admin.register(ProviderPayment)
class ProviderPaymentAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "provider",
        "provider_payment_id",
        "amount_cents",
        "status",
        "paid_at",
    )
    list_filter = ("provider", "status")
    search_fields = ("provider_payment_id", "idempotency_key", "link__customer__number")
    raw_id_fields = ("link", "ledger_payment")
    readonly_fields = ("idempotency_key", "raw", "created_at", "updated_at")


@admin.register(TestProviderPayment)
class TestProviderPaymentAdmin(admin.ModelAdmin):
    list_display = ("payment_id", "amount_cents", "status", "created_at")
    list_filter = ("status",)
