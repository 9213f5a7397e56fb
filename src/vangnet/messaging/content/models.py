"""Message templates, their immutable versions, and the municipalities' help desks.

A ``MessageTemplate`` is one (code, channel, language, segment, variant) slot; its text
lives in ``TemplateVersion`` rows that are never changed once written: editing writes a
new version, and a sent message keeps the id of the exact version it was made from, so
it can always be shown as it was sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.messaging.content.constants import Channel, Language


class MessageTemplate(models.Model):
    code = models.SlugField(
        _("code"), max_length=64, help_text=_("De sjablooncode uit de klantreis.")
    )
    channel = models.CharField(_("kanaal"), max_length=16, choices=Channel.choices)
    language = models.CharField(
        _("taal"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    segment = models.CharField(
        _("segment"),
        max_length=40,
        blank=True,
        help_text=_("Leeg: alle segmenten. Een sjabloon voor een segment gaat voor."),
    )
    variant = models.CharField(
        _("variant"),
        max_length=16,
        blank=True,
        help_text=_("Leeg: standaard. Meerdere varianten (A, B …) om te vergelijken."),
    )
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)
    active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("berichtsjabloon")
        verbose_name_plural = _("berichtsjablonen")
        ordering = ["code", "channel", "language", "segment", "variant"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "channel", "language", "segment", "variant"],
                name="messagetemplate_slot",
            )
        ]

    def __str__(self) -> str:
        parts = [self.code, self.channel, self.language]
        if self.segment:
            parts.append(self.segment)
        if self.variant:
            parts.append(self.variant)
        return " / ".join(parts)


class ImmutableVersion(Exception):
    """A template version was changed after it was written; write a new one instead."""


class TemplateVersion(models.Model):
    template = models.ForeignKey(
        MessageTemplate,
        verbose_name=_("sjabloon"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("versie"))
    subject = models.CharField(_("onderwerp"), max_length=300, blank=True)
    text_body = models.TextField(_("tekst"))
    html_body = models.TextField(
        _("HTML"),
        blank=True,
        help_text=_("Leeg: de HTML wordt uit de tekst gemaakt (e-mail en brief)."),
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    published = models.BooleanField(
        _("in gebruik"), default=True, help_text=_("Alleen gepubliceerde versies worden verstuurd.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gemaakt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("sjabloonversie")
        verbose_name_plural = _("sjabloonversies")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="templateversion_number")
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        """Only the ``published`` flag of an existing version may change."""
        if self.pk is not None and set(kwargs.get("update_fields") or ()) != {"published"}:
            raise ImmutableVersion(
                "A template version cannot be changed; create a new version instead."
            )
        super().save(*args, **kwargs)


class HelpDesk(models.Model):
    """A municipality's free help with money matters, named in every message."""

    municipality_code = models.CharField(_("gemeentecode"), max_length=6, unique=True)
    municipality_name = models.CharField(_("gemeente"), max_length=100)
    name = models.CharField(_("naam loket"), max_length=200)
    phone = models.CharField(_("telefoon"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    url = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(_("openingstijden"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hulploket")
        verbose_name_plural = _("hulploketten")
        ordering = ["municipality_name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality_name})"
