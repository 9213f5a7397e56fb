"""Monitor figures on a hand-computed example of five meldingen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from vangnet.signals.monitor import Attempt, MeldingRecord, compute

LETTER = Attempt("Brief", False, "Ochtend")
PHONE_NO = Attempt("Telefoon", False, "Middag")
PHONE_YES = Attempt("Telefoon", True, "Avond")
VISIT_YES = Attempt("Huisbezoek", True, "Avond")
VISIT_NO = Attempt("Huisbezoek", False, "Ochtend")

MELDINGEN = [
    MeldingRecord(1, False, False, [LETTER], "no_contact"),  # written only
    MeldingRecord(2, True, False, [LETTER, PHONE_NO, PHONE_YES], "quick_fix"),  # phone, reached
    MeldingRecord(1, False, True, [PHONE_NO, VISIT_YES], "no_help_needed"),  # visit, reached
    MeldingRecord(3, True, True, [LETTER, PHONE_NO, PHONE_NO, VISIT_NO], "no_contact"),
    MeldingRecord(1, False, False, [], ""),  # not yet
]


def test_hand_computed_figures():
    f = compute(residents=20_000, months=2, meldingen=MELDINGEN)
    # 8 signals / 20,000 residents * 1000 / 2 months = 0.20
    assert f.signals == 8 and f.signals_per_1000_per_month == Decimal("0.20")
    assert (f.meldingen, f.multiple.count, f.consecutive.count) == (5, 2, 2)
    assert f.multiple.percent == Decimal("40.0")
    assert f.attempts_by_kind == {"Brief": 3, "Huisbezoek": 2, "Telefoon": 5}
    assert f.attempts_by_day_part == {"Avond": 2, "Middag": 4, "Ochtend": 4}
    assert (f.reach.count, f.reach.total) == (2, 5)
    assert (f.reach_written_only.count, f.reach_written_only.total) == (0, 1)
    assert (f.reach_with_phone.count, f.reach_with_phone.total) == (2, 3)
    assert (f.reach_with_visit.count, f.reach_with_visit.total) == (1, 2)
    buckets = {k: (v.count, v.total) for k, v in f.reach_by_attempt_count.items()}
    assert buckets == {"0": (0, 1), "1-2": (1, 2), "3": (1, 1), "4+": (0, 1)}
    # Only the reached quick fix counts as help accepted; "no help needed" does not.
    assert (f.help_accepted.count, f.help_accepted_of_reached.count) == (1, 1)
    assert f.help_accepted_of_reached.percent == Decimal("50.0")
    assert f.results == {"no_contact": 2, "no_help_needed": 1, "quick_fix": 1}


def test_empty_period_has_no_percentages():
    f = compute(residents=0, months=1, meldingen=[])
    assert f.signals_per_1000_per_month is None and f.reach.percent is None


def test_months_must_be_positive():
    with pytest.raises(ValueError):
        compute(residents=1, months=0, meldingen=[])
