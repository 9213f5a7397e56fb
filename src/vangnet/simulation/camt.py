"""Simulated bank statements as real CAMT.053 files (001.02 or 001.08).

The demo and the reconciliation benchmark import real statement files through the same
path as a bank's, so the writer produces what Dutch banks send: one ``Ntry`` per
payment with a ``TxDtls`` holding the end-to-end id, the payer (name + IBAN) and the
remittance — a structured betalingskenmerk (``CdtrRefInf``, issuer CUR) or free text —
and returned direct debits as debit entries with ``RtrInf/Rsn/Cd``.

``plan_payments`` gives the remittance the variety people produce: about 70% pay with
the betalingskenmerk, 20% type the invoice or customer number in the description, some
type it wrong or leave it out (their IBAN is known from earlier payments), and a few
payments cannot be traced at all.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from vangnet.simulation.generator import draw_iban

VERSIONS = ("001.02", "001.08")
CREDIT_CODE = ("PMNT", "RCDT", "ESCT")  # received SEPA credit transfer
RETURN_CODE = ("PMNT", "RDDT", "UPDD")  # unpaid (returned) SEPA direct debit


@dataclass(frozen=True, slots=True)
class StatementPayment:
    """One line of a statement: money in, or a returned debit (``return_reason``)."""

    amount_cents: int
    booked_on: date
    payer_name: str
    payer_iban: str
    structured_reference: str = ""
    remittance: str = ""
    end_to_end_id: str = ""
    return_reason: str = ""
    bank_reference: str = ""  # AcctSvcrRef; unique per entry


@dataclass(frozen=True, slots=True)
class PayableInvoice:
    """What the simulator knows about an invoice someone is about to pay."""

    number: str
    payment_reference: str
    customer_number: str
    amount_cents: int
    payer_name: str
    known_iban: str  # "" when this customer never paid before


def _money(cents: int) -> str:
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def _typo(rng: random.Random, text: str) -> str:
    """Drop or swap one character, as people do when typing a number over."""
    if len(text) < 4:
        return text + "x"
    i = rng.randrange(1, len(text) - 1)
    if rng.random() < 0.5:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def plan_payments(
    invoices: Iterable[PayableInvoice],
    *,
    booked_on: date,
    seed: int = 1,
    structured: float = 0.70,
    free_text: float = 0.20,
    unmatchable: float = 0.03,
) -> list[StatementPayment]:
    """One payment per invoice with realistic remittance; the rest of 100% is 'typo or no
    reference, but a known IBAN' (about 7%)."""
    rng = random.Random(seed)
    out: list[StatementPayment] = []
    for n, inv in enumerate(invoices):
        draw = rng.random()
        iban = inv.known_iban or draw_iban(rng)
        ref, text = "", ""
        if draw < structured:
            ref = inv.payment_reference
            text = "" if rng.random() < 0.7 else "Voorschot drinkwater"
        elif draw < structured + free_text:
            text = rng.choice(
                (
                    f"Factuur {inv.number}",
                    f"factuurnr {inv.number} waterbedrijf",
                    f"{inv.number}",
                    f"Klantnummer {inv.customer_number}",
                    f"klantnr. {inv.customer_number} betaling water",
                    f"Betaling {inv.customer_number} {inv.payer_name}",
                )
            )
        elif draw < 1 - unmatchable:
            text = rng.choice(
                (
                    f"Factuur {_typo(rng, inv.number)}",
                    f"klantnr {_typo(rng, inv.customer_number)}",
                    "water",
                    "Betaling rekening",
                    "",
                )
            )
        else:
            iban = draw_iban(rng)
            text = rng.choice(("Gift", "Terugbetaling", "Betaling", "Huur december", ""))
        out.append(
            StatementPayment(
                amount_cents=inv.amount_cents,
                booked_on=booked_on,
                payer_name=inv.payer_name,
                payer_iban=iban,
                structured_reference=ref,
                remittance=text,
                end_to_end_id=f"E2E{seed:04d}{n:09d}" if rng.random() < 0.6 else "",
                bank_reference=f"SIM{seed:04d}{booked_on:%y%m%d}{n:09d}",
            )
        )
    return out


def _party(version: str, role: str, name: str, iban: str) -> str:
    name_xml = f"<Nm>{escape(name[:70])}</Nm>"
    party = f"<Pty>{name_xml}</Pty>" if version >= "001.08" else name_xml
    return f"<{role}>{party}</{role}><{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>"


def _code(code: tuple[str, str, str]) -> str:
    domain, family, sub = code
    return (
        f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd>"
        f"<SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"
    )


def _entry(version: str, p: StatementPayment) -> str:
    debit = bool(p.return_reason)
    status = "<Sts><Cd>BOOK</Cd></Sts>" if version >= "001.08" else "<Sts>BOOK</Sts>"
    refs = f"<Refs><EndToEndId>{escape(p.end_to_end_id or 'NOTPROVIDED')}</EndToEndId></Refs>"
    rmt = ""
    if p.remittance or p.structured_reference:
        rmt = "<RmtInf>"
        if p.remittance:
            rmt += f"<Ustrd>{escape(p.remittance[:140])}</Ustrd>"
        if p.structured_reference:
            rmt += (
                "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr>"
                f"</Tp><Ref>{escape(p.structured_reference)}</Ref></CdtrRefInf></Strd>"
            )
        rmt += "</RmtInf>"
    rtr = f"<RtrInf><Rsn><Cd>{escape(p.return_reason)}</Cd></Rsn></RtrInf>" if debit else ""
    day = p.booked_on.isoformat()
    return (
        f'<Ntry><Amt Ccy="EUR">{_money(p.amount_cents)}</Amt>'
        f"<CdtDbtInd>{'DBIT' if debit else 'CRDT'}</CdtDbtInd>{status}"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        + (
            f"<AcctSvcrRef>{escape(p.bank_reference[:35])}</AcctSvcrRef>"
            if p.bank_reference
            else ""
        )
        + _code(RETURN_CODE if debit else CREDIT_CODE)
        + f"<NtryDtls><TxDtls>{refs}<RltdPties>"
        + _party(version, "Dbtr", p.payer_name, p.payer_iban)
        + f"</RltdPties>{rmt}{rtr}</TxDtls></NtryDtls></Ntry>\n"
    )


