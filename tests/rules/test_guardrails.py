"""check_action: the composition the engine calls."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.rules.facts_helpers import TODAY, complete
from vangnet.rules.actions import ActionType
from vangnet.rules.contact import ContactRecord
from vangnet.rules.facts import CaseFacts, Sector
from vangnet.rules.fourteen_day_letter import LetterContent, SentLetter, TermWording
from vangnet.rules.guardrails import CaseContext, ProposedAction, check_action
from vangnet.rules.holds import Hold, HoldType

AMS = ZoneInfo("Europe/Amsterdam")
A = ActionType
NOON = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=AMS)  # Wed 15 May 2024
D = Decimal


def letter(**kw):
    return LetterContent(principal=D("1000"), stated_costs=D("150.00"), **kw)


def ctx(sector=Sector.RENT, **kw):
    return CaseContext(facts=complete(sector), **kw)


def test_plain_message_allowed():
    d = check_action(ProposedAction(A.MESSAGE, NOON), ctx())
    assert d.allowed and d.code == "action_allowed"
    assert d.codes()[:3] == ("action_allowed", "no_active_hold", "contact_allowed")


def test_hold_wins_over_everything():
    context = ctx(holds=(Hold(HoldType.DECEASED, date(2024, 1, 1)),))
    night = datetime(2024, 5, 15, 23, tzinfo=AMS)
    d = check_action(ProposedAction(A.MESSAGE, night), context)
    assert d.code == "hold_deceased"
    assert "quiet_hours" in d.codes()  # all evaluated reasons kept


def test_message_in_quiet_hours_and_frequency():
    d = check_action(ProposedAction(A.MESSAGE, datetime(2024, 5, 15, 6, tzinfo=AMS)), ctx())
    assert d.code == "quiet_hours"
    sent = ContactRecord(datetime(2024, 5, 15, 9, tzinfo=AMS), A.MESSAGE)
    d = check_action(ProposedAction(A.MESSAGE, NOON), ctx(contact_history=(sent,)))
    assert d.code == "frequency_day_cap"


def test_fourteen_day_letter_content_checked():
    assert check_action(ProposedAction(A.FOURTEEN_DAY_LETTER, NOON), ctx()).code == (
        "letter_content_missing"
    )
    bad = letter(term_wording=TermWording.AFTER_LETTER_DATE)
    d = check_action(ProposedAction(A.FOURTEEN_DAY_LETTER, NOON, letter_content=bad), ctx())
    assert d.code == "letter_term_from_letter_date"
    d = check_action(ProposedAction(A.FOURTEEN_DAY_LETTER, NOON, letter_content=letter()), ctx())
    assert d.allowed


def test_charge_costs_needs_letter_and_passed_deadline():
    assert check_action(ProposedAction(A.CHARGE_COSTS, NOON), ctx()).code == "wik_no_valid_letter"
    sent = SentLetter(letter(), date(2024, 5, 1))  # receipt Fri 3 May, deadline Fri 17 May
    context = ctx(letter=sent, principal=D("1000"))
    assert check_action(ProposedAction(A.CHARGE_COSTS, NOON), context).code == "wik_term_running"
    later = datetime(2024, 5, 21, 12, tzinfo=AMS)
    d = check_action(ProposedAction(A.CHARGE_COSTS, later), context)
    assert d.allowed
    costs = next(r for r in d.walk() if r.code == "wik_costs_allowed")
    assert costs.evidence["amount"] == D("150.00")


def test_charge_costs_ignores_quiet_hours():
    sent = SentLetter(letter(), date(2024, 5, 1))
    sunday_night = datetime(2024, 5, 26, 23, tzinfo=AMS)
    d = check_action(
        ProposedAction(A.CHARGE_COSTS, sunday_night), ctx(letter=sent, principal=D(1000))
    )
    assert d.allowed


@pytest.mark.parametrize("sector", [Sector.RENT, Sector.ENERGY, Sector.DRINKING_WATER])
def test_signal(sector):
    assert check_action(ProposedAction(A.SIGNAL, NOON), ctx(sector)).allowed
    blocked = CaseContext(facts=CaseFacts(sector=sector))
    assert check_action(ProposedAction(A.SIGNAL, NOON), blocked).blocked


def test_disconnection_and_winter_stop():
    assert check_action(ProposedAction(A.DISCONNECTION_REQUEST, NOON), ctx(Sector.ENERGY)).allowed
    winter = datetime(2024, 11, 5, 12, tzinfo=AMS)
    d = check_action(ProposedAction(A.DISCONNECTION_REQUEST, winter), ctx(Sector.ENERGY))
    assert d.code == "winter_stop"
    medical = ctx(Sector.DRINKING_WATER, holds=(Hold(HoldType.MEDICAL_NECESSITY, TODAY),))
    d = check_action(ProposedAction(A.DISCONNECTION_REQUEST, NOON), medical)
    assert d.code == "hold_medical_necessity"
    assert check_action(ProposedAction(A.MESSAGE, NOON), medical).allowed


def test_eviction():
    assert check_action(ProposedAction(A.EVICTION_REQUEST, NOON), ctx()).code == ("action_allowed")
    assert check_action(ProposedAction(A.EVICTION_REQUEST, NOON), ctx(Sector.ENERGY)).code == (
        "eviction_not_applicable"
    )


def test_handover_needs_contact_effort():
    bare = CaseContext(facts=CaseFacts(sector=Sector.OTHER))
    assert check_action(ProposedAction(A.HANDOVER, NOON), bare).code == (
        "handover_no_contact_effort"
    )
    assert check_action(ProposedAction(A.HANDOVER, NOON), ctx()).allowed


def test_naive_moment_rejected():
    with pytest.raises(ValueError):
        check_action(ProposedAction(A.REFERRAL, datetime(2024, 5, 15, 12)), ctx())
