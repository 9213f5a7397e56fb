"""Work for staff: calls, home visits, replies to answer and call-backs.

A ``Task`` is what the phone and visit channel adapters deliver (the outbox hands a call
or a visit over to people instead of a provider), and what an inbound reply becomes.
Its outcome flows back into the case: the timeline, holds, an invalid number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vangnet.parties.models import Organisation, Person


class TaskKind(models.TextChoices):
    CALL = "call", _("Bellen")
    VISIT = "visit", _("Huisbezoek")
    REPLY = "reply", _("Reactie beantwoorden")
    CALLBACK = "callback", _("Terugbellen")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Afgerond")
    CANCELLED = "cancelled", _("Geannuleerd")


class TaskOutcome(models.TextChoices):
    REACHED = "reached", _("Gesproken")
    NOT_REACHED = "not_reached", _("Niet bereikt")
    WRONG_NUMBER = "wrong_number", _("Verkeerd nummer")
    PROMISE_TO_PAY = "promise_to_pay", _("Belooft te betalen")
    PLAN_AGREED = "plan_agreed", _("Regeling afgesproken")
    HELP_NEEDED = "help_needed", _("Heeft hulp nodig")
    DISPUTE = "dispute", _("Niet eens met de rekening")


class TaskPriority(models.IntegerChoices):
    URGENT = 1, _("Dringend")
    HIGH = 2, _("Hoog")
    NORMAL = 3, _("Normaal")
    LOW = 4, _("Laag")


class Task(models.Model):
    """One call, visit, reply or call-back for staff, created once per idempotency key."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Leeg alleen bij een reactie die bij geen organisatie past."),
    )
    case = models.ForeignKey(
        "strategy.Case",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("persoon"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("soort"), max_length=16, choices=TaskKind.choices)
    priority = models.PositiveSmallIntegerField(
        _("prioriteit"), choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    due_on = models.DateField(_("datum"))
    window_start = models.TimeField(_("vanaf"), null=True, blank=True)
    window_end = models.TimeField(_("tot"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("toegewezen aan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    outcome = models.CharField(
        _("uitkomst"), max_length=16, choices=TaskOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("notitie bij uitkomst"), blank=True)
    idempotency_key = models.CharField(_("idempotentiesleutel"), max_length=128, unique=True)
    template_code = models.CharField(_("sjabloon"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    done_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("afgerond door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        ordering = ["due_on", "priority", "window_start", "pk"]
        indexes = [
            # The queue: open tasks of one organisation by day, priority, window.
            models.Index(
                fields=["organisation", "due_on", "priority", "window_start"],
                condition=Q(status="open"),
                name="task_open_queue",
            ),
            models.Index(fields=["case", "status"], name="task_case_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_end__gt=models.F("window_start")),
                name="task_window_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title} ({self.due_on})"
