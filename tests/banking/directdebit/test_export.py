"""pain.008 export: real XSD validation (lxml, sepaxml's shipped XSDs), FRST/RCUR,
malformed batches refused before writing, idempotency."""

from __future__ import annotations

import gzip
import os
from datetime import date

import pytest
import sepaxml
from lxml import etree

from tests.banking.directdebit.conftest import TODAY, sign
from tests.ledger.factories import make_account
from vangnet.banking.directdebit.models import Batch, Collection, Mandate
from vangnet.banking.directdebit.pain008 import (
    BatchInvalid,
    Creditor,
    DebitLine,
    pain008_build,
    xsd_validate,
)
from vangnet.banking.directdebit.services import (
    batch_export,
    collection_schedule,
    collections_settle,
)

DAY = date(2026, 11, 16)


def xsd(schema: str) -> etree.XMLSchema:
    """The XSD file from sepaxml's package directory, loaded independently of our code."""
    path = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", f"{schema}.xsd")
    return etree.XMLSchema(etree.parse(path))


def parse(path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.parse(str(path), parser).getroot()


def schedule(mandate, ref: str, cents: int = 2350):
    return collection_schedule(
        mandate=mandate,
        amount_cents=cents,
        reference=ref,
        remittance=f"Factuur {ref}",
        earliest=TODAY,
        today=TODAY,
    )


@pytest.fixture
def three(profile, organisation):
    mandates = [
        sign(make_account(organisation), name=n)
        for n in ("J. Jansen", "Ĳsbrand Œuvré & Zn", "Zoë Müller-Çelik")
    ]
    return [schedule(m, f"F{i}", 1000 * (i + 1) + 5) for i, m in enumerate(mandates)]


@pytest.mark.parametrize("schema", ["pain.008.001.08", "pain.008.001.02"])
def test_export_is_valid_against_the_official_xsd(three, profile, organisation, tmp_path, schema):
    profile.schema = schema
    profile.save()
    out = tmp_path / "dd.xml"
    result = batch_export(organisation_id=organisation.pk, collection_date=DAY, out=out)
    assert (result.count, result.total_cents) == (3, 1005 + 2005 + 3005)
    root = parse(out)
    schema_xsd = xsd(schema)
    assert schema_xsd.validate(root), schema_xsd.error_log
    ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{schema}"}
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:MsgId", namespaces=ns) == (
        result.batch.message_id
    )
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=ns) == "60.15"
    names = root.xpath("//p:DrctDbtTxInf/p:Dbtr/p:Nm/text()", namespaces=ns)
    assert sorted(names) == ["IJsbrand OEuvre + Zn", "J. Jansen", "Zoe Muller-Celik"]
    e2e = root.xpath("//p:EndToEndId/text()", namespaces=ns)
    assert sorted(e2e) == sorted(c.end_to_end_id for c in three)
    assert root.xpath("//p:SeqTp/text()", namespaces=ns) == ["FRST"]  # one PmtInf block
    # The batch row and the stored copy match the file byte for byte.
    batch = Batch.objects.get()
    assert gzip.decompress(batch.content_gz) == out.read_bytes()
    assert set(Collection.objects.values_list("status", "batch", "sequence_type")) == {
        ("exported", batch.pk, "FRST")
    }


def test_sepaxml_own_validator_accepts_it_too(three, organisation, tmp_path, settings):
    settings.VANGNET_SEPA_XSD_ENGINE = "sepaxml"
    out = tmp_path / "dd.xml"
    assert batch_export(organisation_id=organisation.pk, collection_date=DAY, out=out).count == 3


def test_frst_then_rcur_in_separate_blocks(profile, organisation, tmp_path):
    old = sign(make_account(organisation))
    new = sign(make_account(organisation))
    first = schedule(old, "A1")
    batch_export(organisation_id=organisation.pk, collection_date=DAY, out=tmp_path / "1.xml")
    collections_settle(organisation_id=organisation.pk, on=DAY)
    old.refresh_from_db()
    assert old.sequence_type == "RCUR"
    second = collection_schedule(
        mandate=old, amount_cents=100, reference="A2", remittance="x", earliest=DAY, today=DAY
    )
    newc = collection_schedule(
        mandate=new, amount_cents=200, reference="B1", remittance="x", earliest=DAY, today=DAY
    )
    assert second.collection_date == newc.collection_date == date(2026, 12, 15)
    out = tmp_path / "2.xml"
    batch_export(organisation_id=organisation.pk, collection_date=date(2026, 12, 15), out=out)
    root = parse(out)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}
    blocks = {
        pi.findtext("p:PmtTpInf/p:SeqTp", namespaces=ns): pi.xpath(
            "p:DrctDbtTxInf/p:PmtId/p:EndToEndId/text()", namespaces=ns
        )
        for pi in root.iterfind(".//p:PmtInf", namespaces=ns)
    }
    assert blocks == {"RCUR": [second.end_to_end_id], "FRST": [newc.end_to_end_id]}
    assert xsd("pain.008.001.08").validate(root)
    assert Collection.objects.get(pk=first.pk).sequence_type == "FRST"


