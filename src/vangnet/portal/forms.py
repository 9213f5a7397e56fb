"""Portal forms: Dutch B1 labels and errors; every field has a label and help text."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.portal.constants import SituationKind, Slot

DATE_HELP = _("Bijvoorbeeld: 31-12-1980")
DATE_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d%m%Y"]


class SignInForm(forms.Form):
    number = forms.CharField(
        label=_("Klantnummer"), max_length=32, help_text=_("Dit staat op uw rekening of brief.")
    )
    postcode = forms.CharField(
        label=_("Postcode"), max_length=7, help_text=_("Bijvoorbeeld: 1234 AB")
    )
    date_of_birth = forms.DateField(
        label=_("Geboortedatum"), input_formats=DATE_FORMATS, help_text=DATE_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].error_messages["required"] = _("Vul uw klantnummer in.")
        self.fields["postcode"].error_messages["required"] = _("Vul uw postcode in.")
        self.fields["date_of_birth"].error_messages.update(
            required=_("Vul uw geboortedatum in."),
            invalid=_("Schrijf de datum zo: 31-12-1980."),
        )


class CodeRequestForm(forms.Form):
    number = forms.CharField(
        label=_("Klantnummer"),
        max_length=32,
        help_text=_("Dit staat op uw rekening of brief."),
        error_messages={"required": _("Vul uw klantnummer in.")},
    )
    channel = forms.ChoiceField(
        label=_("Stuur de code naar"),
        choices=[("email", _("Mijn e-mailadres")), ("sms", _("Mijn mobiele nummer (sms)"))],
        widget=forms.RadioSelect,
        initial="email",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("De code heeft 6 cijfers."),
        error_messages={"required": _("Vul de code in.")},
    )


class PayForm(forms.Form):
    account = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.CharField(
        label=_("Bedrag in euro"),
        max_length=32,
        help_text=_("Bijvoorbeeld: 12,50"),
        error_messages={"required": _("Vul het bedrag in dat u wilt betalen.")},
    )


class PlanForm(forms.Form):
    account = forms.IntegerField(widget=forms.HiddenInput)
    months = forms.TypedChoiceField(
        label=_("In hoeveel maanden wilt u betalen?"), coerce=int, choices=[]
    )
    net_income = forms.DecimalField(
        label=_("Uw netto inkomen per maand (niet verplicht)"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_(
            "Vult u dit in? Dan kunnen we de regeling meteen goedkeuren als hij past. "
            "Tel kinderbijslag niet mee."
        ),
        localize=True,
    )
    housing_costs = forms.DecimalField(
        label=_("Huur of hypotheek per maand"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        localize=True,
    )
    fixed_costs = forms.DecimalField(
        label=_("Andere vaste lasten per maand"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        localize=True,
        help_text=_("Bijvoorbeeld energie, verzekeringen, telefoon."),
    )
    couple = forms.BooleanField(label=_("Ik woon samen met een partner"), required=False)
    children = forms.IntegerField(
        label=_("Aantal kinderen thuis"), required=False, min_value=0, max_value=20
    )
    phone = forms.CharField(
        label=_("Telefoonnummer (als we u moeten bellen)"), required=False, max_length=32
    )

    def __init__(self, *args, max_months: int = 12, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [
            (n, _("%(n)s maanden") % {"n": n} if n > 1 else _("1 maand"))
            for n in range(1, max_months + 1)
        ]


class MandateForm(forms.Form):
    account = forms.IntegerField(widget=forms.HiddenInput)
    holder_name = forms.CharField(
        label=_("Naam rekeninghouder"),
        max_length=70,
        error_messages={"required": _("Vul de naam in.")},
    )
    iban = forms.CharField(
        label=_("IBAN (rekeningnummer)"),
        max_length=42,
        help_text=_("Bijvoorbeeld: NL91 ABNA 0417 1643 00"),
        error_messages={"required": _("Vul uw rekeningnummer in.")},
    )
    collection_day = forms.TypedChoiceField(
        label=_("Op welke dag van de maand?"), coerce=int, choices=[], widget=forms.RadioSelect
    )
    agreed = forms.BooleanField(
        label=_(
            "Ik geef toestemming om het bedrag elke maand van mijn rekening af te "
            "schrijven. Ik kan een afschrijving binnen 8 weken terugboeken."
        ),
        error_messages={"required": _("Zet een vinkje als u akkoord gaat.")},
    )

    def __init__(self, *args, days: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collection_day"].choices = [(d, _("de %(d)se") % {"d": d}) for d in days or []]


CHANNEL_CHOICES = [
    ("email", _("E-mail")),
    ("sms", _("SMS")),
    ("whatsapp", _("WhatsApp")),
    ("phone", _("Telefoon")),
    ("letter", _("Brief")),
]


class PreferencesForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Hoe wilt u berichten van ons krijgen?"),
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    window_start = forms.TimeField(
        label=_("Bereikbaar vanaf"),
        required=False,
        help_text=_("Bijvoorbeeld: 09:00"),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    window_end = forms.TimeField(
        label=_("Bereikbaar tot"),
        required=False,
        help_text=_("Bijvoorbeeld: 17:00"),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )


class CallbackForm(forms.Form):
    on = forms.TypedChoiceField(label=_("Welke dag?"), choices=[], coerce=date.fromisoformat)
    slot = forms.ChoiceField(
        label=_("Welk dagdeel?"),
        choices=Slot.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een dagdeel.")},
    )
    phone = forms.CharField(
        label=_("Uw telefoonnummer"),
        max_length=32,
        required=False,
        help_text=_("Leeg laten: we bellen het nummer dat we al hebben."),
    )

    def __init__(self, *args, days: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils.formats import date_format

        today = timezone.localdate()
        choices = []
        for i in range(1, days + 1):
            d = today + timedelta(days=i)
            if d.weekday() < 5:
                choices.append((d.isoformat(), date_format(d, "l j F")))
        self.fields["on"].choices = choices


class HelpForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "Ja, ik wil hulp. U mag mijn naam, adres, telefoonnummer en het bedrag "
            "dat openstaat doorgeven aan de gemeente."
        ),
        error_messages={
            "required": _(
                "Zet een vinkje als u hulp wilt. Zonder uw toestemming geven we niets door."
            )
        },
    )
    phone = forms.CharField(
        label=_("Telefoonnummer (niet verplicht)"), required=False, max_length=32
    )
    note = forms.CharField(
        label=_("Wilt u iets vertellen? (niet verplicht)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SituationForm(forms.Form):
    account = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Wat is er aan de hand?"),
        choices=SituationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wat er aan de hand is.")},
    )
    text = forms.CharField(
        label=_("Vertel in een paar woorden wat er is"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
