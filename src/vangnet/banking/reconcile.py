"""Which account (and invoice) an incoming bank entry pays: five rules, set-based.

For a batch of entries, every candidate key is collected first and looked up with a
few ``IN`` queries into dictionaries — never a query per entry — then each entry walks
the rules in order and takes the first that gives exactly one account:

1. structured reference (betalingskenmerk) = ``Invoice.payment_reference``; a 16-digit
   number in the free text counts too when its check digit is right;
2. an invoice number in the remittance text;
3. a customer or contract number in the text;
4. a known payer IBAN: earlier payments' ``payer_iban``, IBANs staff confirmed
   (``KnownPayerIban``) and, when that app is installed, direct-debit mandates;
5. the amount equals exactly one open invoice of the candidate accounts that rules 3
   and 4 left ambiguous (one IBAN paying for two contracts, say).

Ambiguity never guesses: a key that points at two accounts is skipped, and an entry no
rule settles goes to the unmatched queue.
"""

from __future__ import annotations

import logging
import operator
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.apps import apps

from vangnet.banking.constants import CONFIDENCE, MatchRule
from vangnet.banking.models import KnownPayerIban
from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Account, Invoice, Payment

logger = logging.getLogger(__name__)

CHUNK = 2000
_KENMERK_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1, 2, 4, 8, 5, 10)
_KENMERK_IN_TEXT = re.compile(r"(?<!\d)(\d{4}[ .]?\d{4}[ .]?\d{4}[ .]?\d{4})(?!\d)")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/]*[A-Za-z0-9]")


class Candidate(Protocol):
    amount_cents: int
    creditor_reference: str
    remittance: str
    party_iban: str


@dataclass(slots=True)
class Match:
    account_id: int
    rule: str
    invoice_id: int | None = None
    invoice_reference: str = ""

    @property
    def confidence(self) -> int:
        return CONFIDENCE[self.rule]


def is_valid_betalingskenmerk(value: str) -> bool:
    """The Dutch 16-digit structured reference: a check digit over 15 digits (mod 11)."""
    if len(value) != 16 or not value.isdigit():
        return False
    total = sum(map(operator.mul, map(int, reversed(value[1:])), _KENMERK_WEIGHTS))
    check = 11 - total % 11
    check = 1 if check == 10 else 0 if check == 11 else check
    return int(value[0]) == check


def references_of(entry: Candidate) -> list[str]:
    refs: list[str] = []
    structured = entry.creditor_reference.strip()
    if structured:
        refs.append(structured)
        digits = re.sub(r"[\s.]", "", structured)
        if digits != structured:
            refs.append(digits)
    for match in _KENMERK_IN_TEXT.finditer(entry.remittance):
        digits = re.sub(r"\D", "", match.group(1))
        if is_valid_betalingskenmerk(digits) and digits not in refs:
            refs.append(digits)
    return refs


def tokens_of(text: str) -> list[str]:
    """Words of 5+ characters with a digit, as a payer types an invoice or customer
    number (upper case); shorter ones ("2025", "12") are too ambiguous to book money on."""
    seen: list[str] = []
    for token in _TOKEN.findall(text):
        if 5 <= len(token) <= 32 and any(ch.isdigit() for ch in token):
            upper = token.upper()
            if upper not in seen:
                seen.append(upper)
    return seen


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _unique(pairs: Iterable[tuple[str, Any]]) -> tuple[dict[str, Any], set[str]]:
    """key → value where the key names one value; the keys naming several are returned."""
    found: dict[str, Any] = {}
    ambiguous: set[str] = set()
    for key, value in pairs:
        if key in found and found[key] != value:
            ambiguous.add(key)
        found.setdefault(key, value)
    for key in ambiguous:
        found.pop(key, None)
    return found, ambiguous


def _mandate_ibans(organisation_id: int, ibans: list[str]) -> list[tuple[str, int]]:
    """IBAN → account pairs from direct-debit mandates, if that app defines them.

    The direct-debit app is built separately; read it only when a model with an IBAN
    field and an ``account`` foreign key exists, so banking never depends on it.
    """
    try:
        model = apps.get_model("directdebit", "Mandate")
    except LookupError:
        return []
    names = {f.name for f in model._meta.get_fields()}
    iban_field = next((n for n in ("debtor_iban", "iban", "payer_iban") if n in names), None)
    if iban_field is None or "account" not in names:
        return []
    pairs: list[tuple[str, int]] = []
    for chunk in _chunks(ibans):
        query = model.objects.filter(**{f"{iban_field}__in": chunk})
        if "organisation" in names:
            query = query.filter(organisation_id=organisation_id)
        pairs.extend(query.values_list(iban_field, "account_id"))
    return pairs


