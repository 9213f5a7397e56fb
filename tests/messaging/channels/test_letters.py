"""Letters: the PDF's content and layout (read back with pdfplumber), the letter adapter,
and the print batch files."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django.core.management import call_command

import pdfplumber
import pytest

from tests.messaging.channels.factories import make_debtor
from vangnet.messaging.channels.letter import render_pdf
from vangnet.messaging.channels.models import HouseStyle, LetterQueueItem, PrintBatch
from vangnet.messaging.channels.printing import PrintBatchError, print_batch_build
from vangnet.messaging.registry import adapter_for
from vangnet.messaging.types import OutgoingMessage, PermanentFailure, RenderedMessage

MM = 72 / 25.4  # PDF points per millimetre
DAY = date(2025, 6, 10)

LETTER_TEXT = (
    "Beste mevrouw Jansen,\n\n"
    "Wij hebben uw betaling van € 125,00 nog niet ontvangen.\n"
    "Betaal het bedrag binnen 14 dagen.\n\n"
    "Lukt dat niet? Bel ons, dan zoeken we samen een oplossing.\n\n"
    "Met vriendelijke groet,\nWaterbedrijf Test"
)


def pdf_text(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def rendered(text: str = LETTER_TEXT, subject: str = "Uw rekening staat nog open"):
    return RenderedMessage(subject=subject, text=text, template_code="herinnering")


@pytest.fixture
def house(organisation):
    return HouseStyle.objects.create(
        organisation=organisation,
        primary_colour="#005a9c",
        return_address="Retour: Postbus 100, 3500 AA Utrecht",
        footer="Telefoon 030 123 45 67\nwww.water.example",
        kvk_number="12345678",
        logo_svg='<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="#005a9c"/></svg>',
    )


def test_pdf_has_address_date_reference_text_and_house_style(organisation, house):
    pdf = render_pdf(
        rendered(),
        organisation=organisation,
        recipient_address=["A. Jansen", "Oudegracht 12", "3511 AB  UTRECHT"],
        on=date(2025, 3, 14),
        reference="D42",
        customer_number="K-1001",
    )
    [page] = pdf_text(pdf)
    for expected in (
        "A. Jansen",
        "Oudegracht 12",
        "3511 AB UTRECHT",
        "14 maart 2025",
        "K-1001",
        "D42",
        "Uw rekening staat nog open",
        "€ 125,00",
        "Betaal het bedrag binnen 14 dagen.",
        "Retour: Postbus 100, 3500 AA Utrecht",
        "KvK 12345678",
        "Telefoon 030 123 45 67",
        "Pagina 1 van 1",
    ):
        assert expected in page, expected


def test_address_sits_in_the_left_envelope_window(organisation):
    pdf = render_pdf(
        rendered(),
        organisation=organisation,
        recipient_address="Venstertest\nKerkstraat 1\n1234 AB  DORP",
    )
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        assert round(page.width / MM) == 210 and round(page.height / MM) == 297  # A4
        words = {w["text"]: w for w in page.extract_words()}
    name = words["Venstertest"]
    # Window: 22 mm from the left, from 50 mm down, 85 × 35 mm.
    assert 20 * MM <= name["x0"] <= 26 * MM
    assert 48 * MM <= name["top"] <= 60 * MM
    assert words["DORP"]["bottom"] <= 85 * MM


def test_long_letter_numbers_its_pages_and_default_style_works(organisation):
    body = "\n\n".join(
        f"Alinea {i}: " + "dit is een lange brief met veel tekst. " * 8 for i in range(14)
    )
    pages = pdf_text(
        render_pdf(rendered(text=body), organisation=organisation, recipient_address=["X"])
    )
    assert len(pages) >= 2
    assert f"Pagina 2 van {len(pages)}" in pages[1]
    assert "Waterbedrijf Test" in pages[0]  # default house style: the organisation's name


def test_text_is_escaped_and_nothing_is_fetched(organisation):
    nasty = 'Let op <b>vet</b> & <img src="http://example.invalid/x.png">'
    [page] = pdf_text(
        render_pdf(rendered(text=nasty), organisation=organisation, recipient_address=["Y"])
    )
    assert "<b>vet</b>" in page  # shown as text, not as markup


def test_letter_adapter_queues_once_per_key(organisation, print_dir):
    debtor = make_debtor(organisation)
    message = OutgoingMessage(
        idempotency_key="outbox:7:letter",
        channel="letter",
        to="",
        subject="Herinnering",
        text=LETTER_TEXT,
        metadata={"case_id": debtor.case.pk, "template_code": "herinnering"},
    )
    first = adapter_for("letter").send(message)
    second = adapter_for("letter").send(message)
    assert first.provider_id == second.provider_id
    [item] = LetterQueueItem.objects.all()
    assert (item.customer_number, item.postcode, item.pages) == (
        debtor.customer.number,
        "3511 AB",
        1,
    )
    stored = (print_dir / "queue" / item.file_name).read_bytes()
    [page] = pdf_text(stored)
    assert "A. Jansen" in page and "UTRECHT" in page and "€ 125,00" in page


def test_letter_without_case_or_address_fails_permanently(organisation, print_dir):
    adapter = adapter_for("letter")
    with pytest.raises(PermanentFailure):
        adapter.send(OutgoingMessage("k1", "letter", "", "S", "T", metadata={}))
    debtor = make_debtor(organisation)
    debtor.person.address = None
    debtor.person.save()
    with pytest.raises(PermanentFailure) as err:
        adapter.send(
            OutgoingMessage("k2", "letter", "", "S", "T", metadata={"case_id": debtor.case.pk})
        )
    assert err.value.code == "invalid_recipient"


def queue_letter(organisation, key: str, *, surname: str, postcode: str, on: date):
    from vangnet.messaging.channels.letter import letter_queue

    debtor = make_debtor(organisation, surname=surname, postcode=postcode)
    item, _ = letter_queue(idempotency_key=key, rendered=rendered(), case=debtor.case, on=on)
    return item


def read_manifest(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))


def test_print_batch_merges_sorted_by_postcode_and_is_idempotent(organisation, print_dir):
    queue_letter(organisation, "k-z", surname="Zwart", postcode="9711 AA", on=DAY)
    queue_letter(organisation, "k-a", surname="Appel", postcode="1011 AB", on=DAY - timedelta(1))
    late = queue_letter(
        organisation, "k-m", surname="Mulder", postcode="5611 AA", on=DAY + timedelta(1)
    )

    result = print_batch_build(batch_date=DAY)
    assert (result.letters, result.pages, result.sealed_now) == (2, 2, True)
    rows = read_manifest(result.manifest_path)
    assert [r["name"] for r in rows] == ["Anna Appel", "Anna Zwart"]  # postcode order
    assert [r["sequence"] for r in rows] == ["1", "2"]
    assert [r["first_page"] for r in rows] == ["1", "2"]
    assert rows[0]["idempotency_key"] == "k-a" and rows[0]["template"] == "herinnering"
    pages = pdf_text(result.pdf_path.read_bytes())
    assert "Appel" in pages[0] and "1011 AB" in pages[0] and "Zwart" in pages[1]
    manifest_before = result.manifest_path.read_bytes()

    # A letter queued after the batch was sealed does not sneak into it …
    queue_letter(organisation, "k-b", surname="Bakker", postcode="2511 AA", on=DAY)
    again = print_batch_build(batch_date=DAY)
    assert (again.letters, again.sealed_now) == (2, False)
    assert again.manifest_path.read_bytes() == manifest_before
    assert len(pdf_text(again.pdf_path.read_bytes())) == 2

    # … it goes, with the next day's letter, into the next batch.
    nxt = print_batch_build(batch_date=DAY + timedelta(1))
    assert sorted(r["name"] for r in read_manifest(nxt.manifest_path)) == [
        "Anna Bakker",
        "Anna Mulder",
    ]
    late.refresh_from_db()
    assert late.batch.batch_date == DAY + timedelta(1)
    assert not list(print_dir.glob(".tmp-*"))  # no temporary files left behind
    assert LetterQueueItem.objects.filter(batch__isnull=True).count() == 0


def test_empty_day_writes_nothing(organisation, print_dir):
    result = print_batch_build(batch_date=DAY)
    assert result.letters == 0 and result.pdf_path is None
    assert PrintBatch.objects.count() == 0


def test_missing_letter_file_stops_the_batch_without_files(organisation, print_dir):
    item = queue_letter(organisation, "k-x", surname="Weg", postcode="1011 AB", on=DAY)
    (print_dir / "queue" / item.file_name).unlink()
    with pytest.raises(PrintBatchError):
        print_batch_build(batch_date=DAY)
    assert not list(print_dir.glob("*.pdf")) and not list(print_dir.glob("*.csv"))


def test_command_and_celery_task(organisation, print_dir, capsys):
    from vangnet.messaging.channels.tasks import print_batch

    queue_letter(organisation, "k-c", surname="Cmd", postcode="1011 AB", on=DAY)
    call_command("print-batch", "--date", DAY.isoformat())
    out = capsys.readouterr().out
    assert "built 1 letters, 1 pages" in out and "vangnet-brieven-2025-06-10.pdf" in out
    assert print_batch.delay(DAY.isoformat()).get() == {
        "date": "2025-06-10",
        "letters": 1,
        "pages": 1,
    }
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("print-batch", "--date", "10-06-2025")
