"""``score_accounts``: one Score per account, factors in both languages, few queries."""

from __future__ import annotations

import io
import re
from datetime import date

from django.core.management import call_command

import pytest

from tests.scoring import helpers as h
from tests.scoring.conftest import TODAY
from vangnet.ledger.models import Account
from vangnet.scoring.predict import Factor, Score, score_accounts

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 6, 20)
MONTHS = [(2024, m) for m in range(7, 13)] + [(2025, m) for m in range(1, 7)]


@pytest.fixture
def accounts(organisation):
    good = h.account(organisation)
    h.monthly_bills(good, 2500, MONTHS)
    for y, m in MONTHS:
        h.payment(good, 2500, date(y, m, 10))
    bad = h.account(organisation)
    h.monthly_bills(bad, 2500, MONTHS)
    for y, m in MONTHS[:8]:
        h.payment(bad, 2500, date(y, m, 10))
    h.payment(bad, 500, date(2025, 4, 10))
    empty = h.account(organisation)
    return good.pk, bad.pk, empty.pk


def test_a_score_per_account_with_factors(organisation, accounts, django_assert_max_num_queries):
    good, bad, empty = accounts
    with django_assert_max_num_queries(5):
        scores = score_accounts(organisation_id=organisation.pk, account_ids=accounts, as_of=AS_OF)
    assert set(scores) == {good, bad, empty}
    for s in scores.values():
        assert isinstance(s, Score) and 0.0 <= s.probability <= 1.0
        assert s.band in {"low", "medium", "high"}
        assert s.model_version == "baseline-1"
        assert len(s.factors) == 3 and all(isinstance(f, Factor) for f in s.factors)
        assert all(f.nl and f.en and f.code for f in s.factors)
        weights = [abs(f.weight) for f in s.factors]
        assert weights == sorted(weights, reverse=True)
    assert scores[good].band == "low" and scores[bad].band == "high"
    assert scores[bad].probability > scores[good].probability
    assert scores[bad].factors[0].code == "months_in_arrears"
    assert scores[bad].factors[0].nl == "Nu 4 maanden achter met betalen"
    assert scores[empty].factors[0].nl == "Nu geen betalingsachterstand"


def test_no_ids_no_queries(organisation, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert score_accounts(organisation_id=organisation.pk, account_ids=[], as_of=AS_OF) == {}


def test_queries_do_not_grow_with_accounts(organisation, django_assert_max_num_queries):
    for _ in range(30):
        acc = h.account(organisation)
        h.monthly_bills(acc, 2000, MONTHS[-3:])
    ids = list(Account.objects.values_list("id", flat=True))
    with django_assert_max_num_queries(5):
        assert (
            len(score_accounts(organisation_id=organisation.pk, account_ids=ids, as_of=AS_OF)) == 30
        )


def test_trained_model_is_used_when_active(population, tmp_path, django_assert_max_num_queries):
    """Export the simulated ledger, train on it, activate, and score with the model."""
    org, _stats = population
    as_of = date(2025, 3, 31)
    out = io.StringIO()
    call_command(
        "model",
        "export-history",
        "--out",
        str(tmp_path / "h.csv"),
        "--outcome",
        str(tmp_path / "o.csv"),
        "--as-of",
        as_of.isoformat(),
        stdout=out,
    )
    assert "history rows" in out.getvalue()
    out = io.StringIO()
    call_command(
        "model",
        "evaluate",
        "--history",
        str(tmp_path / "h.csv"),
        "--outcome",
        str(tmp_path / "o.csv"),
        "--folds",
        "3",
        stdout=out,
    )
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"AUC 0\.\d{4}", last) and float(last[4:]) > 0.7

    out = io.StringIO()
    call_command(
        "model",
        "train-from-ledger",
        "--as-of",
        as_of.isoformat(),
        "--snapshots",
        "2",
        "--folds",
        "3",
        "--activate",
        stdout=out,
    )
    version = out.getvalue().strip().splitlines()[-1].removeprefix("version ")
    ids = list(Account.objects.filter(organisation=org).values_list("id", flat=True))
    score_accounts(organisation_id=org.pk, account_ids=ids[:5], as_of=TODAY)  # load once
    with django_assert_max_num_queries(5):
        scores = score_accounts(organisation_id=org.pk, account_ids=ids, as_of=TODAY)
    assert len(scores) == len(ids)
    assert {s.model_version for s in scores.values()} == {version}
    assert all(len(s.factors) == 3 for s in scores.values())
    assert {s.band for s in scores.values()} >= {"low", "high"}