def write_camt053(
    payments: Sequence[StatementPayment],
    path: str | Path,
    *,
    account_iban: str,
    statement_id: str,
    version: str = "001.02",
    opening_balance_cents: int = 0,
    created_at: datetime | None = None,
) -> int:
    """Write ``payments`` as one CAMT.053 statement; returns the number of entries.

    Streams entry by entry (a 100,000-entry file takes about a second); the closing
    balance is the opening balance plus credits minus returned debits.
    """
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {VERSIONS}")
    created = (created_at or datetime(2025, 1, 1, 8, 0)).strftime("%Y-%m-%dT%H:%M:%S")
    days = [p.booked_on for p in payments] or [date.today()]
    first, last = min(days), max(days)
    closing = opening_balance_cents + sum(
        -p.amount_cents if p.return_reason else p.amount_cents for p in payments
    )

    def balance(code: str, cents: int, day: date) -> str:
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="EUR">{_money(abs(cents))}</Amt>'
            f"<CdtDbtInd>{'CRDT' if cents >= 0 else 'DBIT'}</CdtDbtInd>"
            f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
        )

    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.{version}"
    with Path(path).open("w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<Document xmlns="{ns}"><BkToCstmrStmt>\n')
        out.write(
            f"<GrpHdr><MsgId>{escape(statement_id[:35])}</MsgId>"
            f"<CreDtTm>{created}</CreDtTm></GrpHdr>\n"
        )
        out.write(
            f"<Stmt><Id>{escape(statement_id[:35])}</Id><CreDtTm>{created}</CreDtTm>"
            f"<FrToDt><FrDtTm>{first.isoformat()}T00:00:00</FrDtTm>"
            f"<ToDtTm>{last.isoformat()}T23:59:59</ToDtTm></FrToDt>"
            f"<Acct><Id><IBAN>{account_iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
            + balance("OPBD", opening_balance_cents, first)
            + balance("CLBD", closing, last)
            + "\n"
        )
        for p in payments:
            out.write(_entry(version, p))
        out.write("</Stmt></BkToCstmrStmt></Document>\n")
    return len(payments)


def payable_invoices(*, organisation_id: int, count: int, open_first: bool = True):
    """Up to ``count`` invoices to pay, open ones first, with what a payer would type.

    The payer's IBAN is the one on the account's earlier payments (when there are any),
    as a bank would show it for a customer paying from the same account again.
    """
    from django.db.models import Q

    from vangnet.ledger.constants import InvoiceKind
    from vangnet.ledger.models import Invoice, Payment

    fields = (
        "number",
        "payment_reference",
        "open_amount_cents",
        "amount_cents",
        "account_id",
        "account__customer__number",
        "account__customer__person__initials",
        "account__customer__person__surname_prefix",
        "account__customer__person__surname",
    )
    base = Invoice.objects.filter(
        organisation_id=organisation_id, kind=InvoiceKind.INVOICE, amount_cents__gt=0
    )
    rows = list(base.filter(open_amount_cents__gt=0).order_by("id").values_list(*fields)[:count])
    if not open_first or len(rows) < count:
        rows += list(
            base.filter(~Q(open_amount_cents__gt=0))
            .order_by("-issue_date", "id")
            .values_list(*fields)[: count - len(rows)]
        )
    account_ids = sorted({r[4] for r in rows})
    ibans: dict[int, str] = {}
    for start in range(0, len(account_ids), 2000):
        ibans.update(
            Payment.objects.filter(account_id__in=account_ids[start : start + 2000])
            .exclude(payer_iban="")
            .values_list("account_id", "payer_iban")
        )
    return [
        PayableInvoice(
            number=number,
            payment_reference=ref,
            customer_number=customer,
            amount_cents=open_cents or amount,
            payer_name=" ".join(p for p in (initials, prefix, surname) if p)[:70] or "Onbekend",
            known_iban=ibans.get(account_id, ""),
        )
        for number, ref, open_cents, amount, account_id, customer, initials, prefix, surname in rows
    ]


def returned_debits(*, organisation_id: int, count: int, returned_on: date, seed: int = 1):
    """Recent direct-debit payments returned by the bank (AM04: insufficient funds).

    The end-to-end id is the payment's reference, which is how the direct-debit app
    identifies its collections when it books them.
    """
    from vangnet.ledger.constants import PaymentSource
    from vangnet.ledger.models import Payment

    rng = random.Random(seed)
    rows = (
        Payment.objects.filter(
            organisation_id=organisation_id,
            source=PaymentSource.DIRECT_DEBIT,
            reversed_on__isnull=True,
        )
        .order_by("-booked_on", "id")
        .values_list("reference", "amount_cents", "payer_iban", "payer_name")[:count]
    )
    return [
        StatementPayment(
            amount_cents=cents,
            booked_on=returned_on,
            payer_name=name or "Onbekend",
            payer_iban=iban or draw_iban(rng),
            end_to_end_id=reference[:35],
            return_reason=rng.choice(("AM04", "AM04", "AM04", "MD06")),
            bank_reference=f"RTR{seed:04d}{returned_on:%y%m%d}{n:06d}",
        )
        for n, (reference, cents, iban, name) in enumerate(rows)
    ]
