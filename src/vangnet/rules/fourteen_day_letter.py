"""The 14-day letter (veertiendagenbrief) and when WIK costs may be charged.

Source: art. 6:96 lid 6 BW [law]; HR 25-11-2016, ECLI:NL:HR:2016:2704 [law]: costs may only
be charged to a consumer after a written reminder, sent after default, that gives a term of
14 days *starting the day after receipt*, states the consequences of not paying and the
exact amount of costs. Wording such as "binnen 14 dagen na dagtekening" voids the costs.
DOMAIN.md: deadline = send date + postal delivery days (default 2 working days) + 14 days;
partial payment within the term: costs only on the unpaid part.

The last day of the term moves to the next working day when it falls on a weekend day or a
public holiday (Algemene termijnenwet art. 1, which covers statutory terms) — this can only
postpone costs, so it is on by default [verify].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from vangnet.rules.calendar_nl import (
    HolidayCheck,
    add_working_days,
    is_dutch_public_holiday,
    next_working_day_from,
)
from vangnet.rules.decision import Decision, allow, block, combine
from vangnet.rules.text import date_nl, eur_en, eur_nl
from vangnet.rules.wik import DEFAULT_SCALE, WikScale, collection_costs

TERM_DAYS = 14  # art. 6:96 lid 6 BW (DOMAIN.md)
POSTAL_DAYS = 2  # DOMAIN.md: postal delivery, configurable, default 2 working days


class TermWording(StrEnum):
    """How the letter words the start of the term."""

    AFTER_RECEIPT = "after_receipt"  # "binnen 14 dagen na ontvangst" / the day after receipt
    AFTER_LETTER_DATE = "after_letter_date"  # "binnen 14 dagen na dagtekening": void (HR 2016)
    FIXED_DATE = "fixed_date"  # a pay-by date in the letter: valid only if it is late enough


@dataclass(frozen=True)
class LetterContent:
    """What the letter says (filled in by the letter generator or an import)."""

    principal: Decimal
    stated_costs: Decimal | None
    default_established: bool = True
    consequences_stated: bool = True
    term_days: int = TERM_DAYS
    term_wording: TermWording = TermWording.AFTER_RECEIPT
    vat: bool = False
    pay_by: date | None = None  # only with TermWording.FIXED_DATE


@dataclass(frozen=True)
class SentLetter:
    content: LetterContent
    sent_on: date


def letter_received_on(
    sent_on: date,
    *,
    postal_days: int = POSTAL_DAYS,
    holidays: HolidayCheck = is_dutch_public_holiday,
) -> date:
    """Assumed day of receipt: ``postal_days`` working days after posting."""
    return add_working_days(sent_on, postal_days, holidays)


def letter_deadline(
    sent_on: date,
    *,
    postal_days: int = POSTAL_DAYS,
    holidays: HolidayCheck = is_dutch_public_holiday,
    term_days: int = TERM_DAYS,
    extend_to_working_day: bool = True,
) -> date:
    """The last day on which the debtor can still pay without costs.

    Receipt = ``sent_on`` + ``postal_days`` working days; the term starts the day after
    receipt, so day 14 is receipt + 14 days. Costs may be charged from the day after.

    >>> letter_deadline(date(2024, 3, 1))  # Fri; received Tue 5 Mar; day 14 = Tue 19 Mar
    datetime.date(2024, 3, 19)
    """
    received = letter_received_on(sent_on, postal_days=postal_days, holidays=holidays)
    deadline = received + timedelta(days=term_days)
    return next_working_day_from(deadline, holidays) if extend_to_working_day else deadline


def letter_content_decision(
    content: LetterContent,
    *,
    scale: WikScale = DEFAULT_SCALE,
    sent_on: date | None = None,
    postal_days: int = POSTAL_DAYS,
    holidays: HolidayCheck = is_dutch_public_holiday,
) -> Decision:
    """Does the letter contain everything art. 6:96 lid 6 BW requires?"""
    checks: list[Decision] = []
    if not content.default_established:
        checks.append(
            block(
                "letter_no_default",
                "De klant is nog niet in verzuim. Stuur de brief pas daarna.",
                "The debtor is not yet in default; a 14-day letter must follow default.",
            )
        )
    if not content.consequences_stated:
        checks.append(
            block(
                "letter_no_consequences",
                "De brief zegt niet wat er gebeurt als de klant niet betaalt.",
                "The letter does not state the consequences of not paying.",
            )
        )
    expected = collection_costs(content.principal, vat=content.vat, scale=scale)
    if content.stated_costs is None:
        checks.append(
            block(
                "letter_costs_not_stated",
                "De brief noemt niet het precieze bedrag aan kosten.",
                "The letter does not state the exact amount of collection costs.",
                expected=expected,
            )
        )
    elif content.stated_costs != expected:
        checks.append(
            block(
                "letter_costs_wrong_amount",
                f"De brief noemt {eur_nl(content.stated_costs)} kosten. "
                f"Dat moet {eur_nl(expected)} zijn.",
                f"The letter states {eur_en(content.stated_costs)} costs; the WIK amount is "
                f"{eur_en(expected)}.",
                stated=content.stated_costs,
                expected=expected,
            )
        )
    if content.term_wording is TermWording.AFTER_LETTER_DATE:
        checks.append(
            block(
                "letter_term_from_letter_date",
                "De termijn telt vanaf de datum van de brief. Dat mag niet: "
                "hij begint de dag na ontvangst.",
                "The term runs from the letter date; it must start the day after receipt "
                "(HR 25-11-2016, ECLI:NL:HR:2016:2704).",
            )
        )
    elif content.term_days < TERM_DAYS:
        checks.append(
            block(
                "letter_term_too_short",
                f"De klant krijgt {content.term_days} dagen. Dat moet minstens 14 dagen zijn.",
                f"The term is {content.term_days} days; at least 14 are required.",
            )
        )
    if content.term_wording is TermWording.FIXED_DATE:
        if content.pay_by is None or sent_on is None:
            checks.append(
                block(
                    "letter_pay_by_unknown",
                    "De brief noemt een betaaldatum, maar die is niet te controleren.",
                    "A fixed pay-by date is used but it or the send date is missing.",
                )
            )
        else:
            earliest = letter_deadline(
                sent_on, postal_days=postal_days, holidays=holidays, extend_to_working_day=False
            )
            if content.pay_by < earliest:
                checks.append(
                    block(
                        "letter_pay_by_too_early",
                        f"De betaaldatum moet op of na {date_nl(earliest)} liggen.",
                        f"The pay-by date must be on or after {earliest.isoformat()}.",
                        earliest=earliest,
                    )
                )
    return combine(
        checks,
        code="letter_valid",
        nl="De brief voldoet aan de wet.",
        en="The 14-day letter meets art. 6:96(6) BW.",
        expected_costs=expected,
    )


def costs_allowed(
    letter: SentLetter | None,
    *,
    today: date,
    principal: Decimal,
    paid_within_term: Decimal = Decimal(0),
    postal_days: int = POSTAL_DAYS,
    holidays: HolidayCheck = is_dutch_public_holiday,
    scale: WikScale = DEFAULT_SCALE,
) -> Decision:
    """May WIK costs be charged today, and how much (``evidence["amount"]``)?

    ``principal`` is the principal of the claims named in the letter that was open when the
    letter was sent; ``paid_within_term`` what was paid on it up to and including the last
    day of the term. Costs are never more than the letter stated (the letter's principal
    caps the base).
    """
    if letter is None:
        return block(
            "wik_no_valid_letter",
            "Er is geen veertiendagenbrief verstuurd. Er mogen geen kosten bij.",
            "No 14-day letter was sent, so no collection costs may be charged.",
            amount=Decimal(0),
        )
    content = letter_content_decision(
        letter.content,
        scale=scale,
        sent_on=letter.sent_on,
        postal_days=postal_days,
        holidays=holidays,
    )
    if content.blocked:
        return Decision(
            False,
            "wik_no_valid_letter",
            "De veertiendagenbrief klopt niet. Er mogen geen kosten bij.",
            "The 14-day letter is not valid, so no collection costs may be charged.",
            {"amount": Decimal(0), "letter_problems": content.blocking_codes()},
            (content,),
        )
    deadline = letter_deadline(letter.sent_on, postal_days=postal_days, holidays=holidays)
    if letter.content.term_wording is TermWording.FIXED_DATE and letter.content.pay_by:
        deadline = max(deadline, letter.content.pay_by)
    if today <= deadline:
        return block(
            "wik_term_running",
            f"De klant mag nog betalen tot en met {date_nl(deadline)}. Nog geen kosten.",
            f"The 14-day term runs until {deadline.isoformat()}; no costs yet.",
            amount=Decimal(0),
            deadline=deadline,
        )
    base = min(principal, letter.content.principal) - paid_within_term
    if base <= 0:
        return block(
            "wik_paid_within_term",
            "De klant heeft op tijd betaald. Er komen geen kosten bij.",
            "The debtor paid within the term; no collection costs.",
            amount=Decimal(0),
            deadline=deadline,
        )
    amount = collection_costs(base, vat=letter.content.vat, scale=scale)
    return allow(
        "wik_costs_allowed",
        f"De termijn is voorbij. Er mag {eur_nl(amount)} aan kosten bij.",
        f"The term has passed; {eur_en(amount)} costs may be charged on {eur_en(base)} unpaid.",
        amount=amount,
        base=base,
        deadline=deadline,
    )
