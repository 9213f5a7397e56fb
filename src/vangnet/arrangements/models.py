"""Payment plans (policy, plan, instalments) and the costs charged on an account.

Money is integer cents. A plan's instalments always add up to its total exactly; the
plan keeps the affordability decision it was approved on (code, Dutch text, figures) and
only the income data that check needed (data minimisation, AVG art. 5(1)(c)).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vangnet.arrangements.constants import (
    DEFAULT_GRACE_DAYS,
    DEFAULT_MAX_MONTHS,
    DEFAULT_MAX_PLANS_12M,
    DEFAULT_MIN_INSTALMENT_CENTS,
    DEFAULT_REMINDER_TEMPLATE,
    LIVE_STATUSES,
    ChargeKind,
    DownPaymentKind,
    InstalmentStatus,
    PlanSource,
    PlanStatus,
)
from vangnet.core.money import format_euro
from vangnet.ledger.models import Account, Invoice
from vangnet.parties.models import Organisation
from vangnet.rules.interest import DEFAULT_RATES, RatePeriod
from vangnet.strategy.models import Action, Case, Hold


class PlanPolicy(models.Model):
    """A creditor's rules for payment plans; without a row the defaults apply."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="plan_policy",
    )
    max_months = models.PositiveSmallIntegerField(
        _("maximale looptijd (maanden)"), default=DEFAULT_MAX_MONTHS
    )
    min_instalment_cents = models.PositiveIntegerField(
        _("minimale termijn (centen)"), default=DEFAULT_MIN_INSTALMENT_CENTS
    )
    down_payment_kind = models.CharField(
        _("soort aanbetaling"),
        max_length=8,
        choices=DownPaymentKind.choices,
        default=DownPaymentKind.NONE,
    )
    down_payment_value = models.PositiveIntegerField(
        _("aanbetaling"),
        default=0,
        help_text=_("Percentage (0–100) of bedrag in centen, afhankelijk van de soort."),
    )
    max_plans_12m = models.PositiveSmallIntegerField(
        _("maximaal aantal regelingen per 12 maanden"), default=DEFAULT_MAX_PLANS_12M
    )
    auto_approve = models.BooleanField(
        _("automatisch goedkeuren"),
        default=True,
        help_text=_("Een betaalbare regeling binnen het beleid is meteen goedgekeurd."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("respijtdagen bij een gemiste termijn"), default=DEFAULT_GRACE_DAYS
    )
    reminder_template = models.CharField(
        _("sjabloon herinnering"), max_length=64, default=DEFAULT_REMINDER_TEMPLATE
    )
    waive_costs_in_plan = models.BooleanField(
        _("kosten vervallen bij een regeling"),
        default=True,
        help_text=_("Openstaande incassokosten en rente worden kwijtgescholden bij de start."),
    )

    class Meta:
        verbose_name = _("beleid betalingsregelingen")
        verbose_name_plural = _("beleid betalingsregelingen")

    def __str__(self) -> str:
        return f"{self.organisation}"


class CostPolicy(models.Model):
    """When a creditor charges WIK costs and statutory interest, and when it waives them.

    The social defaults: no costs for first-time arrears (no earlier case for the
    account) or for vulnerable customers, and no statutory interest for consumers.
    """

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="cost_policy",
    )
    waive_first_arrears = models.BooleanField(_("geen kosten bij eerste achterstand"), default=True)
    waive_vulnerable = models.BooleanField(
        _("geen kosten bij kwetsbare klanten"),
        default=True,
        help_text=_("Medische noodzaak of hulp bij geldzaken."),
    )
    charge_interest = models.BooleanField(_("wettelijke rente rekenen"), default=False)
    waive_interest_first_arrears = models.BooleanField(
        _("geen rente bij eerste achterstand"), default=True
    )
    interest_rates = models.JSONField(
        _("extra rentepercentages"),
        default=list,
        blank=True,
        help_text=_(
            'Perioden bovenop de ingebouwde tabel, bijv. [["2025-01-01", "2025-07-01", "0.06"]] '
            "(van, tot, rente als fractie)."
        ),
    )

    class Meta:
        verbose_name = _("kostenbeleid")
        verbose_name_plural = _("kostenbeleid")

    def __str__(self) -> str:
        return f"{self.organisation}"

    def rate_table(self) -> tuple[RatePeriod, ...]:
        """The built-in statutory rates (rules.interest) plus this policy's own periods."""
        extra = tuple(
            RatePeriod(date.fromisoformat(start), date.fromisoformat(end), Decimal(str(rate)))
            for start, end, rate in (self.interest_rates or [])
        )
        return DEFAULT_RATES + extra


