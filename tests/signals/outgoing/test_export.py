"""The platform file exports."""

from __future__ import annotations

import csv
import json

from django.core.management import call_command

from vangnet.signals.outgoing.constants import SignalStatus
from vangnet.signals.outgoing.gate import signals_create_due
from vangnet.signals.outgoing.models import OutgoingSignal

from .conftest import DAY, make_case


def test_ris_csv_export_content_and_rerun(water, utrecht, tmp_path):
    utrecht.method = "ris_csv"
    utrecht.save()
    case = make_case(water, arrears_cents=12345)
    signals_create_due(organisation_id=water.pk, on=DAY)
    out = tmp_path / "ris.csv"
    call_command(
        "signals", "export", "--format", "ris", "--date", DAY.isoformat(), "--out", str(out)
    )
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    (row,) = rows
    signal = OutgoingSignal.objects.get(case=case)
    assert row["SignaalID"] == signal.wire_id
    assert row["Soort"] == "create"
    assert row["Bedrag"] == "123,45"
    assert row["Signaaldatum"] == "10-06-2025"
    assert row["Ontstaansdatum"] == "11-04-2025"
    assert row["Crisissignaal"] == "N"
    assert row["Gemeentecode"] == "0344"
    assert row["Signaalpartner"] == "Water"
    assert row["Klantnummer"] == case.account.customer.number
    assert (row["Postcode"], row["Huisnummer"], row["Geboortedatum"]) == (
        "3511AB",
        "12",
        "01-05-1980",
    )
    assert row["Telefoon"] == "+31612345678"
    signal.refresh_from_db()
    assert signal.status == SignalStatus.SENT and signal.ack_id == "export:ris.csv"
    # Already exported: a second run writes a header only.
    again = tmp_path / "again.csv"
    call_command(
        "signals", "export", "--format", "ris", "--date", DAY.isoformat(), "--out", str(again)
    )
    assert len(again.read_text(encoding="utf-8").splitlines()) == 1


def test_vps_export_skips_api_municipalities_and_json_export(water, utrecht, tmp_path):
    make_case(water)
    signals_create_due(organisation_id=water.pk, on=DAY)
    out = tmp_path / "vps.csv"
    call_command(
        "signals", "export", "--format", "vps", "--date", DAY.isoformat(), "--out", str(out)
    )
    assert len(out.read_text().splitlines()) == 1  # Utrecht takes the API
    utrecht.method = "vps_csv"
    utrecht.save()
    js = tmp_path / "signals.json"
    call_command(
        "signals", "export", "--format", "json", "--date", DAY.isoformat(), "--out", str(js)
    )
    data = json.loads(js.read_text())
    assert data["signals"][0]["format"] == "vangnet-signal/1"
