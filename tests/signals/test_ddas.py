"""DDAS export: the official examples validate, our builder's output validates, bad input fails."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from vangnet.signals import ddas

HERE = Path(__file__).parent


@pytest.mark.parametrize("name", ["enkelvoudigVoorbeeld.json", "meervoudigVoorbeeld.json"])
def test_official_examples_validate(name):
    assert ddas.validate(json.loads((HERE / name).read_text())) == []


def test_schema_violations_are_reported_with_their_path():
    doc = json.loads((HERE / "enkelvoudigVoorbeeld.json").read_text())
    doc["leveringen"][0]["vroegsignalen"][0]["signaalpartner"]["type"] = "Telecom"
    doc["startdatumLevering"] = "2025-13-01"
    errors = ddas.validate(doc)
    assert any(e.startswith("leveringen/0/vroegsignalen/0/signaalpartner/type") for e in errors)
    assert any(e.startswith("startdatumLevering") for e in errors)


@pytest.mark.parametrize(
    ("moment", "part"),
    [
        (time(0, 0), "Ochtend"),
        (time(11, 59), "Ochtend"),
        (time(12, 0), "Middag"),
        (time(17, 59), "Middag"),
        (time(18, 0), "Avond"),
        (time(23, 30), "Avond"),
    ],
)
def test_day_part_boundaries(moment, part):
    assert ddas.day_part(moment) == part


def test_whole_euros_rounds_half_up():
    assert [ddas.whole_euros(c) for c in (45049, 45050, 99, 0)] == [450, 451, 1, 0]


def _doc(**overrides):
    client = ddas.Client(
        bsn="111222333",
        initials="A.",
        prefix="van",
        surname="Dijk",
        date_of_birth=date(1985, 6, 15),
        street="Voorbeeldstraat",
        postcode="1234 ab",
        house_number="10",
        city="Voorbeeldstad",
    )
    signals = [
        ddas.Signal(
            id="S1",
            partner_type="Water",
            client=client,
            amount_cents=12_345,
            arose_on=date(2024, 12, 1),
            signalled_on=date(2025, 1, 5),
        ),
        ddas.Signal(
            id="S2",
            partner_type="Energie",
            client=client,
            amount_cents=50_000,
            signalled_on=date(2025, 1, 9),
            crisis=True,
        ),
    ]
    case = ddas.SignalCase(
        signal_ids=["S1", "S2"],
        matched_on=date(2025, 1, 10),
        picked_up_on=date(2025, 1, 11),
        result=overrides.get("result", "quick_fix"),
        attempts=[
            ddas.ContactAttempt("Telefoon", False, datetime(2025, 1, 11, 9, 30)),
            ddas.ContactAttempt("Huisbezoek", True, datetime(2025, 1, 14, 19, 0)),
        ],
    )
    return ddas.build_document(
        supplier_code="VANGNET",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 1, 31),
        delivered_at=datetime(2025, 2, 5, 10, 30, tzinfo=UTC),
        deliveries=[ddas.Delivery("0518", "Gemeente Voorbeeld", signals, [case])],
    )


def test_built_document_validates_and_carries_the_facts():
    doc = _doc()
    assert ddas.validate(doc) == []
    levering = doc["leveringen"][0]
    assert levering["vroegsignalen"][0]["bedrag"] == 123
    assert levering["vroegsignalen"][0]["client"]["Postcode"] == "1234AB"
    zaak = levering["vroegsignaalzaken"][0]
    assert zaak["resultaat"] == "(Budget)advies en/of quick fix"
    assert [p["dagdeel"] for p in zaak["contactpogingen"]] == ["Ochtend", "Avond"]
    assert doc["aanleverdatumEnTijd"] == "2025-02-05T10:30:00Z"


def test_unknown_result_code_is_refused():
    with pytest.raises(ValueError, match="unknown result code"):
        _doc(result="solved_by_magic")
