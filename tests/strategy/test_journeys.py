"""Journeys as YAML: shipped files load, export/import round-trips, versions, validation."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest
import yaml

from vangnet.core.errors import Invalid
from vangnet.strategy.defaults import SEGMENTS, strategy_defaults_ensure
from vangnet.strategy.journeys import (
    journey_export,
    journey_import,
    journey_to_dict,
    shipped_journey_files,
)
from vangnet.strategy.models import Journey, Segment

CODES = {"water-social", "energy-social", "rent-social", "health-social", "classic"}


def test_defaults_are_idempotent(db):
    first = strategy_defaults_ensure()
    assert set(first.journeys_created) == CODES
    assert len(first.segments_created) == len(SEGMENTS)
    second = strategy_defaults_ensure()
    assert second.journeys_created == [] and second.segments_created == []
    assert Journey.objects.count() == 5 and Segment.objects.count() == len(SEGMENTS)


def test_shipped_files_are_named_after_their_code():
    assert {p.stem for p in shipped_journey_files()} == CODES


@pytest.mark.parametrize("code", sorted(CODES))
def test_export_import_round_trip(db, code):
    strategy_defaults_ensure()
    journey = Journey.objects.get(code=code)
    text = journey_export(journey)
    again, created = journey_import(text)
    assert (again.pk, created) == (journey.pk, False)
    assert journey_to_dict(again) == yaml.safe_load(text)
    # the file on disk and the export say the same
    shipped = yaml.safe_load((shipped_journey_files()[0].parent / f"{code}.yaml").read_text())
    exported = yaml.safe_load(text)
    assert shipped["steps"] == exported["steps"]
    assert shipped["templates"] == exported["templates"]


def test_changed_journey_becomes_a_new_version(db):
    strategy_defaults_ensure()
    data = journey_to_dict(Journey.objects.get(code="classic"))
    data["steps"][0]["day"] = 10
    journey, created = journey_import(yaml.safe_dump(data))
    assert created and journey.version == 2
    assert journey.steps.get(position=1).day_offset == 10
    assert Journey.objects.get(code="classic", version=1).steps.get(position=1).day_offset == 7


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d["steps"][0].update(action="sms_bomb"), "journey_action"),
        (lambda d: d["steps"][0].update(channel="pigeon"), "journey_channel"),
        (lambda d: d["steps"][0].pop("day"), "journey_when"),
        (lambda d: d["steps"][1].update(position=1), "journey_position"),
        (
            lambda d: d["templates"]["classic-reminder"].update(colour="red"),
            "journey_template_fact",
        ),
        (lambda d: d.update(sector="space"), "journey_sector"),
    ],
)
def test_invalid_files_are_refused_with_a_reason(db, change, code):
    strategy_defaults_ensure()
    data = journey_to_dict(Journey.objects.get(code="classic"))
    change(data)
    with pytest.raises(Invalid) as exc:
        journey_import(yaml.safe_dump(data))
    assert exc.value.code == code


def test_journey_command_list_export_import(db, tmp_path):
    out = io.StringIO()
    call_command("journey", "defaults", stdout=out)
    out = io.StringIO()
    call_command("journey", "list", stdout=out)
    assert "water-social" in out.getvalue() and "14 stappen" in out.getvalue()
    path = tmp_path / "water.yaml"
    call_command("journey", "export", "water-social", "--out", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("journey", "import", str(path), stdout=out)
    assert "ongewijzigd" in out.getvalue()
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: x\nsteps: [{action: nope, day: 1}]\n")
    with pytest.raises(CommandError):
        call_command("journey", "import", str(bad), stdout=io.StringIO())
