from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AssignForm(forms.Form):
    account = forms.IntegerField(widget=forms.HiddenInput)
    invoice = forms.IntegerField(required=False, widget=forms.HiddenInput)
    remember_iban = forms.BooleanField(
        label=_("Onthoud dit IBAN voor dit contract"), required=False
    )


class IgnoreForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        max_length=200,
        help_text=_("Bijvoorbeeld: terugbetaling borg, verkeerd overgemaakt, dubbele betaling."),
    )
