"""Cases, holds, segments, journeys, actions and daily runs.

A case is one account in arrears moved along a journey by the daily run (DESIGN.md "The
one idea"); every state change writes a ``CaseEvent`` and every decided contact is an
``Action``, which is also the outbox for now (status ``planned`` = waiting for delivery).
The run writes in bulk, so rows written by the run carry an idempotency key: a re-run of
the same day, even after a crash half-way, adds nothing that is already there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vangnet.ledger.models import Account
from vangnet.parties.constants import Sector
from vangnet.parties.models import Organisation
from vangnet.strategy.constants import (
    DEFAULT_ARREARS_THRESHOLD_CENTS,
    DEFAULT_CLOSE_TOLERANCE_CENTS,
    DEFAULT_SEND_HOUR,
    ActionStatus,
    ActionType,
    CaseEventKind,
    CaseStatus,
    HoldKind,
    HoldOutcome,
    JourneyStyle,
    RunPhase,
)


class StrategyPolicy(models.Model):
    """A creditor's collection policy: when a case opens and closes, which journey.

    Kept here rather than on ``Organisation`` because it belongs to the strategy engine;
    an organisation without a row uses the defaults in ``constants``.
    """

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="strategy_policy",
    )
    arrears_threshold_cents = models.PositiveIntegerField(
        _("drempel achterstand (centen)"),
        default=DEFAULT_ARREARS_THRESHOLD_CENTS,
        help_text=_("Een dossier opent zodra de achterstand minstens dit bedrag is."),
    )
    close_tolerance_cents = models.PositiveIntegerField(
        _("sluittolerantie (centen)"),
        default=DEFAULT_CLOSE_TOLERANCE_CENTS,
        help_text=_("Een dossier sluit zodra de achterstand hooguit dit bedrag is."),
    )
    journey = models.ForeignKey(
        "Journey",
        verbose_name=_("klantreis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        # Staff choose among published versions only; the journey editor's trial runs
        # set a draft on their own temporary simulation organisation in code.
        limit_choices_to={"published": True},
        help_text=_("Leeg: de sociale klantreis van de sector van de organisatie."),
    )
    send_hour = models.PositiveSmallIntegerField(
        _("verzenduur"),
        default=DEFAULT_SEND_HOUR,
        help_text=_("Uur waarop berichten van de dagelijkse run gepland worden."),
    )
    guardrail_policy = models.JSONField(
        _("beleid vangrails"),
        default=dict,
        blank=True,
        help_text=_("Instellingen die aan de vangrails worden doorgegeven (bijv. stille uren)."),
    )

    class Meta:
        verbose_name = _("incassobeleid")
        verbose_name_plural = _("incassobeleid")

    def __str__(self) -> str:
        return f"{self.organisation}"


class Segment(models.Model):
    """A rule over case features; the first active segment (by priority) that matches wins.

    ``conditions`` is a list of ``{"feature": …, "op": …, "value": …}``, all of which must
    hold (see ``segments.FEATURES`` and ``segments.OPS``).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("naam"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    priority = models.PositiveSmallIntegerField(_("volgorde"), default=100)
    conditions = models.JSONField(_("voorwaarden"), default=list, blank=True)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segmenten")
        ordering = ["priority", "code"]

    def __str__(self) -> str:
        return self.name_nl


class Journey(models.Model):
    """A versioned sequence of steps. Cases keep the version they started on."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("versie"), default=1)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    sector = models.CharField(
        _("sector"), max_length=24, choices=Sector.choices, blank=True, help_text=_("Leeg: alle.")
    )
    style = models.CharField(
        _("stijl"), max_length=16, choices=JourneyStyle.choices, default=JourneyStyle.SOCIAL
    )
    published = models.BooleanField(_("gepubliceerd"), default=True)
    # Template code -> what that template says (points to help, offers data sharing,
    # 14-day letter wording …). The guardrails decide on these facts, so they travel
    # with the journey in its YAML file until the messaging app owns the templates.
    templates = models.JSONField(_("sjablonen"), default=dict, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("klantreis")
        verbose_name_plural = _("klantreizen")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="journey_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class JourneyStep(models.Model):
    """One step: when (day offset or event), what (action type, channel, template), for whom."""

    journey = models.ForeignKey(
        Journey, verbose_name=_("klantreis"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("volgnummer"))
    name = models.CharField(_("naam"), max_length=200, blank=True)
    day_offset = models.IntegerField(
        _("dag"), null=True, blank=True, help_text=_("Dagen na de start van de klantreis.")
    )
    wait_for_event = models.CharField(
        _("wacht op gebeurtenis"),
        max_length=32,
        blank=True,
        help_text=_("Soort dossiergebeurtenis die deze stap start (in plaats van een dag)."),
    )
    action_type = models.CharField(_("soort actie"), max_length=32, choices=ActionType.choices)
    channel = models.CharField(
        _("kanaal"), max_length=16, blank=True, help_text=_('Een kanaal, of "best".')
    )
    template = models.CharField(_("sjabloon"), max_length=64, blank=True)
    segments = models.JSONField(_("alleen voor segmenten"), default=list, blank=True)
    score_bands = models.JSONField(_("alleen voor scoreklassen"), default=list, blank=True)
    guardrails = models.JSONField(_("extra vangrails"), default=list, blank=True)

    class Meta:
        verbose_name = _("stap")
        verbose_name_plural = _("stappen")
        ordering = ["journey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "position"], name="journeystep_position"),
            models.CheckConstraint(
                condition=Q(day_offset__isnull=False) | ~Q(wait_for_event=""),
                name="journeystep_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.journey.code} #{self.position} {self.action_type}"


class Case(models.Model):
    """One account in arrears on its way through a journey.

    Foreign keys whose lookups another index already serves are created without their
    own index (``db_index=False``): every index is maintained for each of the 100,000+
    rows the run writes a day. ``organisation`` and ``journey`` carry no database
    constraint either (``db_constraint=False``): the organisation follows from the
    account (which is constrained), journeys are versioned and never deleted while used
    (``PROTECT``), and PostgreSQL's deferred FK checks cost ~10 µs per row per key at
    commit — measured as a second per 100,000 cases opened.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    account = models.ForeignKey(
        Account, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    opened_on = models.DateField(_("geopend op"))
    closed_on = models.DateField(_("gesloten op"), null=True, blank=True)
    close_cause = models.CharField(_("reden sluiten"), max_length=32, blank=True)
    paused_on = models.DateField(_("gepauzeerd op"), null=True, blank=True)
    pause_cause = models.CharField(_("reden pauze"), max_length=32, blank=True)
    paused_until = models.DateField(_("gepauzeerd tot"), null=True, blank=True)
    journey = models.ForeignKey(
        Journey,
        verbose_name=_("klantreis"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    journey_day0 = models.DateField(_("start klantreis"), null=True, blank=True)
    step_position = models.PositiveSmallIntegerField(_("laatste stap"), default=0)
    last_step_on = models.DateField(_("laatste stap op"), null=True, blank=True)
    next_step_on = models.DateField(_("volgende stap op"), null=True, blank=True)
    # Snapshot of the position and the decision inputs at the last run.
    arrears_cents = models.BigIntegerField(_("achterstand (centen)"), default=0)
    arrears_since = models.DateField(_("achterstand sinds"), null=True, blank=True)
    days_past_due = models.IntegerField(_("dagen over vervaldatum"), default=0)
    open_invoice_count = models.IntegerField(_("open facturen"), default=0)
    segment = models.CharField(_("segment"), max_length=40, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    score_band = models.CharField(_("scoreklasse"), max_length=8, blank=True)
    score_version = models.CharField(_("modelversie"), max_length=64, blank=True)
    score_factors = models.JSONField(_("belangrijkste factoren"), default=list, blank=True)
    scored_on = models.DateField(_("gescoord op"), null=True, blank=True)
    updated_on = models.DateField(_("bijgewerkt op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            # At most one case per account that is not closed: the run's "open a case"
            # is an INSERT … ON CONFLICT DO NOTHING against this index.
            models.UniqueConstraint(
                fields=["account"],
                condition=~Q(status="closed"),
                name="case_one_active_per_account",
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="case_org_status")]

    def __str__(self) -> str:
        return f"{_('Dossier')} {self.pk} ({self.get_status_display()})"


class CaseEvent(models.Model):
    """The case timeline: what changed, when and why (cause code + Dutch text + details)."""

    # No database constraint: events are an append-only log written in bulk (120,000 on
    # a first day), always from case ids the same statement read; the deferred check
    # cost ~1 s per run at commit. Deleting a case deletes its events (ORM cascade).
    case = models.ForeignKey(
        Case,
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # served by caseevent_case_kind
        db_constraint=False,
    )
    on = models.DateField(_("datum"))
    at = models.DateTimeField(_("tijdstip"))
    kind = models.CharField(_("soort"), max_length=16, choices=CaseEventKind.choices)
    cause = models.CharField(_("oorzaak"), max_length=40, blank=True)
    text = models.CharField(_("omschrijving"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    key = models.CharField(
        _("sleutel"),
        max_length=96,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Idempotentiesleutel van de dagelijkse run."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("dossiergebeurtenis")
        verbose_name_plural = _("dossiergebeurtenissen")
        ordering = ["on", "at", "pk"]
        indexes = [models.Index(fields=["case", "kind"], name="caseevent_case_kind")]

    def __str__(self) -> str:
        return f"{self.on} {self.kind} {self.cause}"


class Hold(models.Model):
    """A period in which collection waits or is restricted (plan, dispute, debt help …)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    account = models.ForeignKey(
        Account, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="holds"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holds",
    )
    kind = models.CharField(_("soort"), max_length=16, choices=HoldKind.choices)
    starts_on = models.DateField(_("vanaf"))
    ends_on = models.DateField(
        _("tot en met"), null=True, blank=True, help_text=_("Leeg: tot nader order.")
    )
    outcome = models.CharField(
        _("afloop"), max_length=16, choices=HoldOutcome.choices, blank=True, default=""
    )
    reason = models.CharField(_("reden"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("pauze")
        verbose_name_plural = _("pauzes")
        indexes = [models.Index(fields=["account", "starts_on"], name="hold_account_start")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on or '…'}"


class Action(models.Model):
    """One decided action and why; status ``planned`` rows are the outbox.

    Four indexes (primary key, idempotency key, case + run date, planned by time), not
    eight: each is maintained for every one of the 100,000+ rows a run can write, and
    steps are only deleted with their journey version (never while used).
    Only ``case`` is a database-enforced key (see ``Case`` for why the others are not).
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="actions",
        db_index=False,  # served by action_case_date
    )
    step = models.ForeignKey(
        JourneyStep,
        verbose_name=_("stap"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    action_type = models.CharField(_("soort"), max_length=32, choices=ActionType.choices)
    channel = models.CharField(_("kanaal"), max_length=16, blank=True)
    template = models.CharField(_("sjabloon"), max_length=64, blank=True)
    run_date = models.DateField(_("rundatum"))
    scheduled_for = models.DateTimeField(_("gepland voor"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    amount_cents = models.BigIntegerField(_("bedrag (centen)"), null=True, blank=True)
    reason_code = models.CharField(_("redencode"), max_length=64, blank=True)
    explanation = models.JSONField(_("uitleg"), default=dict, blank=True)
    idempotency_key = models.CharField(_("idempotentiesleutel"), max_length=96, unique=True)
    created_at = models.DateTimeField(_("aangemaakt"))

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        indexes = [
            models.Index(fields=["case", "run_date"], name="action_case_date"),
            # Delivery workers take planned rows in time order (SKIP LOCKED).
            models.Index(
                fields=["scheduled_for"],
                condition=Q(status="planned"),
                name="action_planned_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_date} {self.action_type} {self.channel} ({self.status})"


class DailyRun(models.Model):
    """One run per organisation and day; a re-run continues the same row."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Bezig")
        FINISHED = "finished", _("Klaar")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    run_date = models.DateField(_("rundatum"))
    started_at = models.DateTimeField(_("gestart"))
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    phase = models.CharField(
        _("fase"), max_length=16, choices=RunPhase.choices, default=RunPhase.STARTED
    )
    attempts = models.PositiveIntegerField(_("pogingen"), default=1)
    summary = models.JSONField(_("samenvatting"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dagelijkse run")
        verbose_name_plural = _("dagelijkse runs")
        ordering = ["-run_date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "run_date"], name="dailyrun_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.run_date} ({self.status})"


__all__ = [
    "Action",
    "ActionStatus",
    "Case",
    "CaseEvent",
    "DailyRun",
    "Hold",
    "HoldKind",
    "Journey",
    "JourneyStep",
    "Segment",
    "StrategyPolicy",
]
