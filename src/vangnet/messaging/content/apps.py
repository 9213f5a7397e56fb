from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingContentConfig(AppConfig):
    name = "vangnet.messaging.content"
    label = "messaging_content"
    verbose_name = _("Berichtsjablonen")

    def ready(self) -> None:
        from vangnet.messaging.content import signals

        signals.connect()
