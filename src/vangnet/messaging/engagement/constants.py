"""Choices and fixed vocabulary of the engagement app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExperimentKind(models.TextChoices):
    SEND_HOUR = "send_hour", _("Verzenduur")
    VARIANT = "variant", _("Variant van een sjabloon")


class RewardSource(models.TextChoices):
    CLICK = "click", _("Klik op de link")
    PORTAL = "portal", _("Bezoek aan het portaal")
    PAYMENT = "payment", _("Betaling")
    SIMULATION = "simulation", _("Reactie in de simulatie")


# Default arms of a send-hour experiment: every two hours inside the 08:00-21:00 window.
DEFAULT_HOUR_ARMS: tuple[str, ...] = ("8", "10", "12", "14", "16", "18", "20")

# Timeline text when a person clicks a link in a message (once per case per day).
CLICK_EVENT_CAUSE = "link_clicked"
CLICK_EVENT_TEXT = "Klikte op de link in het bericht."
