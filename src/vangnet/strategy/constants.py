"""Choices of the strategy engine: case states, holds, action types, channels, journeys.

The action type values are the audit export's vocabulary (issue: `vangnet export
actions`), so an auditor reads the same words the engine stores.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Gepauzeerd")
    CLOSED = "closed", _("Gesloten")


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Dossier geopend")
    CLOSED = "closed", _("Dossier gesloten")
    PAUSED = "paused", _("Dossier gepauzeerd")
    RESUMED = "resumed", _("Dossier hervat")
    REOPENED = "reopened", _("Dossier heropend")
    SEGMENT = "segment", _("Segment gewijzigd")
    CONTACT = "contact", _("Contact")
    NOTE = "note", _("Notitie")
    PAYMENT = "payment", _("Betaling ontvangen")


class CloseCause(models.TextChoices):
    PAID = "paid", _("Achterstand betaald")
    MANUAL = "manual", _("Handmatig gesloten")
    WRITTEN_OFF = "written_off", _("Afgeboekt")
    HANDED_OVER = "handed_over", _("Overgedragen")


class HoldKind(models.TextChoices):
    PAYMENT_PLAN = "payment_plan", _("Betalingsregeling")
    DISPUTE = "dispute", _("Geschil")
    MORATORIUM = "moratorium", _("Moratorium (schuldhulp)")
    DECEASED = "deceased", _("Overleden")
    MEDICAL = "medical", _("Medische noodzaak")
    PROMISE_TO_PAY = "promise_to_pay", _("Betaalbelofte")
    HELP_ACCEPTED = "help_accepted", _("Hulp aanvaard")


# Holds that stop the journey (the case is paused). A medical hold does not pause: the
# friendly contact goes on, only disconnection is barred (DOMAIN.md "Disconnection"),
# which the guardrails enforce for every action the run proposes.
PAUSING_HOLDS: tuple[str, ...] = (
    HoldKind.DECEASED,
    HoldKind.MORATORIUM,
    HoldKind.DISPUTE,
    HoldKind.HELP_ACCEPTED,
    HoldKind.PAYMENT_PLAN,
    HoldKind.PROMISE_TO_PAY,
)


class HoldOutcome(models.TextChoices):
    RUNNING = "", _("Loopt")
    COMPLETED = "completed", _("Nagekomen")
    BROKEN = "broken", _("Niet nagekomen")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class ActionType(models.TextChoices):
    MESSAGE = "message", _("Bericht")
    CALL_TASK = "call_task", _("Beltaak")
    VISIT_TASK = "visit_task", _("Huisbezoek")
    FOURTEEN_DAY_LETTER = "fourteen_day_letter", _("Veertiendagenbrief")
    CHARGE_COSTS = "charge_costs", _("Incassokosten rekenen")
    OFFER_PLAN = "offer_plan", _("Betalingsregeling aanbieden")
    SIGNAL = "signal", _("Vroegsignaal aan gemeente")
    REFERRAL = "referral", _("Doorverwijzing naar hulp bij geldzaken")
    HANDOVER = "handover", _("Overdracht aan incassobureau of deurwaarder")
    DISCONNECTION_REQUEST = "disconnection_request", _("Verzoek tot afsluiten")
    EVICTION_REQUEST = "eviction_request", _("Verzoek tot ontruiming")


# Action types that contact the person and so respect quiet hours and contact caps.
CONTACT_TYPES: frozenset[str] = frozenset(
    {
        ActionType.MESSAGE,
        ActionType.CALL_TASK,
        ActionType.VISIT_TASK,
        ActionType.FOURTEEN_DAY_LETTER,
        ActionType.OFFER_PLAN,
        ActionType.REFERRAL,
    }
)


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")  # waiting for delivery (the outbox)
    BLOCKED = "blocked", _("Geblokkeerd")
    SENT = "sent", _("Verzonden")
    DONE = "done", _("Uitgevoerd")
    CANCELLED = "cancelled", _("Geannuleerd")
    FAILED = "failed", _("Mislukt")


# Statuses that mean "this action counts as having happened or going to happen" for the
# case history the guardrails read (a blocked or cancelled letter proves nothing).
EFFECTIVE_STATUSES: tuple[str, ...] = (ActionStatus.PLANNED, ActionStatus.SENT, ActionStatus.DONE)


class ActionChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LETTER = "letter", _("Brief")
    PHONE = "phone", _("Telefoon")
    VISIT = "visit", _("Huisbezoek")
    MUNICIPALITY = "municipality", _("Gemeente")
    AGENCY = "agency", _("Incassobureau of deurwaarder")
    INTERNAL = "internal", _("Intern")


BEST_CHANNEL = "best"

# Which channel an action type uses when the step does not say (or says "best" for a
# type where the choice is fixed).
FIXED_CHANNEL: dict[str, str] = {
    ActionType.CALL_TASK: ActionChannel.PHONE,
    ActionType.VISIT_TASK: ActionChannel.VISIT,
    ActionType.CHARGE_COSTS: ActionChannel.INTERNAL,
    ActionType.SIGNAL: ActionChannel.MUNICIPALITY,
    ActionType.HANDOVER: ActionChannel.AGENCY,
    ActionType.DISCONNECTION_REQUEST: ActionChannel.INTERNAL,
    ActionType.EVICTION_REQUEST: ActionChannel.INTERNAL,
}


class JourneyStyle(models.TextChoices):
    SOCIAL = "social", _("Sociaal")
    CLASSIC = "classic", _("Klassiek")


class ScoreBand(models.TextChoices):
    LOW = "low", _("laag")
    MEDIUM = "medium", _("midden")
    HIGH = "high", _("hoog")


class RunPhase(models.TextChoices):
    STARTED = "started", _("Gestart")
    POSITIONS = "positions", _("Posities")
    CASES = "cases", _("Dossiers")
    HOLDS = "holds", _("Pauzes")
    FEATURES = "features", _("Kenmerken")
    SCORES = "scores", _("Scores")
    SEGMENTS = "segments", _("Segmenten")
    STEPS = "steps", _("Stappen")
    GUARDRAILS = "guardrails", _("Vangrails")
    WRITE = "write", _("Wegschrijven")
    FINISHED = "finished", _("Klaar")


# Creditor policy defaults; each is configuration per organisation (StrategyPolicy).
# DOMAIN.md gives no statutory threshold for opening a case: €10 keeps rounding
# differences and a late cent out of the journeys, and €1 as close tolerance means
# a case closes when what is left is smaller than any reminder would be worth.
DEFAULT_ARREARS_THRESHOLD_CENTS = 1000
DEFAULT_CLOSE_TOLERANCE_CENTS = 100
DEFAULT_SEND_HOUR = 10  # local time the run plans contacts for; quiet hours may move it
