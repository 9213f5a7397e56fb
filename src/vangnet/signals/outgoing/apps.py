from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsOutConfig(AppConfig):
    name = "vangnet.signals.outgoing"
    label = "signals_out"
    verbose_name = _("Vroegsignalen (schuldeiser)")
