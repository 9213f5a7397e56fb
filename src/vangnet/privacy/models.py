"""Which persons were anonymised, and when (so a purge run is idempotent and answerable)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.parties.models import Person


class Anonymisation(models.Model):
    person = models.OneToOneField(
        Person, verbose_name=_("persoon"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("geanonimiseerd op"), auto_now_add=True)
    cutoff = models.DateField(_("bewaartermijn verstreken vóór"))
    counts = models.JSONField(_("aangepaste gegevens"), default=dict, blank=True)

    class Meta:
        verbose_name = _("anonimisering")
        verbose_name_plural = _("anonimiseringen")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.at:%Y-%m-%d}"
