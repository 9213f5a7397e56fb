"""Segments: vectorised assignment equals the per-row rule; shipped defaults; validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.core.errors import Invalid
from vangnet.strategy.defaults import SEGMENTS
from vangnet.strategy.segments import (
    FALLBACK_SEGMENT,
    SegmentRule,
    condition_validate,
    segment_matches,
    segments_assign,
)


class _Seg:
    def __init__(self, spec):
        self.code, self.priority, self.conditions = (
            spec["code"],
            spec["priority"],
            spec["conditions"],
        )


def shipped_rules() -> list[SegmentRule]:
    from vangnet.strategy.segments import rules_from

    return rules_from(_Seg(s) for s in SEGMENTS)


def features(**overrides):
    row = {
        "arrears_cents": 5000,
        "days_past_due": 5,
        "open_invoices": 1,
        "repeat_arrears_12m": 0,
        "broken_plans": 0,
        "returned_debits_90d": 0,
        "vulnerable": False,
        "reachable_digital": True,
        "reachable_phone": True,
        "contact_reached": False,
        "score": 0.2,
        "score_band": "low",
    }
    row.update(overrides)
    return row


def columns(rows):
    out = {}
    for name in rows[0]:
        values = [r[name] for r in rows]
        out[name] = np.asarray(values, dtype=object if name == "score_band" else None)
    return out


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (features(), "first_time_small"),
        (features(arrears_cents=25000), "standard"),
        (features(vulnerable=True, broken_plans=5, contact_reached=True), "vulnerable"),
        (features(broken_plans=2, contact_reached=True), "wont_pay"),
        (features(broken_plans=2, contact_reached=False), "first_time_small"),
        (features(open_invoices=3, repeat_arrears_12m=1), "multiple_problems"),
        (features(returned_debits_90d=1), "income_shock"),
        (features(days_past_due=30, arrears_cents=25000), "no_contact_yet"),
        (features(repeat_arrears_12m=2), "repeat_late_payer"),
    ],
)
def test_shipped_segments(row, expected):
    assert segments_assign(columns([row]), shipped_rules())[0] == expected


rows_strategy = st.fixed_dictionaries(
    {
        "arrears_cents": st.integers(0, 100_000),
        "days_past_due": st.integers(0, 400),
        "open_invoices": st.integers(0, 8),
        "repeat_arrears_12m": st.integers(0, 4),
        "broken_plans": st.integers(0, 4),
        "returned_debits_90d": st.integers(0, 3),
        "vulnerable": st.booleans(),
        "reachable_digital": st.booleans(),
        "reachable_phone": st.booleans(),
        "contact_reached": st.booleans(),
        "score": st.floats(0, 1),
        "score_band": st.sampled_from(["low", "medium", "high", ""]),
    }
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(rows_strategy, min_size=1, max_size=30))
def test_vectorised_equals_row_by_row(rows):
    banded = SegmentRule("banded", 5, (("score_band", "in", ("high",)), ("score", "gte", 0.9)))
    rules = [*shipped_rules(), banded]
    rules.sort(key=lambda r: (r.priority, r.code))
    got = segments_assign(columns(rows), rules)
    for row, code in zip(rows, got, strict=True):
        expected = next((r.code for r in rules if segment_matches(row, r)), FALLBACK_SEGMENT)
        assert code == expected


def test_unknown_feature_or_op_is_refused():
    with pytest.raises(Invalid) as exc:
        condition_validate({"feature": "shoe_size", "op": "eq", "value": 42})
    assert exc.value.code == "segment_feature"
    with pytest.raises(Invalid):
        condition_validate({"feature": "arrears_cents", "op": "like", "value": 1})
    with pytest.raises(Invalid):
        condition_validate({"feature": "score_band", "op": "in", "value": "high"})
