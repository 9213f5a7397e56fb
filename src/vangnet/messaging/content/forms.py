"""Forms of the template editor; validation renders with the sample person."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.messaging.content.constants import Channel, Language
from vangnet.messaging.content.models import MessageTemplate
from vangnet.messaging.content.rendering import TemplateInvalid
from vangnet.messaging.content.services import template_version_validate


class VersionForm(forms.Form):
    subject = forms.CharField(label=_("Onderwerp"), max_length=300, required=False)
    text_body = forms.CharField(
        label=_("Tekst"), widget=forms.Textarea(attrs={"rows": 18, "class": "b1-source"})
    )
    html_body = forms.CharField(
        label=_("HTML (optioneel)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Leeg laten: de HTML wordt uit de tekst gemaakt."),
    )
    note = forms.CharField(label=_("Wat is er veranderd?"), max_length=300, required=False)
    published = forms.BooleanField(label=_("Direct in gebruik nemen"), required=False, initial=True)

    def __init__(self, *args, channel: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            template_version_validate(
                channel=self.channel,
                subject=data.get("subject", ""),
                text_body=data.get("text_body", ""),
                html_body=data.get("html_body", ""),
            )
        except TemplateInvalid as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, exc.message)
        return data


class NewTemplateForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64)
    channel = forms.ChoiceField(label=_("Kanaal"), choices=Channel.choices)
    language = forms.ChoiceField(label=_("Taal"), choices=Language.choices, initial="nl")
    segment = forms.CharField(label=_("Segment"), max_length=40, required=False)
    variant = forms.CharField(label=_("Variant"), max_length=16, required=False)
    description = forms.CharField(label=_("Omschrijving"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and MessageTemplate.objects.filter(
                code=data["code"],
                channel=data["channel"],
                language=data["language"],
                segment=data.get("segment", ""),
                variant=data.get("variant", ""),
            ).exists()
        ):
            raise forms.ValidationError(_("Dit sjabloon bestaat al. Pas het bestaande aan."))
        return data
