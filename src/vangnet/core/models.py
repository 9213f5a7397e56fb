"""Cross-cutting records: the audit trail and the access log.

Who changed what and who looked at whom must be answerable (AVG/GDPR), so both are
append-only tables written by services, never by views directly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One change made by a person or a process (import, demo build, daily run)."""

    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    process = models.CharField(_("proces"), max_length=64, blank=True)
    action = models.CharField(_("actie"), max_length=64)
    object_type = models.CharField(_("objecttype"), max_length=64, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    summary = models.CharField(_("samenvatting"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.summary}"


class AccessLogEntry(models.Model):
    """A staff member opened a person's data (account page, case page)."""

    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_type = models.CharField(_("objecttype"), max_length=64)
    object_id = models.CharField(_("object-id"), max_length=64)
    purpose = models.CharField(_("doel"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("inzage")
        verbose_name_plural = _("inzagelog")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.object_type}:{self.object_id}"
