"""Extrajudicial collection costs for consumers (WIK).

Source: art. 6:96 lid 5–6 BW and the Besluit vergoeding voor buitengerechtelijke
incassokosten (Stb. 2012, 141) [law]; figures and test vectors in DOMAIN.md "Collection
costs (WIK)". The staffel is computed on the principal only, never on interest or costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from vangnet.rules.decision import Decision, allow
from vangnet.rules.text import eur_en, eur_nl

CENT = Decimal("0.01")


@dataclass(frozen=True)
class WikScale:
    """The staffel as configuration; defaults are DOMAIN.md "Collection costs (WIK)".

    ``brackets`` are (width of the bracket in euros or ``None`` for "the rest", rate).
    """

    # DOMAIN.md: 15% of first 2,500; 10% of next 2,500; 5% of next 5,000; 1% of next
    # 190,000; 0.5% above. [law: Besluit BIK art. 2]
    brackets: tuple[tuple[Decimal | None, Decimal], ...] = (
        (Decimal("2500"), Decimal("0.15")),
        (Decimal("2500"), Decimal("0.10")),
        (Decimal("5000"), Decimal("0.05")),
        (Decimal("190000"), Decimal("0.01")),
        (None, Decimal("0.005")),
    )
    minimum: Decimal = Decimal("40")  # DOMAIN.md: minimum €40 [law]
    maximum: Decimal = Decimal("6775")  # DOMAIN.md: maximum €6,775 [law]
    vat_rate: Decimal = Decimal("0.21")  # DOMAIN.md: +21% VAT when the creditor declares it


DEFAULT_SCALE = WikScale()


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _breakdown(principal: Decimal, scale: WikScale) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(part of the principal, rate, costs on that part) per bracket that applies."""
    rest = principal
    parts: list[tuple[Decimal, Decimal, Decimal]] = []
    for width, rate in scale.brackets:
        if rest <= 0:
            break
        part = rest if width is None else min(rest, width)
        parts.append((part, rate, part * rate))
        rest -= part
    return parts


def _check(principal: Decimal) -> None:
    if not isinstance(principal, Decimal):
        raise TypeError("principal must be a Decimal (money is never float)")
    if not principal.is_finite() or principal < 0:
        raise ValueError(f"principal must be a finite amount of zero or more, got {principal}")


def collection_costs(
    principal: Decimal, *, vat: bool = False, scale: WikScale = DEFAULT_SCALE
) -> Decimal:
    """The maximum WIK costs a creditor may charge a consumer on ``principal`` (euros).

    Staffel, then minimum €40 and maximum €6,775, rounded half-up to cents; with ``vat`` the
    rounded amount is raised by 21% and rounded again (DOMAIN.md: only when the creditor
    cannot deduct the VAT of an external collector and declares so).

    >>> collection_costs(Decimal("267"), vat=True)
    Decimal('48.46')
    """
    _check(principal)
    raw = sum((costs for _, _, costs in _breakdown(principal, scale)), Decimal(0))
    costs = _round(min(max(raw, scale.minimum), scale.maximum))
    if vat:
        costs = _round(costs * (1 + scale.vat_rate))
    return costs


def collection_costs_decision(
    principal: Decimal, *, vat: bool = False, scale: WikScale = DEFAULT_SCALE
) -> Decision:
    """:func:`collection_costs` with its computation as evidence (for letters and audits)."""
    _check(principal)
    parts = _breakdown(principal, scale)
    raw = sum((c for _, _, c in parts), Decimal(0))
    amount = collection_costs(principal, vat=vat, scale=scale)
    if raw < scale.minimum:
        code, nl_note, en_note = "wik_minimum", "het minimum van", "the minimum of"
        bound: Decimal | None = scale.minimum
    elif raw > scale.maximum:
        code, nl_note, en_note = "wik_maximum", "het maximum van", "the maximum of"
        bound = scale.maximum
    else:
        code, bound = "wik_staffel", None
        nl_note = en_note = ""
    if bound is None:
        nl = f"De incassokosten zijn {eur_nl(amount)} (wettelijke staffel op {eur_nl(principal)})."
        en = f"Collection costs are {eur_en(amount)} (statutory scale on {eur_en(principal)})."
    else:
        nl = f"De incassokosten zijn {eur_nl(amount)}: {nl_note} {eur_nl(bound)}."
        en = f"Collection costs are {eur_en(amount)}: {en_note} {eur_en(bound)}."
    if vat:
        nl = nl[:-1] + ", inclusief 21% btw."
        en = en[:-1] + ", including 21% VAT."
    return allow(
        code,
        nl,
        en,
        amount=amount,
        principal=principal,
        vat=vat,
        staffel=tuple((str(p), str(r), str(_round(c))) for p, r, c in parts),
        unrounded=raw,
    )


# Cumulation of small recurring instalments [verify] ------------------------------------

CUMULATION_THRESHOLD = Decimal("266.67")  # DOMAIN.md: normal staffel above €266.67 [verify]
CUMULATION_CAP = Decimal("20")  # DOMAIN.md: halved costs, max €20 each [verify]
CUMULATION_WINDOW = timedelta(days=183)  # DOMAIN.md: "within 6 months" [verify]


def cumulated_collection_costs(
    principal: Decimal,
    *,
    missed_on: date,
    earlier_claim_on: date | None,
    enabled: bool = False,
    vat: bool = False,
    scale: WikScale = DEFAULT_SCALE,
) -> Decision:
    """Costs for a later missed small instalment under the cumulation rule (from 1 Oct 2024).

    DOMAIN.md marks this [verify]: for a later missed instalment within 6 months of an earlier
    claim by the same creditor, costs are halved with a maximum of €20; above €266.67 the
    normal staffel applies. Off by default (``enabled=False``) until confirmed; then the
    normal staffel is returned. The amount is in ``evidence["amount"]``.
    """
    normal = collection_costs(principal, vat=vat, scale=scale)
    if not enabled:
        return allow(
            "wik_cumulation_disabled",
            f"De gewone staffel geldt: {eur_nl(normal)}.",
            f"Cumulation rule is off; normal scale applies: {eur_en(normal)}.",
            amount=normal,
        )
    within = (
        earlier_claim_on is not None
        and earlier_claim_on <= missed_on
        and missed_on - earlier_claim_on <= CUMULATION_WINDOW
    )
    if not within or principal > CUMULATION_THRESHOLD:
        return allow(
            "wik_cumulation_not_applicable",
            f"De gewone staffel geldt: {eur_nl(normal)}.",
            f"Cumulation does not apply; normal scale: {eur_en(normal)}.",
            amount=normal,
        )
    cap = _round(CUMULATION_CAP * (1 + scale.vat_rate)) if vat else CUMULATION_CAP
    amount = min(_round(normal / 2), cap)
    return allow(
        "wik_cumulation_applied",
        f"Een eerdere termijn was al te laat. De kosten zijn gehalveerd: {eur_nl(amount)}.",
        f"Repeated small instalment within 6 months: halved costs {eur_en(amount)} [verify].",
        amount=amount,
        earlier_claim_on=earlier_claim_on,
    )
