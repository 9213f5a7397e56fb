"""Upload page, job page, status JSON and rejection download; permission checks."""

from __future__ import annotations

import threading

from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from vangnet.imports.jobs import job_create, job_start
from vangnet.imports.models import ImportJob, ImportStatus
from vangnet.ledger.models import Account

from .conftest import CUSTOMERS_NL


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads into tmp_path; jobs run in the request (the same service as the thread)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VANGNET_IMPORT_INLINE = True


@pytest.fixture
def staff(db):
    user = User.objects.create_user("medewerker", password="geheim-wachtwoord-1")
    user.user_permissions.add(Permission.objects.get(codename="add_importjob"))
    return user


def _upload(client, text: str, *, name: str = "klanten.csv", dry_run: bool = False):
    data = {"kind": "customers", "file": SimpleUploadedFile(name, text.encode("utf-8"))}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("imports:upload"), data)


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_without_permission_403(client, db, organisation):
    user = User.objects.create_user("kijker", password="geheim-wachtwoord-1")
    client.force_login(user)
    assert client.get(reverse("imports:upload")).status_code == 403
    assert _upload(client, CUSTOMERS_NL).status_code == 403
    assert not ImportJob.objects.exists()


def test_upload_runs_the_job_and_shows_the_result(client, staff, organisation):
    client.force_login(staff)
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200
    assert "Bestand importeren" in page.content.decode()

    text = CUSTOMERS_NL + "K9;C9;;;;;;Kok;;;Laan;1;1234 SS;Ergens;;;;;\n"
    response = _upload(client, text)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == ImportStatus.DONE
    assert (job.imported, job.updated, job.unchanged, job.rejected) == (3, 0, 0, 1)
    assert job.rows_done == job.rows_total == 4
    assert job.created_by == staff
    assert Account.objects.count() == 3

    detail = client.get(response["Location"]).content.decode()
    assert "imported 3, updated 0, unchanged 0, rejected 1" in detail
    assert "ongeldige postcode" in detail

    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100

    download = client.get(reverse("imports:rejections", args=[job.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert body[0] == "line;column;reason_nl;reason_en"
    assert body[1].startswith("5;postcode;ongeldige postcode")

    listing = client.get(reverse("imports:upload")).content.decode()
    assert "klanten.csv" in listing


def test_dry_run_upload_writes_nothing(client, staff, organisation):
    client.force_login(staff)
    _upload(client, CUSTOMERS_NL, dry_run=True)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE and job.imported == 3
    assert not Account.objects.exists()


def test_bad_file_fails_the_job_with_a_reason(client, staff, organisation):
    client.force_login(staff)
    _upload(client, "alleen;een;kop\n")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "klantnummer" in job.error or "customer_number" in job.error
    assert (
        "De import is mislukt" in client.get(reverse("imports:job", args=[job.pk])).content.decode()
    )


def test_wrong_extension_is_refused_by_the_form(client, staff, organisation):
    client.force_login(staff)
    response = _upload(client, CUSTOMERS_NL, name="klanten.exe")
    assert response.status_code == 200
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_background_thread_finishes(settings, organisation):
    """The real thread path (on_commit + thread + connection.close)."""
    settings.VANGNET_IMPORT_INLINE = False
    before = set(threading.enumerate())
    job = job_create(
        organisation=organisation,
        kind="customers",
        upload=SimpleUploadedFile("k.csv", CUSTOMERS_NL.encode()),
    )
    job_start(job)  # autocommit: on_commit runs at once
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=30)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.imported == 3
