from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectdebitConfig(AppConfig):
    name = "vangnet.banking.directdebit"
    label = "directdebit"
    verbose_name = _("Automatische incasso")
