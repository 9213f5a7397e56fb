from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffAccountsConfig(AppConfig):
    name = "vangnet.accounts"
    label = "staff_accounts"
    verbose_name = _("Medewerkers en rollen")
