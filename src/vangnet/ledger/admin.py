from django.contrib import admin

from vangnet.ledger.models import Account, Allocation, Customer, Invoice, Payment


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("number", "person", "organisation")
    search_fields = ("number", "person__surname")
    raw_id_fields = ("person",)
    show_full_result_count = False


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "kind", "start_date", "end_date")
    list_filter = ("kind",)
    search_fields = ("number", "customer__number")
    raw_id_fields = ("customer", "supply_address")
    show_full_result_count = False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "account",
        "kind",
        "issue_date",
        "due_date",
        "amount_cents",
        "open_amount_cents",
    )
    list_filter = ("kind",)
    search_fields = ("number", "payment_reference", "account__number")
    raw_id_fields = ("account",)
    date_hierarchy = "due_date"
    show_full_result_count = False


class AllocationInline(admin.TabularInline):
    model = Allocation
    fk_name = "payment"
    extra = 0
    raw_id_fields = ("invoice", "credit_note")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "account",
        "booked_on",
        "amount_cents",
        "unallocated_cents",
        "source",
        "reversed_on",
    )
    list_filter = ("source",)
    search_fields = ("reference", "invoice_reference", "account__number")
    raw_id_fields = ("account",)
    date_hierarchy = "booked_on"
    inlines = [AllocationInline]
    show_full_result_count = False


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ("invoice", "payment", "credit_note", "amount_cents", "allocated_at")
    raw_id_fields = ("invoice", "payment", "credit_note")
    show_full_result_count = False
