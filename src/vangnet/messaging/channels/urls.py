from __future__ import annotations

from django.urls import path

from vangnet.messaging.channels import webhooks

app_name = "messaging_channels"
urlpatterns = [
    path("cm/status/", webhooks.cm_status, name="cm-status"),
    path("cm/inbound/", webhooks.cm_inbound, name="cm-inbound"),
    path("email/inbound/", webhooks.email_inbound, name="email-inbound"),
]
