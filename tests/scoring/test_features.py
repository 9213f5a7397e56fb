"""Features on hand-made histories, and no protected or proxy attribute anywhere."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

import vangnet.scoring as scoring_pkg
from vangnet.scoring.features import FEATURE_NAMES, PROTECTED_TERMS, feature_matrix
from vangnet.scoring.history import HistoryRow, history_matrix, period_label

BILL = 3000


def _features(monthly: list[tuple[int, int, int]]) -> dict[str, float]:
    """One account, ``monthly`` = [(billed, paid, months_in_arrears)] ending 2025-12."""
    end = 2025 * 12 + 11
    n = len(monthly)
    rows = [
        HistoryRow("A", period_label(end - n + 1 + i), b, p, m)
        for i, (b, p, m) in enumerate(monthly)
    ]
    x = feature_matrix(history_matrix(rows, months=12))
    return dict(zip(FEATURE_NAMES, x[0].tolist(), strict=True))


def test_good_payer():
    f = _features([(BILL, BILL, 0)] * 12)
    assert f["months_in_arrears"] == 0
    assert f["arrears_months_12"] == 0
    assert f["short_payments_6"] == 0 and f["missed_payments_6"] == 0
    assert f["paid_ratio_3"] == f["paid_ratio_12"] == 1.0
    assert f["paid_trend"] == 0.0
    assert f["months_since_full_payment"] == 0
    assert f["billed_level"] == pytest.approx(math.log1p(30.0))
    assert f["payment_volatility"] == 0.0
    assert f["history_months"] == 12


def test_payer_falling_behind():
    # Six good months, then three half payments, then three without any payment.
    monthly = [(BILL, BILL, 0)] * 6 + [(BILL, BILL // 2, k) for k in (1, 2, 3)]
    monthly += [(BILL, 0, k) for k in (4, 5, 6)]
    f = _features(monthly)
    assert f["months_in_arrears"] == 6
    assert f["arrears_months_6"] == 6 and f["arrears_months_12"] == 6
    assert f["short_payments_3"] == 3 and f["short_payments_6"] == 6
    assert f["missed_payments_6"] == 3
    assert f["paid_ratio_3"] == 0.0
    assert f["paid_ratio_6"] == pytest.approx(0.25)
    assert f["paid_ratio_12"] == pytest.approx(0.625)
    assert f["paid_trend"] == pytest.approx(-0.5)
    assert f["months_since_full_payment"] == 6
    never = _features([(BILL, BILL // 2, 0)] * 4)
    assert never["months_since_full_payment"] == 4  # counted from the first bill
    assert f["payment_volatility"] > 0.3


def test_catching_up_and_new_account():
    f = _features([(BILL, 0, 1), (BILL, 0, 2), (BILL, 3 * BILL, 0)])
    assert f["history_months"] == 3
    assert f["months_in_arrears"] == 0 and f["arrears_months_6"] == 2
    assert f["paid_ratio_3"] == 1.0
    assert f["months_since_full_payment"] == 0
    assert f["missed_payments_6"] == 2
    # Months before the account existed are neither missed nor short.
    assert f["short_payments_6"] == 2


def test_nothing_billed_counts_as_nothing_owed():
    f = _features([(0, 0, 0)] * 12)
    assert f["paid_ratio_12"] == 1.0
    assert f["months_since_full_payment"] == 0  # no bill at all: nothing to pay in full
    assert not np.isnan(list(f.values())).any()


def test_feature_names_contain_no_protected_attribute():
    for name in FEATURE_NAMES:
        for term in PROTECTED_TERMS:
            assert term not in name.lower(), f"{name} looks like protected attribute {term}"
    for term in ("sex", "age", "nationality", "education", "marital", "postcode"):
        assert term in PROTECTED_TERMS


# Fields of people, households and addresses that must never reach a feature.
_PERSONAL_FIELDS = {
    "date_of_birth",
    "initials",
    "given_name",
    "surname",
    "surname_prefix",
    "bsn",
    "language",
    "household",
    "address",
    "postcode",
    "city",
    "street",
    "house_number",
    "municipality_code",
    "municipality_name",
    "supply_address",
    "person",
    "customer",
    "persons",
    "medical_necessity",
    "in_debt_help",
}
_SCORING_DIR = Path(scoring_pkg.__file__).parent


def _tree(module: str) -> ast.Module:
    return ast.parse((_SCORING_DIR / module).read_text())


@pytest.mark.parametrize(
    "module", ["features.py", "baseline.py", "explain.py", "history.py", "ledger_history.py"]
)
def test_scoring_code_never_reads_person_or_address_fields(module):
    tree = _tree(module)
    # The list of protected terms itself names them, on purpose.
    allowed = {
        id(c)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and "PROTECTED_TERMS" in ast.unparse(node).split("=")[0]
        for c in ast.walk(node)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("vangnet.parties"), f"{module} imports parties"
            if node.module == "vangnet.ledger.models":
                assert {a.name for a in node.names} <= {"Account", "Invoice", "Payment"}
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith("vangnet.parties") for a in node.names)
        if isinstance(node, ast.Attribute):
            assert node.attr not in _PERSONAL_FIELDS, f"{module} reads .{node.attr}"
        if isinstance(node, ast.Name):
            assert node.id not in {"Person", "Address", "Household", "Customer"}
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in allowed
        ):
            # ORM lookups such as "customer__person__date_of_birth" would show up here.
            for part in node.value.split("__"):
                assert part not in _PERSONAL_FIELDS, f"{module} mentions {node.value!r}"


def test_features_module_imports_only_numpy():
    imported = set()
    for node in ast.walk(_tree("features.py")):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        if isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
    assert imported <= {"__future__", "dataclasses", "typing", "numpy", "vangnet"}
