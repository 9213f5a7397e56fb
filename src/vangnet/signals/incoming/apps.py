from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsInConfig(AppConfig):
    name = "vangnet.signals.incoming"
    label = "signals_in"
    verbose_name = _("Vroegsignalen (gemeente)")
