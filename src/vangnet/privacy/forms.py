from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AccessLogSearchForm(forms.Form):
    gebruiker = forms.CharField(
        label=_("Medewerker (gebruikersnaam)"), required=False, max_length=150
    )
    klantnummer = forms.CharField(label=_("Klantnummer"), required=False, max_length=32)
    contractnummer = forms.CharField(label=_("Contractnummer"), required=False, max_length=32)
    van = forms.DateField(
        label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            raise forms.ValidationError(_("De begindatum ligt na de einddatum."))
        return data
