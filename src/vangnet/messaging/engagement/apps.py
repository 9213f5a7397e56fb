from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingEngagementConfig(AppConfig):
    name = "vangnet.messaging.engagement"
    label = "messaging_engagement"
    verbose_name = _("Respons en experimenten")