def test_rerun_says_nothing_to_export_and_never_exports_twice(three, organisation, tmp_path):
    batch_export(organisation_id=organisation.pk, collection_date=DAY, out=tmp_path / "a.xml")
    again = batch_export(
        organisation_id=organisation.pk, collection_date=DAY, out=tmp_path / "b.xml"
    )
    assert again.batch is None and "Niets te exporteren" in again.message
    assert not (tmp_path / "b.xml").exists()
    # A collection added later for the same date goes into its own, second batch.
    late = schedule(Mandate.objects.first(), "LATE")
    assert late.collection_date == DAY
    third = batch_export(
        organisation_id=organisation.pk, collection_date=DAY, out=tmp_path / "c.xml"
    )
    assert third.count == 1
    root = parse(tmp_path / "c.xml")
    assert root.xpath("//*[local-name()='EndToEndId']/text()") == [late.end_to_end_id]
    assert Batch.objects.count() == 2


def test_an_existing_file_is_never_overwritten(three, organisation, tmp_path):
    out = tmp_path / "dd.xml"
    out.write_bytes(b"earlier batch")
    with pytest.raises(FileExistsError):
        batch_export(organisation_id=organisation.pk, collection_date=DAY, out=out)
    assert out.read_bytes() == b"earlier batch"
    assert set(Collection.objects.values_list("status", flat=True)) == {"scheduled"}


def test_a_bad_line_rejects_the_whole_batch_before_writing(three, organisation, tmp_path):
    # A mandate whose IBAN got corrupted in the database (e.g. by a faulty import).
    Mandate.objects.filter(pk=three[1].mandate_id).update(iban="NL91ABNA0417164301")
    out = tmp_path / "dd.xml"
    with pytest.raises(BatchInvalid) as exc:
        batch_export(organisation_id=organisation.pk, collection_date=DAY, out=out)
    assert [p.key for p in exc.value.problems] == [three[1].pk]
    assert "ongeldig IBAN" in str(exc.value) and "niets geschreven" in str(exc.value)
    assert not out.exists() and not list(tmp_path.iterdir())
    assert not Batch.objects.exists()
    assert set(Collection.objects.values_list("status", flat=True)) == {"scheduled"}


CREDITOR = Creditor(
    name="Waterbedrijf Test",
    iban="NL20INGB0001234567",
    bic="INGBNL2A",
    creditor_id="NL69ZZZ123456780000",
    schema="pain.008.001.08",
)


def line(**overrides) -> DebitLine:
    values = dict(
        key=1,
        end_to_end_id="E2E1",
        amount_cents=2350,
        sequence_type="RCUR",
        collection_date=DAY,
        mandate_reference="M-1",
        mandate_signed_on=date(2026, 1, 5),
        debtor_name="J. Jansen",
        iban="NL91ABNA0417164300",
        bic="",
        remittance="Factuur 1",
    )
    values.update(overrides)
    return DebitLine(**values)


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"amount_cents": 0}, "amount_not_positive"),  # the XSD itself would allow 0.00
        ({"amount_cents": -5}, "amount_not_positive"),
        ({"debtor_name": "😀😀"}, "debtor_name"),  # nothing left after transliteration
        ({"mandate_reference": "M_1"}, "sepa_identifier"),
        ({"end_to_end_id": "x" * 36}, "sepa_identifier"),
        ({"sequence_type": "OOFF"}, "sequence_type"),
        ({"mandate_signed_on": date(2027, 1, 1)}, "mandate_date"),
    ],
)
def test_malformed_lines_are_refused_with_a_clear_error(overrides, code):
    with pytest.raises(BatchInvalid) as exc:
        pain008_build(
            CREDITOR,
            [line(), line(**{"key": 2, "end_to_end_id": "E2E2", **overrides})],
            message_id="MSG1",
        )
    assert [(p.key, p.code) for p in exc.value.problems] == [(2, code)]
    assert str(exc.value).startswith("Incassobestand afgekeurd, niets geschreven: incasso 2:")


def test_a_duplicate_end_to_end_id_is_refused():
    with pytest.raises(BatchInvalid) as exc:
        pain008_build(CREDITOR, [line(), line(key=2)], message_id="MSG1")
    assert [(p.key, p.code) for p in exc.value.problems] == [(2, "duplicate_end_to_end_id")]


def test_illegal_characters_are_transliterated_not_refused():
    xml = pain008_build(
        CREDITOR,
        [line(debtor_name="Ærøskøbing & Søn", remittance="Rekening #12 € 5")],
        message_id="MSG1",
    )
    root = etree.fromstring(xml)
    assert root.xpath("//*[local-name()='Dbtr']/*[local-name()='Nm']/text()") == [
        "AEroskobing + Son"
    ]
    assert root.xpath("//*[local-name()='Ustrd']/text()") == ["Rekening 12 EUR 5"]
    assert xsd("pain.008.001.08").validate(root)


def test_bad_creditor_settings_are_refused():
    bad = Creditor(**{**CREDITOR.__dict__, "creditor_id": "NL68ZZZ123456780000"})
    with pytest.raises(BatchInvalid) as exc:
        pain008_build(bad, [line()], message_id="MSG1")
    assert exc.value.problems[0].code == "creditor_id_check"


@pytest.mark.parametrize("engine", ["lxml", "sepaxml"])
def test_the_xsd_check_catches_what_slips_through(engine):
    xml = pain008_build(CREDITOR, [line()], message_id="MSG1")
    xsd_validate(xml, "pain.008.001.08", engine=engine)  # the good one passes
    broken = xml.replace(b"<SeqTp>RCUR</SeqTp>", b"<SeqTp>XXXX</SeqTp>")
    with pytest.raises(BatchInvalid) as exc:
        xsd_validate(broken, "pain.008.001.08", engine=engine)
    assert exc.value.problems[0].code == "xsd"


def test_entities_are_not_resolved():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08">&x;</Document>'
    )
    with pytest.raises(BatchInvalid):
        xsd_validate(evil, "pain.008.001.08")
