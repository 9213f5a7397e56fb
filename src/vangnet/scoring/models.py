"""Trained scoring models, one row per training run, with the artefact inside.

The artefact is a joblib (= pickle) file, and unpickling runs code, so a row also keeps
the artefact's SHA-256 and an HMAC keyed with ``SECRET_KEY``; ``scoring.model`` refuses
to load an artefact whose bytes do not match both. Rows are never edited after training
except ``is_active`` (one active model per organisation).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.parties.models import Organisation


class Algorithm(models.TextChoices):
    LOGISTIC_REGRESSION = "logistic_regression", _("Logistische regressie")
    GRADIENT_BOOSTING = "gradient_boosting", _("Gradient boosting")


class ScoringModel(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    version = models.CharField(_("versie"), max_length=64)
    algorithm = models.CharField(_("algoritme"), max_length=32, choices=Algorithm.choices)
    feature_names = models.JSONField(_("kenmerken"), default=list)
    metrics = models.JSONField(_("prestaties"), default=dict)
    trained_at = models.DateTimeField(_("getraind op"), default=timezone.now)
    training_rows = models.PositiveIntegerField(_("trainingsregels"))
    positive_rows = models.PositiveIntegerField(_("waarvan met achterstand"))
    source = models.CharField(_("bron"), max_length=300, blank=True)
    library_versions = models.JSONField(_("softwareversies"), default=dict)
    is_active = models.BooleanField(_("actief"), default=False)
    artefact = models.BinaryField(_("modelbestand"), editable=False)
    artefact_sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    artefact_hmac = models.CharField(_("HMAC"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("scoremodel")
        verbose_name_plural = _("scoremodellen")
        ordering = ["-trained_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="scoring_model_version_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_active=True),
                name="scoring_model_one_active",
            ),
        ]

    def __str__(self) -> str:
        return self.version
