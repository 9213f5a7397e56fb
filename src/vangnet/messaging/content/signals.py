"""Forget resolved template versions when a template or version is saved."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from vangnet.messaging.content.models import MessageTemplate, TemplateVersion
from vangnet.messaging.content.services import resolve_cache_clear


def connect() -> None:
    for model in (MessageTemplate, TemplateVersion):
        post_save.connect(
            resolve_cache_clear, sender=model, dispatch_uid=f"content-{model.__name__}"
        )
        post_delete.connect(
            resolve_cache_clear, sender=model, dispatch_uid=f"content-del-{model.__name__}"
        )
