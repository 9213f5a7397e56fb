"""Segments: configurable rules over case features, evaluated for all cases at once.

A segment is a list of conditions ``{"feature", "op", "value"}`` that must all hold; the
active segments are tried in priority order and the first match wins. Evaluation is
vectorised with numpy: one boolean mask per condition over the whole feature table, so
100,000 cases cost a few dozen array operations, not 100,000 Python calls.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from vangnet.core.errors import Invalid

# Feature name -> (kind, Dutch description). ``features.FeatureTable`` provides each one
# as a numpy column; the descriptions are shown on the segment admin and in exports.
FEATURES: dict[str, tuple[str, str]] = {
    "arrears_cents": ("int", "achterstand in centen"),
    "days_past_due": ("int", "dagen sinds de oudste onbetaalde vervaldatum"),
    "open_invoices": ("int", "aantal vervallen open facturen"),
    "repeat_arrears_12m": ("int", "eerdere dossiers in de laatste 12 maanden"),
    "broken_plans": ("int", "niet nagekomen betalingsregelingen"),
    "returned_debits_90d": ("int", "gestorneerde incasso's wegens saldotekort (90 dagen)"),
    "vulnerable": ("bool", "kwetsbaar (medische noodzaak, schuldhulp of moratorium)"),
    "reachable_digital": ("bool", "bereikbaar per e-mail of sms"),
    "reachable_phone": ("bool", "bereikbaar per telefoon"),
    "contact_reached": ("bool", "persoonlijk contact gehad in dit dossier"),
    "score": ("float", "kans op betalen zonder hulp (model)"),
    "score_band": ("str", "scoreklasse (low, medium, high)"),
}

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda column, value: np.isin(column, list(value)),
    "not_in": lambda column, value: ~np.isin(column, list(value)),
}

FALLBACK_SEGMENT = "standard"


@dataclass(frozen=True)
class SegmentRule:
    code: str
    priority: int
    conditions: tuple[tuple[str, str, Any], ...]


def condition_validate(condition: Mapping[str, Any]) -> tuple[str, str, Any]:
    """Check one condition and return it as a tuple; raises ``Invalid`` with the reason."""
    feature, op, value = condition.get("feature"), condition.get("op"), condition.get("value")
    if feature not in FEATURES:
        raise Invalid(
            "segment_feature",
            f"onbekend kenmerk {feature!r}",
            f"unknown feature {feature!r}; known: {', '.join(FEATURES)}",
        )
    if op not in OPS:
        raise Invalid("segment_op", f"onbekende vergelijking {op!r}", f"unknown op {op!r}")
    if op in ("in", "not_in") and not isinstance(value, list | tuple):
        raise Invalid("segment_value", "een lijst is nodig", f"{op} needs a list value")
    return (feature, op, tuple(value) if isinstance(value, list) else value)


def rules_from(segments: Iterable[Any]) -> list[SegmentRule]:
    """Segment model rows (or anything with code/priority/conditions) as sorted rules."""
    rules = [
        SegmentRule(
            code=s.code,
            priority=s.priority,
            conditions=tuple(condition_validate(c) for c in s.conditions or ()),
        )
        for s in segments
    ]
    return sorted(rules, key=lambda r: (r.priority, r.code))


def segments_assign(features: Mapping[str, np.ndarray], rules: Sequence[SegmentRule]) -> np.ndarray:
    """The segment code per row: the first rule (by priority) whose conditions all hold.

    Rows that match no rule get ``FALLBACK_SEGMENT``.
    """
    n = len(next(iter(features.values()))) if features else 0
    result = np.full(n, FALLBACK_SEGMENT, dtype=object)
    unassigned = np.ones(n, dtype=bool)
    for rule in rules:
        if not unassigned.any():
            break
        mask = unassigned.copy()
        for feature, op, value in rule.conditions:
            mask &= np.asarray(OPS[op](features[feature], value), dtype=bool)
            if not mask.any():
                break
        result[mask] = rule.code
        unassigned &= ~mask
    return result


def segment_matches(features: Mapping[str, Any], rule: SegmentRule) -> bool:
    """One row, one rule: the scalar reference the vectorised version is tested against."""
    for feature, op, value in rule.conditions:
        column = features[feature]
        if op == "in":
            ok = column in value
        elif op == "not_in":
            ok = column not in value
        else:
            ok = bool(OPS[op](column, value))
        if not ok:
            return False
    return True
