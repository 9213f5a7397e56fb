"""Choices of the case page and the work queues: reasons for arrears, visit slots.

The reason for arrears is what a conversation teaches us about *why* someone is behind;
it steers the next step (an income drop needs a plan, "won't pay" a firmer journey) and
the insights. The visit slots include early morning and evening on purpose: people who
work days are only home then (DOMAIN.md "Communication": vary times, evening visits).
"""

from __future__ import annotations

from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArrearsReason(models.TextChoices):
    INCOME_DROP = "income_drop", _("Minder inkomen")
    ILLNESS = "illness", _("Ziekte")
    SEPARATION = "separation", _("Scheiding")
    ADMINISTRATION = "administration", _("Problemen met de administratie")
    FORGOT = "forgot", _("Vergeten")
    WONT_PAY = "wont_pay", _("Wil niet betalen")
    OTHER = "other", _("Anders")


class VisitSlot(models.TextChoices):
    EARLY_MORNING = "early_morning", _("Vroeg in de ochtend (07:30–09:00)")
    MORNING = "morning", _("Ochtend (09:00–12:00)")
    AFTERNOON = "afternoon", _("Middag (13:00–17:00)")
    EVENING = "evening", _("Avond (18:30–21:00)")


# Slot -> (from, to). The early and evening windows match the phone/visit channel's
# named windows (messaging.channels.staff.NAMED_WINDOWS) so a planned visit and a
# visit the journey asked for "in the evening" mean the same hours.
VISIT_SLOT_TIMES: dict[str, tuple[time, time]] = {
    VisitSlot.EARLY_MORNING: (time(7, 30), time(9, 0)),
    VisitSlot.MORNING: (time(9, 0), time(12, 0)),
    VisitSlot.AFTERNOON: (time(13, 0), time(17, 0)),
    VisitSlot.EVENING: (time(18, 30), time(21, 0)),
}

# Case-event causes written by the workspace (the timeline and insights read them).
CAUSE_ARREARS_REASON = "arrears_reason"
CAUSE_NOTE = "staff_note"
CAUSE_HOLD = "hold_created"
CAUSE_PREFERENCES = "preferences_changed"
CAUSE_VISIT_PLANNED = "visit_planned"
