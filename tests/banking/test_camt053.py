"""CAMT.053 parsing against the genkgo/camt corpus and its expected JSON, plus returns."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from vangnet.banking.camt053 import CamtReader
from vangnet.banking.errors import StatementRefused
from vangnet.banking.records import EntryProblem, ParsedEntry
from vangnet.banking.safexml import open_source

from .conftest import CAMT, camt_document

SAMPLES = sorted(p.stem for p in CAMT.glob("*.json"))


def _parse(path):
    reader = CamtReader(open_source(path))
    items = list(reader)
    return reader, [i for i in items if isinstance(i, ParsedEntry)]


def _expected_entries(expected: dict) -> list[dict]:
    """The entries genkgo dumped (its dump keeps one record's entries in full)."""
    return expected["getEntries"]


def _party_names_and_ibans(detail: dict) -> set[str]:
    found = set()
    for party in detail.get("getRelatedParties") or []:
        kind = party.get("getRelatedPartyType") or {}
        if kind.get("getName"):
            found.add(kind["getName"])
        account = party.get("getAccount") or {}
        if account.get("getIdentification"):
            found.add(account["getIdentification"])
    return found


@pytest.mark.parametrize("name", SAMPLES)
def test_corpus_matches_expected_json(name):
    expected = json.loads((CAMT / f"{name}.json").read_text())
    reader, entries = _parse(CAMT / f"{name}.xml")
    want = _expected_entries(expected)
    assert want
    assert len(reader.statements) == len(expected["getRecords"])
    record = want[0]["getRecord"]
    (info,) = [s for s in reader.statements if s.statement_id == record["getId"]]
    account = record["getAccount"]
    assert info.account_iban == (account.get("getIban") or {}).get(
        "getIban", account["getIdentification"]
    )
    entries = [e for e in entries if e.statement is info]
    assert len(entries) == len(want)
    for got, exp in zip(entries, want, strict=True):
        money = exp["getAmount"]
        assert got.cents == abs(int(money["getAmount"]))
        assert got.currency == money["getCurrency"]["getCode"]
        assert got.direction == ("credit" if exp["getCreditDebitIndicator"] == "CRDT" else "debit")
        assert got.booking_date == date.fromisoformat(exp["getBookingDate"]["0"][:10])
        if exp.get("getValueDate"):
            assert got.value_date == date.fromisoformat(exp["getValueDate"]["0"][:10])
        assert got.reversal is bool(exp["getReversalIndicator"])
        assert got.account_servicer_reference == (exp["getAccountServicerReference"] or "")
        detail = exp["getTransactionDetail"]
        if detail:
            refs = detail.get("getReference") or {}
            assert got.end_to_end_id == (refs.get("getEndToEndId") or "")
            remittance = detail.get("getRemittanceInformation") or {}
            creditor = remittance.get("getCreditorReferenceInformation") or {}
            assert got.creditor_reference == (creditor.get("getRef") or "")
            unstructured = remittance.get("getUnstructuredBlock") or {}
            assert got.remittance == (unstructured.get("getMessage") or "")
            parties = _party_names_and_ibans(detail)
            if got.party_name:
                assert got.party_name in parties
            if got.party_iban:
                assert got.party_iban in parties


def test_versions_are_read_from_the_namespace():
    versions = {
        name: CamtReader(open_source(CAMT / f"{name}.xml")) for name in ("camt053.v3", "camt053.v8")
    }
    for reader in versions.values():
        list(reader)
    assert versions["camt053.v3"].version == "camt.053.001.03"
    assert versions["camt053.v8"].version == "camt.053.001.08"


def test_five_decimals_with_zero_tail_are_exact_cents():
    _, entries = _parse(CAMT / "camt053.v2.five.decimals.xml")
    assert entries[0].amount == Decimal("8.850")
    assert entries[0].cents == 885


def test_a_fraction_of_a_cent_is_a_problem_not_rounded(write):
    path = write(
        "frac.xml",
        camt_document(
            '<Ntry><Amt Ccy="EUR">8.855</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
            "<BkTxCd/></Ntry>"
        ),
    )
    _, entries = _parse(path)
    with pytest.raises(EntryProblem, match="more than two decimals"):
        entries[0].cents  # noqa: B018


def test_statement_without_stmt_is_refused():
    with pytest.raises(StatementRefused) as exc:
        _parse(CAMT / "camt053.v2.wrong.xml")
    assert exc.value.code == "empty"


RETURNED = """
<Ntry><Amt Ccy="EUR">27.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2025-06-12</Dt></BookgDt><ValDt><Dt>2025-06-12</Dt></ValDt>
<AcctSvcrRef>RTR-0001</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls>
 <Refs><EndToEndId>WBV00000012-003</EndToEndId><MndtId>WBV-MND-300000012</MndtId></Refs>
 <RltdPties><Dbtr><Pty><Nm>J. de Vries</Nm></Pty></Dbtr>
  <DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></DbtrAcct>
  <Cdtr><Pty><Nm>Waterbedrijf Voorbeeld</Nm></Pty></Cdtr></RltdPties>
 <RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf>
</TxDtls></NtryDtls></Ntry>
"""

BATCH = """
<Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2025-06-11</Dt></BookgDt><AcctSvcrRef>BATCH-7</AcctSvcrRef>
<BkTxCd><Prtry><Cd>N944</Cd></Prtry></BkTxCd>
<NtryDtls>
 <TxDtls><Refs><EndToEndId>A1</EndToEndId></Refs><Amt Ccy="EUR">10.00</Amt>
  <RmtInf><Ustrd>Factuur</Ustrd><Ustrd>F-1</Ustrd></RmtInf></TxDtls>
 <TxDtls><Refs><EndToEndId>A2</EndToEndId></Refs><Amt Ccy="EUR">20.00</Amt>
  <RmtInf><Strd><CdtrRefInf><Ref>5000000000000023</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
</NtryDtls></Ntry>
"""


def test_return_information_of_a_returned_direct_debit(write):
    path = write("ret.xml", camt_document(RETURNED, version="001.08"))
    _, (entry,) = _parse(path)
    assert entry.direction == "debit"
    assert entry.return_reason == "AM04"
    assert entry.end_to_end_id == "WBV00000012-003"
    assert entry.mandate_id == "WBV-MND-300000012"
    # The customer whose debit came back, not the creditor itself.
    assert entry.party_name == "J. de Vries"
    assert entry.party_iban == "NL91ABNA0417164300"
    assert entry.bank_code == "PMNT/RDDT/UPDD"
    assert entry.key == "NL02ABNA0123456789:RTR-0001"


def test_batch_booking_is_split_per_transaction(write):
    path = write("batch.xml", camt_document(BATCH))
    reader, entries = _parse(path)
    assert [e.cents for e in entries] == [1000, 2000]
    assert [e.end_to_end_id for e in entries] == ["A1", "A2"]
    assert entries[0].remittance == "Factuur F-1"
    assert entries[1].creditor_reference == "5000000000000023"
    assert len({e.key for e in entries}) == 2
    assert reader.statements[0].entry_count == 2


def test_pending_entries_are_marked_not_booked(write):
    path = write(
        "pdng.xml",
        camt_document(
            '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts>'
            "<BkTxCd/></Ntry>"
        ),
    )
    _, (entry,) = _parse(path)
    assert entry.booked is False


def test_keys_are_stable_across_parses():
    first = [e.key for e in _parse(CAMT / "camt053.v2.multi.statement.xml")[1]]
    second = [e.key for e in _parse(CAMT / "camt053.v2.multi.statement.xml")[1]]
    assert first == second
    assert len(set(first)) == len(first)
