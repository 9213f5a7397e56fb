"""Training, evaluation, persistence and the refusal of tampered artefacts."""

from __future__ import annotations

import io
import re

from django.core.management import CommandError, call_command

import numpy as np
import pytest

from tests.scoring.helpers import synthetic_history
from vangnet.scoring import model as model_mod
from vangnet.scoring.features import FEATURE_NAMES
from vangnet.scoring.history import write_history, write_outcomes
from vangnet.scoring.model import ModelError, active_predictor, load_predictor, train
from vangnet.scoring.models import ScoringModel
from vangnet.scoring.services import dataset_from_files


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    rows, outcomes = synthetic_history(1500)
    d = tmp_path_factory.mktemp("hist")
    write_history(d / "h.csv", rows)
    write_outcomes(d / "o.csv", outcomes)
    return d / "h.csv", d / "o.csv"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("model", *args, stdout=out)
    return out.getvalue()


def test_evaluate_prints_folds_and_ends_with_auc(files):
    h, o = files
    out = _run("evaluate", "--history", str(h), "--outcome", str(o), "--folds", "4")
    lines = out.rstrip("\n").splitlines()
    assert re.fullmatch(r"AUC 0\.\d{4}", lines[-1])
    assert sum(line.startswith("fold ") for line in lines) == 4
    assert any("Brier" in line for line in lines)
    assert float(lines[-1].split()[1]) > 0.7  # the known signal is found


def test_train_on_known_signal(files):
    data = dataset_from_files(*files)
    result = train(data.x, data.y, folds=3)
    assert result.cv.auc_mean > 0.7
    assert 0 < result.cv.brier_mean < 0.25
    metrics = result.metrics()
    assert metrics["folds"] == 3 and len(metrics["auc"]) == 3
    assert metrics["rows"] == 1500


def test_auto_prefers_the_explainable_model_unless_clearly_worse(files):
    data = dataset_from_files(*files)
    result = train(data.x[:600], data.y[:600], algorithm="auto", folds=3)
    assert set(result.metrics()["candidates"]) == {"logistic_regression", "gradient_boosting"}


def test_too_few_examples_is_a_clear_error():
    x = np.zeros((10, len(FEATURE_NAMES)))
    y = np.array([1] + [0] * 9)
    with pytest.raises(ModelError, match="te weinig"):
        train(x, y, folds=5)


@pytest.mark.django_db
def test_train_command_persists_and_reloads_identically(organisation, files):
    h, o = files
    out = _run("train", "--history", str(h), "--outcome", str(o), "--folds", "3", "--activate")
    version = out.strip().splitlines()[-1].removeprefix("version ")
    assert re.fullmatch(r"lr-\d{4}-\d{2}-\d{2}-1", version)
    row = ScoringModel.objects.get(version=version)
    assert row.is_active and row.organisation == organisation
    assert row.feature_names == list(FEATURE_NAMES)
    assert row.metrics["auc_mean"] > 0.7 and len(row.artefact_sha256) == 64

    data = dataset_from_files(h, o)
    first = load_predictor(row).predict(data.x)
    model_mod._CACHE.clear()
    again = load_predictor(ScoringModel.objects.get(pk=row.pk)).predict(data.x)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    # The exact LR factors add up to the model's own probability.
    est = load_predictor(row).estimator
    np.testing.assert_allclose(first[0], est.predict_proba(data.x)[:, 1], rtol=1e-9)

    # A second training the same day gets the next number; activating it swaps.
    out2 = _run("train", "--history", str(h), "--outcome", str(o), "--folds", "3", "--activate")
    assert out2.strip().endswith(version[:-1] + "2")
    assert ScoringModel.objects.filter(is_active=True).count() == 1
    listing = _run("list")
    assert version in listing and "* " + version[:-1] + "2" in listing
    _run("deactivate")
    assert active_predictor(organisation.pk) is None


@pytest.mark.django_db
def test_tampered_artefact_is_refused(organisation, files, caplog):
    _run(
        "train",
        "--history",
        str(files[0]),
        "--outcome",
        str(files[1]),
        "--folds",
        "3",
        "--activate",
    )
    row = ScoringModel.objects.get(is_active=True)
    data = bytearray(row.artefact)
    data[len(data) // 2] ^= 0xFF
    ScoringModel.objects.filter(pk=row.pk).update(artefact=bytes(data))
    model_mod._CACHE.clear()
    with pytest.raises(ModelError, match="SHA-256"):
        load_predictor(ScoringModel.objects.get(pk=row.pk))
    # Also when the hash is updated to match: the HMAC (keyed with SECRET_KEY) catches it.
    import hashlib

    ScoringModel.objects.filter(pk=row.pk).update(
        artefact_sha256=hashlib.sha256(bytes(data)).hexdigest()
    )
    with pytest.raises(ModelError, match="HMAC"):
        load_predictor(ScoringModel.objects.get(pk=row.pk))
    # The daily run does not stop: it falls back to the baseline and logs why.
    assert active_predictor(organisation.pk) is None
    assert "cannot be used" in caplog.text


@pytest.mark.django_db
def test_command_errors_are_readable(organisation, tmp_path):
    bad = tmp_path / "h.csv"
    bad.write_text("account_id,period,billed_cents,paid_cents,months_in_arrears\nA,2025-1,1,1,0\n")
    out = tmp_path / "o.csv"
    out.write_text("account_id,in_arrears_next\nA,1\n")
    with pytest.raises(CommandError, match="regel 2"):
        _run("evaluate", "--history", str(bad), "--outcome", str(out))
    with pytest.raises(CommandError, match="no model"):
        _run("activate", "lr-1999-01-01-1")


@pytest.mark.django_db
def test_gradient_boosting_model_explains_with_factors(organisation, files):
    from vangnet.scoring.model import save_model
    from vangnet.scoring.predict import predict_matrix

    data = dataset_from_files(*files)
    result = train(data.x[:800], data.y[:800], algorithm="gb", folds=3)
    row = save_model(organisation_id=organisation.pk, result=result, activate=True)
    assert row.version.startswith("gb-")
    proba, factors, version = predict_matrix(data.x[:50], organisation_id=organisation.pk)
    assert version == row.version and proba.shape == (50,)
    assert all(len(f) == 3 and f[0].nl and f[0].en for f in factors)
