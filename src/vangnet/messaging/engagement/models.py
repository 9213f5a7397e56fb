"""Experiments (send hour, template variant), their arms' tallies, assignments, short
links and clicks.

Outbox rows, actions and cases are referenced by plain integer ids, not foreign keys:
the outbox is built in parallel and must not be an import-time dependency, assignments
and clicks are append-only logs written in bulk, and purging a case's data is done per
organisation (every row here hangs off an organisation or an experiment that does).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vangnet.messaging.engagement.constants import ExperimentKind, RewardSource
from vangnet.parties.models import Organisation


class Experiment(models.Model):
    """A running A/B/n test (template variants) or send-hour test, per segment.

    Empty ``segment``, ``template_code`` or ``channel`` mean "any": a send-hour
    experiment for every SMS, or a variant test for one template in every segment. At
    most one active experiment per combination (constraint), so a request never has to
    choose between two.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.CASCADE
    )
    name = models.CharField(_("naam"), max_length=200, blank=True)
    kind = models.CharField(_("soort"), max_length=16, choices=ExperimentKind.choices)
    segment = models.CharField(_("segment"), max_length=40, blank=True, help_text=_("Leeg: alle."))
    template_code = models.CharField(
        _("sjabloon"), max_length=64, blank=True, help_text=_("Leeg: alle sjablonen.")
    )
    channel = models.CharField(
        _("kanaal"), max_length=16, blank=True, help_text=_("Leeg: alle kanalen.")
    )
    arms = models.JSONField(
        _("armen"),
        default=list,
        help_text=_('Varianten (["A", "B"]) of verzenduren (["8", "10", "12"]).'),
    )
    exploration_share = models.FloatField(
        _("deel willekeurig"),
        default=0.1,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Deel van de keuzes dat willekeurig is (0,1 = 10%)."),
    )
    active = models.BooleanField(_("actief"), default=True)
    started_at = models.DateTimeField(_("gestart"))
    stopped_at = models.DateTimeField(_("gestopt"), null=True, blank=True)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experimenten")
        ordering = ["-active", "-started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "segment", "template_code", "channel"],
                condition=Q(active=True),
                name="experiment_one_active",
            ),
        ]

    def __str__(self) -> str:
        label = self.name or f"{self.get_kind_display()} {self.template_code or ''}".strip()
        return f"{label} ({self.organisation_id})"


class ArmStat(models.Model):
    """The tally of one arm: how often it was tried and how often it won a response."""

    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.CASCADE, related_name="stats"
    )
    arm = models.CharField(_("arm"), max_length=32)
    successes = models.PositiveIntegerField(_("reacties"), default=0)
    trials = models.PositiveIntegerField(_("pogingen"), default=0)
    updated_at = models.DateTimeField(_("bijgewerkt"), null=True, blank=True)

    class Meta:
        verbose_name = _("arm")
        verbose_name_plural = _("armen")
        ordering = ["experiment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "arm"], name="armstat_unique"),
            models.CheckConstraint(
                condition=Q(successes__lte=models.F("trials")), name="armstat_successes_le_trials"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.arm}: {self.successes}/{self.trials}"


class Assignment(models.Model):
    """One message given one arm; counted into ``ArmStat`` once its reward window closed.

    ``send_at`` is the planned moment; ``sent_at`` the real one when the outbox reports
    it (``assignments_mark_sent``). The 48-hour reward window starts at whichever is
    known, the real one first. ``counted_batch`` marks the ``rewards_refresh`` that
    counted it, so it is counted exactly once even when two refreshes overlap.
    """

    experiment = models.ForeignKey(
        Experiment,
        verbose_name=_("experiment"),
        on_delete=models.CASCADE,
        related_name="assignments",
        db_index=False,  # served by assignment_experiment_arm
    )
    arm = models.CharField(_("arm"), max_length=32)
    outbox_message_id = models.BigIntegerField(_("bericht"), null=True, blank=True)
    action_id = models.BigIntegerField(_("actie"), null=True, blank=True)
    case_id = models.BigIntegerField(_("dossier"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("toegewezen"))
    send_at = models.DateTimeField(_("gepland voor"))
    sent_at = models.DateTimeField(_("verzonden"), null=True, blank=True)
    rewarded = models.BooleanField(_("reactie"), default=False)
    reward_at = models.DateTimeField(_("reactie op"), null=True, blank=True)
    reward_source = models.CharField(
        _("soort reactie"), max_length=16, choices=RewardSource.choices, blank=True
    )
    counted_batch = models.BigIntegerField(_("geteld in"), null=True, blank=True)

    class Meta:
        verbose_name = _("toewijzing")
        verbose_name_plural = _("toewijzingen")
        indexes = [
            models.Index(fields=["experiment", "arm"], name="assignment_experiment_arm"),
            models.Index(
                fields=["outbox_message_id"],
                condition=Q(outbox_message_id__isnull=False),
                name="assignment_outbox",
            ),
            models.Index(
                fields=["action_id"], condition=Q(action_id__isnull=False), name="assignment_action"
            ),
            # Only what rewards_refresh still has to look at (uncounted rows).
            models.Index(
                fields=["case_id", "send_at"],
                condition=Q(counted_batch__isnull=True),
                name="assignment_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.experiment_id}:{self.arm} ({'+' if self.rewarded else '-'})"


class ShortLink(models.Model):
    """A short, unguessable link in a message that redirects to the portal or pay page."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    target_url = models.CharField(_("doel"), max_length=1000)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.CASCADE, db_index=False
    )
    case_id = models.BigIntegerField(_("dossier"), null=True, blank=True)
    outbox_message_id = models.BigIntegerField(_("bericht"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"))
    expires_at = models.DateTimeField(_("verloopt"), null=True, blank=True)

    class Meta:
        verbose_name = _("korte link")
        verbose_name_plural = _("korte links")
        indexes = [
            models.Index(fields=["organisation", "created_at"], name="shortlink_org_created"),
            models.Index(
                fields=["outbox_message_id"],
                condition=Q(outbox_message_id__isnull=False),
                name="shortlink_outbox",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Click(models.Model):
    """One request for a short link. No IP address is stored (AVG: not needed); only the
    browser family, and whether it was a link-preview robot (not counted as a click)."""

    link = models.ForeignKey(
        ShortLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="clicks"
    )
    at = models.DateTimeField(_("tijdstip"))
    user_agent_family = models.CharField(_("browser"), max_length=32, blank=True)
    bot = models.BooleanField(_("voorvertoning of robot"), default=False)

    class Meta:
        verbose_name = _("klik")
        verbose_name_plural = _("klikken")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.link_id} {self.at:%Y-%m-%d %H:%M}"
