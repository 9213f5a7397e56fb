"""Choices and policy defaults of payment plans and charged costs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld")
    PENDING_APPROVAL = "pending_approval", _("Wacht op goedkeuring")
    ACTIVE = "active", _("Actief")
    COMPLETED = "completed", _("Nagekomen")
    BREACHED = "breached", _("Niet nagekomen")
    REJECTED = "rejected", _("Afgewezen")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


#: A plan in one of these states blocks a second plan for the same account.
LIVE_STATUSES: tuple[str, ...] = (
    PlanStatus.PROPOSED,
    PlanStatus.PENDING_APPROVAL,
    PlanStatus.ACTIVE,
)
#: Plans that count towards "max plans per 12 months" (an agreement was made).
COUNTED_STATUSES: tuple[str, ...] = (
    PlanStatus.ACTIVE,
    PlanStatus.COMPLETED,
    PlanStatus.BREACHED,
)


class PlanSource(models.TextChoices):
    PORTAL = "portal", _("Klantportaal")
    STAFF = "staff", _("Medewerker")
    PHONE = "phone", _("Telefoon")


class InstalmentStatus(models.TextChoices):
    DUE = "due", _("Open")
    PAID = "paid", _("Betaald")
    MISSED = "missed", _("Gemist")
    WAIVED = "waived", _("Kwijtgescholden")


class ChargeKind(models.TextChoices):
    WIK_COSTS = "wik_costs", _("Incassokosten (WIK)")
    STATUTORY_INTEREST = "statutory_interest", _("Wettelijke rente")


class DownPaymentKind(models.TextChoices):
    NONE = "none", _("Geen aanbetaling")
    PERCENT = "percent", _("Percentage van het totaal")
    AMOUNT = "amount", _("Vast bedrag")


# Policy defaults (the brief's examples; each is a field of PlanPolicy per organisation).
# Twelve months keeps a plan within reach (KSVI practice of short, affordable plans); €10
# is the lowest instalment worth collecting; no down payment is the social default (a
# down payment keeps out exactly the people who need a plan most); two plans a year
# allows one fresh start after a broken plan; seven days of grace covers a late salary
# or a returned debit collected again.
DEFAULT_MAX_MONTHS = 12
DEFAULT_MIN_INSTALMENT_CENTS = 1000
DEFAULT_MAX_PLANS_12M = 2
DEFAULT_GRACE_DAYS = 7
DEFAULT_REMINDER_TEMPLATE = "plan_reminder"

# Invoice numbers of charged costs in the ledger. "KOSTEN" sorts before "RENTE", and both
# are dated a day before the oldest open principal, so the ledger's oldest-first
# allocation applies a payment to costs, then interest, then principal (art. 6:44 BW).
COSTS_INVOICE_PREFIX = "KOSTEN-"
INTEREST_INVOICE_PREFIX = "RENTE-"