class PaymentPlan(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="payment_plans",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payment_plans",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.PROPOSED
    )
    total_cents = models.BigIntegerField(_("totaal (centen)"))
    down_payment_cents = models.BigIntegerField(_("aanbetaling (centen)"), default=0)
    instalment_count = models.PositiveSmallIntegerField(_("aantal termijnen"))
    instalment_cents = models.BigIntegerField(_("termijnbedrag (centen)"))
    first_due_on = models.DateField(_("eerste vervaldatum"))
    day_of_month = models.PositiveSmallIntegerField(_("dag van de maand"))
    source = models.CharField(_("bron"), max_length=8, choices=PlanSource.choices)
    income = models.JSONField(
        _("opgegeven inkomen en lasten"),
        default=dict,
        blank=True,
        help_text=_("Alleen wat de betaalbaarheidstoets nodig heeft."),
    )
    affordable = models.BooleanField(_("betaalbaar"), null=True, blank=True)
    affordability_code = models.CharField(_("redencode betaalbaarheid"), max_length=40, blank=True)
    affordability_text = models.CharField(_("uitleg betaalbaarheid"), max_length=400, blank=True)
    affordability = models.JSONField(_("berekening betaalbaarheid"), default=dict, blank=True)
    policy_codes = models.JSONField(_("beleidsregels buiten de grenzen"), default=list, blank=True)
    costs_waived = models.BooleanField(_("kosten kwijtgescholden"), default=False)
    decision_reason = models.CharField(_("reden besluit"), max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("goedgekeurd door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    activated_on = models.DateField(_("gestart op"), null=True, blank=True)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    hold = models.ForeignKey(
        Hold,
        verbose_name=_("pauze"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_on = models.DateField(_("aangemaakt op"))
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("betalingsregeling")
        verbose_name_plural = _("betalingsregelingen")
        constraints = [
            # One live plan per account: a second proposal waits for the first to end.
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=LIVE_STATUSES),
                name="paymentplan_one_live_per_account",
            ),
            models.CheckConstraint(
                condition=Q(total_cents__gt=0) & Q(down_payment_cents__gte=0),
                name="paymentplan_amounts",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="plan_org_status")]

    def __str__(self) -> str:
        return f"{self.reference} {format_euro(self.total_cents)} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        """The plan's payment reference (betalingskenmerk) given to the customer."""
        return f"REG{self.pk}"


class Instalment(models.Model):
    """One due amount of a plan; number 0 is the down payment (when there is one)."""

    plan = models.ForeignKey(
        PaymentPlan,
        verbose_name=_("regeling"),
        on_delete=models.CASCADE,
        related_name="instalments",
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    due_on = models.DateField(_("vervaldatum"))
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    paid_cents = models.BigIntegerField(_("betaald (centen)"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=InstalmentStatus.choices, default=InstalmentStatus.DUE
    )
    collection_reference = models.CharField(
        _("incassokenmerk"), max_length=35, blank=True, help_text=_("Bij automatische incasso.")
    )
    reminded_on = models.DateField(_("herinnerd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("termijn")
        verbose_name_plural = _("termijnen")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="instalment_number"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="instalment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.due_on} {format_euro(self.amount_cents)}"


class ChargedCost(models.Model):
    """WIK costs or statutory interest charged (or waived) on an account, with its why.

    A charge that is not waived is also a ledger invoice (``invoice``), so balances,
    arrears, aging and allocation see it (docs/payment-plans.md "Costs in the ledger").
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    account = models.ForeignKey(
        Account, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="charges"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("dossier"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.ForeignKey(
        Action,
        verbose_name=_("actie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("soort"), max_length=20, choices=ChargeKind.choices)
    principal_cents = models.BigIntegerField(_("hoofdsom (centen)"))
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    vat_cents = models.BigIntegerField(_("waarvan btw (centen)"), default=0)
    computed_on = models.DateField(_("berekend op"))
    explanation = models.TextField(_("berekening"))
    invoice = models.OneToOneField(
        Invoice,
        verbose_name=_("factuur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charge",
    )
    waived = models.BooleanField(_("kwijtgescholden"), default=False)
    waiver_reason = models.CharField(_("reden kwijtschelding"), max_length=300, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kwijtgescholden door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    waived_on = models.DateField(_("kwijtgescholden op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("gerekende kosten")
        verbose_name_plural = _("gerekende kosten")
        ordering = ["computed_on", "pk"]
        constraints = [
            # One charge of each kind per action: executing an action twice charges once.
            models.UniqueConstraint(fields=["action", "kind"], name="chargedcost_action_kind"),
            models.CheckConstraint(condition=Q(amount_cents__gte=0), name="chargedcost_amount"),
        ]
        indexes = [models.Index(fields=["account", "computed_on"], name="charge_account_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_euro(self.amount_cents)}"
