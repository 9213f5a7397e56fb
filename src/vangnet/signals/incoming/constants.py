"""Choices of signals_in; DDAS values come from ``vangnet.signals.ddas``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.signals import ddas

PARTNER_TYPE_CHOICES = [(t, t) for t in ddas.PARTNER_TYPES]
SIGNAL_STATUS_CHOICES = [(s, s) for s in ddas.SIGNAL_STATUSES]
RESULT_CHOICES = list(ddas.RESULTS.items())
CONTACT_KIND_CHOICES = [(k, k) for k in ddas.CONTACT_KINDS]
DAY_PART_CHOICES = [(p, p) for p in ("Ochtend", "Middag", "Avond")]

STATUS_NEW = "Nog niet opgepakt"
STATUS_REPEATED = ddas.RESULTS["repeated"]


class MeldingStatus(models.TextChoices):
    NEW = "new", _("Nieuw")
    BRP_CHECK = "brp_check", _("BRP-controle")
    OUTREACH = "outreach", _("Contact zoeken")
    CONTACTED = "contacted", _("In gesprek")
    CLOSED = "closed", _("Afgesloten")


class FeedbackEvent(models.TextChoices):
    """What a creditor may hear back: *that* a signal was not picked up, or that help was
    accepted (so it pauses collection for 30 days) — never why (DOMAIN.md)."""

    NOT_PICKED_UP = "niet_opgepakt", _("Niet opgepakt")
    HELP_ACCEPTED = "hulp_aanvaard", _("Hulp aanvaard")
    PICKED_UP = "opgepakt", _("Opgepakt")


class FeedbackStatus(models.TextChoices):
    PENDING = "pending", _("Wacht")
    SENT = "sent", _("Verzonden")
    FAILED = "failed", _("Mislukt")