def reconcile(*, organisation_id: int, entries: Sequence[Candidate]) -> list[Match | None]:
    """One ``Match`` (or ``None``) per entry, in order; reads only, writes nothing."""
    results: list[Match | None] = [None] * len(entries)
    refs = [references_of(e) for e in entries]
    tokens = [tokens_of(e.remittance) for e in entries]

    # Rule 1: structured reference.
    ref_rows: list[tuple[str, tuple[int, int, str]]] = []
    for chunk in _chunks(r for rs in refs for r in rs):
        ref_rows.extend(
            (ref, (acc, inv, number))
            for ref, inv, acc, number in Invoice.objects.filter(
                organisation_id=organisation_id, payment_reference__in=chunk
            ).values_list("payment_reference", "id", "account_id", "number")
        )
    by_ref, _ = _unique((ref, v) for ref, v in ref_rows)
    by_ref_account, _ = _unique((ref, v[0]) for ref, v in ref_rows)

    # Rules 2 and 3: invoice, customer and contract numbers among the words.
    all_tokens = {t for ts in tokens for t in ts}
    invoice_rows: list[tuple[str, tuple[int, int, str]]] = []
    account_rows: list[tuple[str, int]] = []
    for chunk in _chunks(all_tokens):
        invoice_rows.extend(
            (number.upper(), (acc, inv, number))
            for number, inv, acc in Invoice.objects.filter(
                organisation_id=organisation_id, number__in=chunk
            ).values_list("number", "id", "account_id")
        )
        account_rows.extend(
            (number.upper(), acc)
            for number, acc in Account.objects.filter(
                organisation_id=organisation_id, customer__number__in=chunk
            ).values_list("customer__number", "id")
        )
        account_rows.extend(
            (number.upper(), acc)
            for number, acc in Account.objects.filter(
                organisation_id=organisation_id, number__in=chunk
            ).values_list("number", "id")
        )
    by_invoice, _ = _unique(invoice_rows)
    accounts_by_number: dict[str, set[int]] = defaultdict(set)
    for number, acc in account_rows:
        accounts_by_number[number].add(acc)

    candidates: dict[int, set[int]] = {}
    pending_iban: list[int] = []
    for i, entry in enumerate(entries):
        ref = next((r for r in refs[i] if r in by_ref), None)
        if ref is not None:
            acc, inv, _number = by_ref[ref]
            results[i] = Match(acc, MatchRule.REFERENCE, inv, ref)
            continue
        ref = next((r for r in refs[i] if r in by_ref_account), None)
        if ref is not None:  # one reference on two invoices of the same account
            results[i] = Match(by_ref_account[ref], MatchRule.REFERENCE, None, ref)
            continue
        hits = {by_invoice[t] for t in tokens[i] if t in by_invoice}
        if len({acc for acc, _, _ in hits}) == 1:
            acc, inv, number = next(iter(hits))
            if len(hits) > 1:  # several invoices of one account: oldest first decides
                inv, number = None, ""
            results[i] = Match(acc, MatchRule.INVOICE_NUMBER, inv, number)
            continue
        named: set[int] = set()
        for t in tokens[i]:
            named |= accounts_by_number.get(t, set())
        if len(named) == 1:
            results[i] = Match(next(iter(named)), MatchRule.CUSTOMER_NUMBER)
            continue
        if named:
            candidates[i] = named
        if entry.party_iban:
            pending_iban.append(i)

    # Rule 4: known payer IBAN, only for what is still open (payer_iban has no index).
    ibans = sorted({entries[i].party_iban for i in pending_iban if results[i] is None})
    iban_pairs: list[tuple[str, int]] = []
    for chunk in _chunks(ibans):
        iban_pairs.extend(
            Payment.objects.filter(organisation_id=organisation_id, payer_iban__in=chunk)
            .values_list("payer_iban", "account_id")
            .distinct()
        )
        iban_pairs.extend(
            KnownPayerIban.objects.filter(
                organisation_id=organisation_id, iban__in=chunk
            ).values_list("iban", "account_id")
        )
    if ibans:
        iban_pairs.extend(_mandate_ibans(organisation_id, ibans))
    accounts_by_iban: dict[str, set[int]] = defaultdict(set)
    for iban, acc in iban_pairs:
        accounts_by_iban[iban].add(acc)
    for i in pending_iban:
        if results[i] is not None:
            continue
        known = accounts_by_iban.get(entries[i].party_iban, set())
        if i in candidates and known:
            known = known & candidates[i] or known
        if len(known) == 1:
            results[i] = Match(next(iter(known)), MatchRule.IBAN)
        elif known:
            candidates[i] = candidates.get(i, set()) | known

    # Rule 5 (and the invoice for rules 3 and 4): the amount of exactly one open invoice.
    wanted = {
        i: ({r.account_id} if r is not None else candidates.get(i, set()))
        for i, r in enumerate(results)
        if (r is None and i in candidates)
        or (r is not None and r.invoice_id is None and r.rule != MatchRule.REFERENCE)
    }
    account_ids = {acc for accs in wanted.values() for acc in accs}
    open_by_amount: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    ids = sorted(account_ids)
    for start in range(0, len(ids), CHUNK):
        for acc, inv, number, cents in Invoice.objects.filter(
            account_id__in=ids[start : start + CHUNK],
            open_amount_cents__gt=0,
            kind=InvoiceKind.INVOICE,
        ).values_list("account_id", "id", "number", "open_amount_cents"):
            open_by_amount[(acc, cents)].append((inv, number))
    for i, accs in wanted.items():
        fits = [
            (acc, inv, number)
            for acc in accs
            for inv, number in open_by_amount.get((acc, entries[i].amount_cents), [])
        ]
        if len(fits) != 1:
            continue
        acc, inv, number = fits[0]
        if results[i] is None:
            results[i] = Match(acc, MatchRule.AMOUNT, inv, number)
        else:
            results[i].invoice_id, results[i].invoice_reference = inv, number
    return results
