"""Staff upload: errors per record with line numbers; valid records in one batch."""

from __future__ import annotations

import json

import pytest

from vangnet.signals.incoming.intake import signals_import
from vangnet.signals.incoming.models import IncomingSignal

pytestmark = pytest.mark.django_db

HEADER = "id;signalled_on;amount;surname;initials;date_of_birth;street;house_number;postcode;city"


def test_csv_reports_line_numbers_and_imports_the_good_rows(partners):
    water, _ = partners["water"]
    data = "\n".join(
        [
            HEADER,
            "W-1;2026-03-02;187,50;Jansen;J.;1980-05-01;Dorpsstraat;12;3511 AB;Utrecht",
            "W-2;2026-03-02;abc;Pietersen;P.;1975-01-01;Dorpsstraat;14;3511 AB;Utrecht",
            "W-3;2026-03-02;50,00;;K.;1975-01-01;Dorpsstraat;16;XXXX;Utrecht",
            "W-4;2026-03-02;75,00;de Vries;A.;1990-02-02;Kerkstraat;1;3512 CD;Utrecht",
        ]
    ).encode()
    report = signals_import(partner=water, data=data, kind="csv")
    lines = {(line, e.field) for line, e in report.errors}
    assert (3, "amount") in lines
    assert (4, "signal.client.surname") in lines and (4, "signal.client.postcode") in lines
    assert report.outcomes["received"] == 2
    assert set(IncomingSignal.objects.values_list("external_id", flat=True)) == {"W-1", "W-4"}
    assert IncomingSignal.objects.get(external_id="W-1").amount_cents == 18750


def test_upload_twice_is_idempotent(partners):
    water, _ = partners["water"]
    data = (
        HEADER + "\nW-1;2026-03-02;10;Jansen;J.;1980-05-01;Dorpsstraat;12;3511AB;Utrecht"
    ).encode()
    signals_import(partner=water, data=data, kind="csv")
    again = signals_import(partner=water, data=data, kind="csv")
    assert again.outcomes == {"received": 0, "duplicate": 1}
    assert IncomingSignal.objects.count() == 1


def test_unknown_column_is_refused(partners):
    water, _ = partners["water"]
    data = (
        HEADER + ";bsn\nW-1;2026-03-02;10;Jansen;J.;1980-05-01;Dorpsstraat;12;3511AB;Utrecht;1"
    ).encode()
    report = signals_import(partner=water, data=data, kind="csv")
    assert (2, "bsn") in {(line, e.field) for line, e in report.errors}
    assert not IncomingSignal.objects.exists()


def test_json_upload_with_positions(partners):
    from tests.signals.incoming.conftest import signal_body

    water, _ = partners["water"]
    bad = signal_body("W-2")["signal"]
    bad["client"]["house_number"] = "twaalf"
    data = json.dumps([signal_body("W-1")["signal"], bad]).encode()
    report = signals_import(partner=water, data=data, kind="json")
    assert [(line, e.field) for line, e in report.errors] == [(2, "signal.client.house_number")]
    assert report.outcomes["received"] == 1


def test_unreadable_file_loses_nothing(partners):
    water, _ = partners["water"]
    report = signals_import(partner=water, data=b"\xff\xfe{", kind="json")
    assert report.errors and report.errors[0][1].field == "(file)"


def test_upload_page_needs_permission_and_shows_errors(client, partners, django_user_model):
    from django.contrib.auth.models import Permission
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = django_user_model.objects.create_user("clerk", password="x")
    client.force_login(user)
    assert client.get("/signals/in/upload/").status_code == 403
    user.user_permissions.add(
        Permission.objects.get(codename="add_incomingsignal"),
    )
    data = (HEADER + "\nW-1;2026-03-02;10;;J.;1980-05-01;Dorpsstraat;12;3511AB;Utrecht").encode()
    response = client.post(
        "/signals/in/upload/",
        {"partner": partners["water"][0].pk, "file": SimpleUploadedFile("s.csv", data)},
    )
    assert response.status_code == 200
    assert "signal.client.surname" in response.content.decode()
