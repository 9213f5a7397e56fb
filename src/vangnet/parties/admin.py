from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from vangnet.parties.models import Address, Consent, ContactPoint, Household, Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "sector")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = (
        "street",
        "house_number",
        "house_number_suffix",
        "postcode",
        "city",
        "municipality_name",
    )
    search_fields = ("postcode", "street", "city")
    list_filter = ("municipality_name",)
    show_full_result_count = False


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("id", "address", "created_at")
    raw_id_fields = ("address",)
    show_full_result_count = False


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ("recorded_at",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = (
        "full_name",
        "date_of_birth",
        "bsn_masked",
        "language",
        "medical_necessity",
        "in_debt_help",
    )
    list_filter = ("language", "medical_necessity", "in_debt_help")
    search_fields = ("surname", "given_name", "initials")
    raw_id_fields = ("household", "address")
    inlines = [ContactPointInline, ConsentInline]
    show_full_result_count = False
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "initials",
                    "given_name",
                    "surname_prefix",
                    "surname",
                    "date_of_birth",
                    "bsn",
                    "household",
                    "address",
                    "language",
                )
            },
        ),
        (
            _("Contact"),
            {"fields": ("preferred_channels", "contact_window_start", "contact_window_end")},
        ),
        (
            _("Kwetsbaarheid"),
            {"fields": ("medical_necessity", "in_debt_help", "moratorium_until", "deceased_on")},
        ),
    )

    @admin.display(description=_("BSN"))
    def bsn_masked(self, obj):
        return obj.bsn_masked
