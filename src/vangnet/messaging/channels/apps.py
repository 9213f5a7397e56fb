from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingChannelsConfig(AppConfig):
    name = "vangnet.messaging.channels"
    label = "messaging_channels"
    verbose_name = _("Kanalen")
