"""The 14-day letter (art. 6:96 lid 6 BW; HR 25-11-2016, ECLI:NL:HR:2016:2704)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from vangnet.rules.fourteen_day_letter import (
    LetterContent,
    SentLetter,
    TermWording,
    costs_allowed,
    letter_content_decision,
    letter_deadline,
    letter_received_on,
)

D = Decimal


def good(principal: str = "1000", **kw) -> LetterContent:
    from vangnet.rules.wik import collection_costs

    vat = kw.get("vat", False)
    base = {"stated_costs": collection_costs(D(principal), vat=vat)}
    return LetterContent(principal=D(principal), **{**base, **kw})


class TestDeadline:
    def test_plain_week(self):
        # Fri 1 Mar 2024 + 2 working days = Tue 5 Mar (receipt); day 1 = 6 Mar; day 14 = 19 Mar
        assert letter_received_on(date(2024, 3, 1)) == date(2024, 3, 5)
        assert letter_deadline(date(2024, 3, 1)) == date(2024, 3, 19)

    def test_over_easter_monday(self):
        # Thu 28 Mar 2024: Fri 29 Mar (Good Friday is a working day), Mon 1 Apr holiday,
        # receipt Tue 2 Apr, deadline Tue 16 Apr.
        assert letter_deadline(date(2024, 3, 28)) == date(2024, 4, 16)

    def test_postal_days_configurable(self):
        assert letter_deadline(date(2024, 3, 1), postal_days=0) == date(2024, 3, 15)
        assert letter_deadline(date(2024, 3, 1), postal_days=3) == date(2024, 3, 20)

    def test_last_day_on_christmas_moves_to_next_working_day(self):
        # Mon 9 Dec 2024 → receipt Wed 11 Dec → day 14 = Wed 25 Dec (holiday) → Fri 27 Dec
        assert letter_deadline(date(2024, 12, 9)) == date(2024, 12, 27)
        assert letter_deadline(date(2024, 12, 9), extend_to_working_day=False) == date(2024, 12, 25)

    def test_custom_holidays(self):
        assert letter_deadline(date(2024, 3, 1), holidays=lambda d: d == date(2024, 3, 4)) == (
            date(2024, 3, 20)
        )


class TestContent:
    def test_valid(self):
        d = letter_content_decision(good())
        assert d.allowed and d.code == "letter_valid"
        assert d.evidence["expected_costs"] == D("150.00")

    def test_valid_with_vat(self):
        assert letter_content_decision(good(vat=True)).allowed

    def test_letter_date_wording_voids(self):
        d = letter_content_decision(good(term_wording=TermWording.AFTER_LETTER_DATE))
        assert d.code == "letter_term_from_letter_date"

    def test_each_missing_element_has_its_code(self):
        d = letter_content_decision(
            LetterContent(
                principal=D("1000"),
                stated_costs=None,
                default_established=False,
                consequences_stated=False,
                term_days=10,
            )
        )
        assert d.blocking_codes() == (
            "letter_no_default",
            "letter_no_consequences",
            "letter_costs_not_stated",
            "letter_term_too_short",
        )

    def test_wrong_amount(self):
        d = letter_content_decision(good(stated_costs=D("150.01")))
        assert d.code == "letter_costs_wrong_amount"
        assert "€ 150,01" in d.nl and "€ 150,00" in d.nl
        # VAT letter stating the amount without VAT is wrong too
        assert letter_content_decision(good(vat=True, stated_costs=D("150.00"))).blocked

    def test_fixed_pay_by_date(self):
        ok = good(term_wording=TermWording.FIXED_DATE, pay_by=date(2024, 3, 19))
        early = good(term_wording=TermWording.FIXED_DATE, pay_by=date(2024, 3, 18))
        assert letter_content_decision(ok, sent_on=date(2024, 3, 1)).allowed
        assert (
            letter_content_decision(early, sent_on=date(2024, 3, 1)).code
            == "letter_pay_by_too_early"
        )
        assert letter_content_decision(ok).code == "letter_pay_by_unknown"


class TestCostsAllowed:
    sent = date(2024, 3, 1)  # deadline 19 March 2024

    def test_no_letter(self):
        d = costs_allowed(None, today=date(2024, 6, 1), principal=D("1000"))
        assert d.code == "wik_no_valid_letter" and d.evidence["amount"] == 0

    def test_invalid_letter(self):
        letter = SentLetter(good(term_wording=TermWording.AFTER_LETTER_DATE), self.sent)
        d = costs_allowed(letter, today=date(2024, 6, 1), principal=D("1000"))
        assert d.code == "wik_no_valid_letter"
        assert d.evidence["letter_problems"] == ("letter_term_from_letter_date",)

    def test_term_running_up_to_and_including_deadline(self):
        letter = SentLetter(good(), self.sent)
        d = costs_allowed(letter, today=date(2024, 3, 19), principal=D("1000"))
        assert d.code == "wik_term_running" and d.evidence["deadline"] == date(2024, 3, 19)
        d = costs_allowed(letter, today=date(2024, 3, 20), principal=D("1000"))
        assert d.allowed and d.code == "wik_costs_allowed" and d.evidence["amount"] == D("150.00")

    def test_partial_payment_costs_on_unpaid_part(self):
        letter = SentLetter(good(), self.sent)
        d = costs_allowed(
            letter, today=date(2024, 4, 1), principal=D("1000"), paid_within_term=D("500")
        )
        assert d.evidence["amount"] == D("75.00") and d.evidence["base"] == D("500")
        d = costs_allowed(
            letter, today=date(2024, 4, 1), principal=D("1000"), paid_within_term=D("900")
        )
        assert d.evidence["amount"] == D("40.00")  # the minimum

    def test_paid_in_full(self):
        letter = SentLetter(good(), self.sent)
        d = costs_allowed(
            letter, today=date(2024, 4, 1), principal=D("1000"), paid_within_term=D("1000")
        )
        assert d.code == "wik_paid_within_term" and d.blocked

    def test_never_more_than_letter_stated(self):
        letter = SentLetter(good("1000"), self.sent)
        d = costs_allowed(letter, today=date(2024, 4, 1), principal=D("5000"))
        assert d.evidence["amount"] == D("150.00")
