"""The interchange format: round trip, alignment, and clear errors for bad files."""

from __future__ import annotations

import io

import pytest

from vangnet.scoring.history import (
    HistoryFormatError,
    HistoryRow,
    OutcomeRow,
    history_matrix,
    period_index,
    period_label,
    read_history,
    read_outcomes,
    write_history,
    write_outcomes,
)

ROWS = [
    HistoryRow("A1", "2025-01", 2600, 2600, 0),
    HistoryRow("A1", "2025-02", 2600, 0, 1),
    HistoryRow("A1", "2025-03", -1200, 500, 2),
    HistoryRow("B-7", "2024-12", 4100, 4100, 0),
]


def _csv(text: str) -> io.StringIO:
    buf = io.StringIO(text)
    buf.name = "test.csv"
    return buf


def test_history_round_trip(tmp_path):
    path = tmp_path / "h.csv"
    assert write_history(path, ROWS) == 4
    assert read_history(path) == ROWS
    assert path.read_text().splitlines()[0] == (
        "account_id,period,billed_cents,paid_cents,months_in_arrears"
    )


def test_outcome_round_trip(tmp_path):
    rows = [OutcomeRow("A1", True), OutcomeRow("B-7", False)]
    path = tmp_path / "o.csv"
    write_outcomes(path, rows)
    assert read_outcomes(path) == rows
    assert path.read_text().splitlines()[1] == "A1,1"


def test_semicolon_bom_and_column_order_are_accepted():
    text = (
        "\ufeffperiod;account_id;paid_cents;billed_cents;months_in_arrears\n2025-01;A1;10;20;0\n\n"
    )
    # The BOM is only stripped when reading a path (utf-8-sig); a stream keeps it.
    text = text.lstrip("\ufeff")
    assert read_history(_csv(text)) == [HistoryRow("A1", "2025-01", 20, 10, 0)]


def test_bad_rows_are_reported_with_line_numbers():
    text = (
        "account_id,period,billed_cents,paid_cents,months_in_arrears\n"
        "A1,2025-01,2600,2600,0\n"
        "A1,2025-13,2600,2600,0\n"  # line 3: month 13
        "A1,2025-02,26.00,2600,0\n"  # line 4: not integer cents
        "A1,2025-03,2600,2600,-1\n"  # line 5: negative months
        ",2025-04,2600,2600,0\n"  # line 6: empty id
        "A1,2025-01,1,1,0\n"  # line 7: duplicate of line 2
        "A1,2025-05,1\n"  # line 8: too few fields
    )
    with pytest.raises(HistoryFormatError) as err:
        read_history(_csv(text))
    errors = err.value.errors
    assert [e.split(":")[0] for e in errors] == [f"regel {n}" for n in (3, 4, 5, 6, 7, 8)]
    assert "JJJJ-MM" in errors[0]
    assert "centen" in errors[1]
    assert "regel 2" in errors[4]
    assert "test.csv" in str(err.value)


def test_missing_and_unknown_columns_are_refused():
    with pytest.raises(HistoryFormatError, match="ontbreken: months_in_arrears"):
        read_history(_csv("account_id,period,billed_cents,paid_cents\nA,2025-01,1,1\n"))
    # An extra personal column must not travel along silently.
    with pytest.raises(HistoryFormatError, match="onbekende kolom"):
        read_history(
            _csv(
                "account_id,period,billed_cents,paid_cents,months_in_arrears,postcode\n"
                "A,2025-01,1,1,0,1234AB\n"
            )
        )
    with pytest.raises(HistoryFormatError, match="leeg"):
        read_history(_csv(""))


def test_bad_outcomes():
    with pytest.raises(HistoryFormatError) as err:
        read_outcomes(_csv("account_id,in_arrears_next\nA,1\nB,maybe\nA,0\n"))
    assert err.value.errors[0].startswith("regel 3")
    assert err.value.errors[1].startswith("regel 4")
    assert read_outcomes(_csv("account_id,in_arrears_next\nA,ja\nB,false\n")) == [
        OutcomeRow("A", True),
        OutcomeRow("B", False),
    ]


def test_periods():
    assert period_label(period_index("2025-01") - 1) == "2024-12"
    with pytest.raises(ValueError):
        period_index("2025-1")


def test_matrix_aligns_each_account_on_its_last_period():
    hist = history_matrix(ROWS, months=6)
    a = hist.account_ids.index("A1")
    b = hist.account_ids.index("B-7")
    assert period_label(int(hist.last_period[a])) == "2025-03"
    assert period_label(int(hist.last_period[b])) == "2024-12"
    assert hist.billed[a].tolist() == [0, 0, 0, 2600, 2600, -1200]
    assert hist.months_in_arrears[a, -1] == 2
    assert hist.active[a].tolist() == [False, False, False, True, True, True]
    assert hist.billed[b, -1] == 4100 and hist.active[b].sum() == 1
    # And back to rows.
    assert sorted(hist.rows(), key=lambda r: (r.account_id, r.period)) == sorted(
        ROWS, key=lambda r: (r.account_id, r.period)
    )
