"""Choices and fixed vocabulary of the portal."""

from __future__ import annotations

from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenPurpose(models.TextChoices):
    MESSAGE = "message", _("In een bericht")
    STAFF = "staff", _("Door een medewerker")
    COMMAND = "command", _("Via de opdrachtregel")


class AttemptScope(models.TextChoices):
    NUMBER = "number", _("Klantnummer")
    IP = "ip", _("IP-adres")
    CODE_SENT = "code_sent", _("Code verstuurd")


class SituationKind(models.TextChoices):
    """What a person can report; a dispute pauses collection, the rest asks for review."""

    DISPUTE = "dispute", _("Ik ben het niet eens met de rekening")
    JOB_LOSS = "job_loss", _("Ik ben mijn werk kwijt")
    ILLNESS = "illness", _("Ik ben ziek")
    SEPARATION = "separation", _("Ik ga scheiden of ben gescheiden")
    OTHER = "other", _("Er is iets anders veranderd")


class Slot(models.TextChoices):
    """Call-back slots, the DDAS ``dagdeel`` split (DOMAIN.md)."""

    MORNING = "morning", _("Ochtend (9:00 tot 12:00)")
    AFTERNOON = "afternoon", _("Middag (12:00 tot 17:00)")
    EVENING = "evening", _("Avond (17:00 tot 20:00)")


SLOT_TIMES: dict[str, tuple[time, time]] = {
    Slot.MORNING: (time(9), time(12)),
    Slot.AFTERNOON: (time(12), time(17)),
    Slot.EVENING: (time(17), time(20)),
}

# Session keys (the portal shares Django's session with nothing else of the customer).
SESSION_CUSTOMER = "portal_customer_id"
SESSION_SEEN = "portal_seen"
SESSION_JTI = "portal_jti"
SESSION_CODE_NUMBER = "portal_code_number"
SESSION_NUDGED = "portal_nudged"

# Timeline causes written by the portal (``CaseEvent.cause``).
CAUSE_VISIT = "portal_visit"
CAUSE_PAY = "portal_pay_started"
CAUSE_PLAN = "portal_plan"
CAUSE_MANDATE = "portal_mandate"
CAUSE_PREFERENCES = "portal_preferences"
CAUSE_CALLBACK = "portal_callback"
CAUSE_HELP = "portal_help"
CAUSE_SITUATION = "portal_situation"

# Nudge variants the bandit chooses between (message template variants).
NUDGE_VARIANTS: tuple[str, ...] = ("A", "B")
