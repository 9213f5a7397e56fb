"""An uploaded import file and how far its import got.

The job row is what the upload page shows while a background worker imports the file:
status, progress (rows done of an estimate), the four counts and the rejections. The
first rejections are kept inline for the page; the full list is a CSV file next to the
upload, because a bad file can have a million of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.parties.models import Organisation


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Klanten en contracten")
    INVOICES = "invoices", _("Facturen")
    PAYMENTS = "payments", _("Betalingen")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    RUNNING = "running", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class ImportJob(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    kind = models.CharField(_("soort"), max_length=16, choices=ImportKind.choices)
    original_name = models.CharField(_("bestandsnaam"), max_length=255)
    file = models.FileField(_("bestand"), upload_to="imports/%Y/%m/", max_length=255)
    dry_run = models.BooleanField(_("proefimport"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("regels (schatting)"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("regels verwerkt"), default=0)
    imported = models.PositiveIntegerField(_("nieuw"), default=0)
    updated = models.PositiveIntegerField(_("gewijzigd"), default=0)
    unchanged = models.PositiveIntegerField(_("ongewijzigd"), default=0)
    rejected = models.PositiveIntegerField(_("afgekeurd"), default=0)
    first_rejections = models.JSONField(_("eerste afkeuringen"), default=list, blank=True)
    rejections_file = models.FileField(
        _("afkeuringen (CSV)"), upload_to="imports/%Y/%m/", max_length=255, blank=True
    )
    error = models.TextField(_("foutmelding"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))

    def summary(self) -> str:
        return (
            f"imported {self.imported}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )
