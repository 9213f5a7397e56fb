"""The upload form: kind, file (size and extension checked before saving), dry run."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vangnet.imports.models import ImportKind

ALLOWED_EXTENSIONS = {".csv", ".txt", ".xlsx"}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort gegevens"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("CSV (; of ,) of Excel (.xlsx), UTF-8. Kolommen: zie de documentatie."),
    )
    dry_run = forms.BooleanField(
        label=_("Proefimport: alleen controleren, niets opslaan"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(
                _("Alleen .csv-, .txt- of .xlsx-bestanden kunnen worden geïmporteerd.")
            )
        if upload.size > settings.VANGNET_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Het bestand is te groot (maximaal %(max)s bytes).")
                % {"max": settings.VANGNET_IMPORT_MAX_BYTES}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Het bestand is leeg."))
        return upload
