"""Choices of signals_out (creditor side of vroegsignalering)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalStatus(models.TextChoices):
    BLOCKED = "blocked", _("Tegengehouden")  # the gate or the routing said no; reasons kept
    QUEUED = "queued", _("Klaar om te versturen")
    SENT = "sent", _("Verzonden")  # delivered (2xx or file export), no receipt id yet
    ACKNOWLEDGED = "acknowledged", _("Ontvangen door gemeente")
    UPDATED = "updated", _("Bijgewerkt")
    CLOSED = "closed", _("Afgesloten")
    FAILED = "failed", _("Mislukt")


class SignalKind(models.TextChoices):
    JOURNEY = "journey", _("Klantreis")
    REFERRAL = "referral", _("Warme overdracht")
    END_OF_SUPPLY = "end_of_supply", _("Einde levering")


class WireEvent(models.TextChoices):
    """What the next delivery sends (docs/signal-exchange.md ``event``)."""

    NONE = "", _("Niets")
    CREATE = "create", _("Nieuw")
    UPDATE = "update", _("Wijziging")
    CLOSE = "close", _("Afsluiten")


class CloseReason(models.TextChoices):
    PAID = "paid", _("Betaald")
    ARRANGEMENT = "arrangement", _("Betalingsregeling")
    WITHDRAWN = "withdrawn", _("Ingetrokken")
    OTHER = "other", _("Anders")


class DeliveryMethod(models.TextChoices):
    API = "api", _("API (JSON, ondertekend)")
    RIS_CSV = "ris_csv", _("Bestand voor RIS (Inforing)")
    VPS_CSV = "vps_csv", _("Bestand voor VPS (BKR)")
    NONE = "none", _("Niet versturen")


class Feedback(models.TextChoices):
    """What a municipality may tell us: never why (DOMAIN.md)."""

    HELP_ACCEPTED = "hulp_aanvaard", _("Hulp aanvaard")
    NOT_PICKED_UP = "niet_opgepakt", _("Niet opgepakt")
    PICKED_UP = "opgepakt", _("Opgepakt")


# Statuses in which the municipality holds a live signal that we must keep current.
LIVE_STATUSES: tuple[str, ...] = (
    SignalStatus.QUEUED,
    SignalStatus.SENT,
    SignalStatus.ACKNOWLEDGED,
    SignalStatus.UPDATED,
)
