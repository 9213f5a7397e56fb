"""Shipped defaults: the segments and the journeys in ``strategy/journeys/*.yaml``.

``strategy_defaults_ensure()`` is idempotent: it adds what is missing and never
overwrites a segment or journey an organisation has changed. The daily run calls it, so
a fresh installation works without a set-up step; ``vangnet demo`` may call it too.

Segment thresholds (documented in docs/strategy.md; all editable in the admin):

=================  ==========================================================  ========
segment            rule (all conditions hold)                                  priority
=================  ==========================================================  ========
vulnerable         medical necessity, debt help or moratorium on the person        10
wont_pay           ≥ 2 broken payment plans and personal contact was made          20
multiple_problems  ≥ 3 overdue invoices and an earlier case in the last 12 months  30
income_shock       first case in 12 months and a direct debit returned for
                   insufficient funds (AM04) in the last 90 days                   40
no_contact_yet     no personal contact yet and ≥ 30 days past due                  50
repeat_late_payer  an earlier case in the last 12 months                           60
first_time_small   first case in 12 months and arrears ≤ € 100                     70
standard           everything else                                                999
=================  ==========================================================  ========

Why these: DOMAIN.md distinguishes those who cannot pay from those who will not, puts
vulnerable people first, names AM04 as the money-trouble signal, uses 30 days as the
signal window, and asks for digital-first contact for single small arrears.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from vangnet.strategy.journeys import journey_import, shipped_journey_files
from vangnet.strategy.models import Journey, Segment


def _c(feature: str, op: str, value: Any) -> dict[str, Any]:
    return {"feature": feature, "op": op, "value": value}


SEGMENTS: tuple[dict[str, Any], ...] = (
    {
        "code": "vulnerable",
        "name_nl": "Kwetsbaar",
        "name_en": "Vulnerable",
        "priority": 10,
        "description": "Medische noodzaak, in schuldhulp of moratorium: eerst zorg, dan geld.",
        "conditions": [_c("vulnerable", "eq", True)],
    },
    {
        "code": "wont_pay",
        "name_nl": "Wil niet betalen",
        "name_en": "Won't pay",
        "priority": 20,
        "description": "Twee of meer regelingen niet nagekomen terwijl er contact was.",
        "conditions": [_c("broken_plans", "gte", 2), _c("contact_reached", "eq", True)],
    },
    {
        "code": "multiple_problems",
        "name_nl": "Meerdere problemen",
        "name_en": "Multiple problems",
        "priority": 30,
        "description": "Drie of meer facturen open en eerder dit jaar ook al achterstand.",
        "conditions": [_c("open_invoices", "gte", 3), _c("repeat_arrears_12m", "gte", 1)],
    },
    {
        "code": "income_shock",
        "name_nl": "Inkomensschok",
        "name_en": "Income shock",
        "priority": 40,
        "description": "Voor het eerst achter en een incasso teruggekomen wegens saldotekort.",
        "conditions": [_c("repeat_arrears_12m", "eq", 0), _c("returned_debits_90d", "gte", 1)],
    },
    {
        "code": "no_contact_yet",
        "name_nl": "Nog geen contact",
        "name_en": "No contact yet",
        "priority": 50,
        "description": "Na 30 dagen nog niemand gesproken: persoonlijk contact zoeken.",
        "conditions": [_c("contact_reached", "eq", False), _c("days_past_due", "gte", 30)],
    },
    {
        "code": "repeat_late_payer",
        "name_nl": "Vaker te laat",
        "name_en": "Repeat late payer",
        "priority": 60,
        "description": "Eerder dit jaar ook een dossier.",
        "conditions": [_c("repeat_arrears_12m", "gte", 1)],
    },
    {
        "code": "first_time_small",
        "name_nl": "Eerste keer, klein bedrag",
        "name_en": "First time, small amount",
        "priority": 70,
        "description": "Eerste achterstand in een jaar, hooguit € 100: digitaal en vriendelijk.",
        "conditions": [_c("repeat_arrears_12m", "eq", 0), _c("arrears_cents", "lte", 10000)],
    },
    {
        "code": "standard",
        "name_nl": "Standaard",
        "name_en": "Standard",
        "priority": 999,
        "description": "Alle andere dossiers.",
        "conditions": [],
    },
)


@dataclass
class DefaultsResult:
    segments_created: list[str] = field(default_factory=list)
    journeys_created: list[str] = field(default_factory=list)


@transaction.atomic
def strategy_defaults_ensure() -> DefaultsResult:
    """Create the shipped segments and journeys that do not exist yet (by code)."""
    result = DefaultsResult()
    existing = set(Segment.objects.values_list("code", flat=True))
    for spec in SEGMENTS:
        if spec["code"] not in existing:
            Segment.objects.create(**spec)
            result.segments_created.append(spec["code"])
    known = set(Journey.objects.values_list("code", flat=True))
    for path in shipped_journey_files():
        text = path.read_text(encoding="utf-8")
        code = path.stem
        if code in known:
            continue
        journey, created = journey_import(text)
        if created:
            result.journeys_created.append(journey.code)
    return result
