"""Forms of the case page and the queues: they check input, the services decide.

Amounts are typed in euros by staff and turned into integer cents here (never float);
the business rules (how long a hold may last, whether a plan fits the policy) live in
the services, whose ``Invalid`` errors the views put back on the form.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.core.money import decimal_to_cents
from vangnet.parties.constants import Channel
from vangnet.strategy.constants import HoldKind
from vangnet.workspace.case_actions import STAFF_HOLD_KINDS
from vangnet.workspace.constants import ArrearsReason, VisitSlot
from vangnet.workspace.models import TaskOutcome
from vangnet.workspace.queue_actions import REASON_OUTCOMES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

# Outcomes where we spoke with the person but the reason may stay open: someone who
# disputes the bill is not "behind" in their own eyes.
REASON_OPTIONAL = frozenset({TaskOutcome.DISPUTE})


class HoldForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort pauze"),
        choices=[(k, HoldKind(k).label) for k in STAFF_HOLD_KINDS],
    )
    ends_on = forms.DateField(label=_("Tot en met"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reden"), max_length=300)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Notitie"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ArrearsReasonForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reden achterstand"), choices=ArrearsReason.choices)
    note = forms.CharField(label=_("Toelichting"), max_length=200, required=False)


class PlanForm(forms.Form):
    months = forms.IntegerField(
        label=_("Aantal maanden"), min_value=1, max_value=120, required=False
    )
    instalment = forms.DecimalField(
        label=_("Of: bedrag per maand (€)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        required=False,
        localize=True,  # staff type "20,00"
    )
    day_of_month = forms.IntegerField(
        label=_("Betaaldag in de maand"), min_value=1, max_value=31, required=False
    )
    by_phone = forms.BooleanField(label=_("Afgesproken aan de telefoon"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("months") and data.get("instalment"):
            raise forms.ValidationError(_("Kies een aantal maanden of een bedrag, niet allebei."))
        return data

    @property
    def instalment_cents(self) -> int | None:
        value = self.cleaned_data.get("instalment")
        return decimal_to_cents(value) if value is not None else None


class WaiveForm(forms.Form):
    charge = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reden kwijtschelding"), max_length=300)


class ReferralForm(forms.Form):
    consent = forms.BooleanField(
        label=_("De klant geeft toestemming om de gegevens aan de gemeente door te geven"),
        required=True,
    )
    note = forms.CharField(label=_("Toelichting voor de gemeente"), max_length=300, required=False)


_CHANNEL_CHOICES = [("", _("geen")), *list(Channel.choices)]


class PreferencesForm(forms.Form):
    channel_1 = forms.ChoiceField(label=_("Eerste keus"), choices=_CHANNEL_CHOICES, required=False)
    channel_2 = forms.ChoiceField(label=_("Tweede keus"), choices=_CHANNEL_CHOICES, required=False)
    channel_3 = forms.ChoiceField(label=_("Derde keus"), choices=_CHANNEL_CHOICES, required=False)
    window_start = forms.TimeField(label=_("Bereikbaar vanaf"), required=False, widget=TIME_INPUT)
    window_end = forms.TimeField(label=_("Bereikbaar tot"), required=False, widget=TIME_INPUT)

    @classmethod
    def for_person(cls, person: Any, **kwargs: Any) -> PreferencesForm:
        channels = list(person.preferred_channels or [])[:3]
        initial: dict[str, Any] = {f"channel_{i + 1}": c for i, c in enumerate(channels)}
        initial["window_start"] = person.contact_window_start
        initial["window_end"] = person.contact_window_end
        return cls(initial=initial, **kwargs)

    @property
    def channels(self) -> list[str]:
        picked = [self.cleaned_data.get(f"channel_{i}") for i in (1, 2, 3)]
        return [c for c in picked if c]


class OutcomeForm(forms.Form):
    """A call or visit outcome, with the reason for the arrears when we spoke."""

    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=TaskOutcome.choices)
    arrears_reason = forms.ChoiceField(
        label=_("Reden achterstand"),
        choices=[("", _("— kies —")), *list(ArrearsReason.choices)],
        required=False,
    )
    promise_date = forms.DateField(
        label=_("Betaaldatum (bij een belofte)"), required=False, widget=DATE_INPUT
    )
    note = forms.CharField(
        label=_("Notitie"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == TaskOutcome.PROMISE_TO_PAY and not data.get("promise_date"):
            self.add_error("promise_date", _("Vul de datum in waarop de klant belooft te betalen."))
        needs_reason = outcome in REASON_OUTCOMES and outcome not in REASON_OPTIONAL
        if needs_reason and not data.get("arrears_reason"):
            self.add_error(
                "arrears_reason",
                _("Kies de reden van de achterstand: we hebben de klant gesproken."),
            )
        return data


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class VisitPlanForm(forms.Form):
    tasks = forms.TypedMultipleChoiceField(label=_("Huisbezoeken"), coerce=int, choices=())
    on = forms.DateField(label=_("Datum"), widget=DATE_INPUT)
    slot = forms.ChoiceField(label=_("Dagdeel"), choices=VisitSlot.choices)
    assignee = StaffChoiceField(
        label=_("Buitendienstmedewerker"),
        queryset=None,
        required=False,
        empty_label=_("nog niemand"),
    )

    def __init__(self, *args: Any, task_ids: list[int], workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tasks"].choices = [(pk, str(pk)) for pk in task_ids]
        self.fields["assignee"].queryset = workers
