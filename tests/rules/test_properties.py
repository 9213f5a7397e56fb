"""Property-based tests: no journey configuration can get past the guardrails.

For arbitrary case contexts and proposed actions (any action type, holds, dates across
years, letter states and evidence), ``check_action`` never allows:

- ``charge_costs`` without a valid 14-day letter whose deadline has passed;
- ``disconnection_request`` outside water/energy, without the sector prerequisites, with
  medical necessity, or (energy) inside the winter period;
- an action that an active hold forbids;
- a contact action at a quiet moment (before 08:00 / 07:30 for visits, from 21:00, Sundays,
  Dutch public holidays);

and every decision in the tree carries a non-empty code, Dutch and English text.
Set VANGNET_PROPERTY_EXAMPLES (default 200 per property) for a longer run.
The oracles below are written independently of the rules where that is practical.
"""

from __future__ import annotations

import os
from dataclasses import fields, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from vangnet.rules.actions import ActionType
from vangnet.rules.calendar_nl import dutch_public_holidays
from vangnet.rules.contact import ContactRecord, ContactWindow
from vangnet.rules.decision import Decision
from vangnet.rules.facts import CaseFacts, Channel, ContactAttempt, Sector, WrittenReminder
from vangnet.rules.fourteen_day_letter import LetterContent, SentLetter, TermWording
from vangnet.rules.guardrails import CaseContext, ProposedAction, check_action
from vangnet.rules.holds import HOLD_ALLOWS, Hold, HoldType
from vangnet.rules.wik import collection_costs

AMS = ZoneInfo("Europe/Amsterdam")
A = ActionType
D = Decimal

days = st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31))
moments = st.datetimes(
    min_value=datetime(2019, 1, 1),
    max_value=datetime(2031, 12, 31),
    timezones=st.sampled_from([AMS, ZoneInfo("UTC"), ZoneInfo("America/New_York")]),
    allow_imaginary=False,
)
money = st.decimals(min_value=0, max_value=50_000, places=2, allow_nan=False, allow_infinity=False)
mostly_true = st.sampled_from([True, True, True, False])


@st.composite
def near(draw, anchor: date, before: int = 200, after: int = 20) -> date:
    return anchor + timedelta(days=draw(st.integers(-before, after)))


@st.composite
def reminders(draw, anchor: date) -> WrittenReminder:
    return WrittenReminder(
        sent_on=draw(near(anchor)),
        payment_term_days=draw(st.sampled_from([7, 13, 14, 14, 21])),
        points_to_help=draw(mostly_true),
        offers_data_sharing=draw(mostly_true),
        states_medical_exception=draw(mostly_true),
    )


@st.composite
def random_facts(draw, anchor: date, sectors: tuple[Sector, ...] = tuple(Sector)) -> CaseFacts:
    maybe_day = st.one_of(st.none(), near(anchor))
    return CaseFacts(
        sector=draw(st.sampled_from(sectors)),
        arrears_since=draw(maybe_day),
        arrears_amount=draw(money),
        reminders=tuple(draw(st.lists(reminders(anchor), max_size=5))),
        contact_attempts=tuple(
            draw(
                st.lists(
                    st.builds(
                        ContactAttempt, near(anchor), st.sampled_from(Channel), st.booleans()
                    ),
                    max_size=5,
                )
            )
        ),
        plan_offered=draw(mostly_true),
        objection_registered=draw(st.booleans()),
        municipal_minimum=draw(st.one_of(st.none(), money)),
        signal_sent_on=draw(maybe_day),
        planned_disconnection_on=draw(st.one_of(st.none(), near(anchor, 5, 120))),
        announcement_sent_on=draw(maybe_day),
        announcement_mentions_water_containers=draw(mostly_true),
        medical_statement=draw(st.booleans()),
        serious_health_risk=draw(st.booleans()),
        debt_help_request_pending=draw(st.booleans()),
        end_of_supply_signal_on=draw(maybe_day),
        minors_in_household=draw(st.booleans()),
        court_order=draw(mostly_true),
        monthly_rent=draw(st.one_of(st.none(), money)),
        human_approved=draw(mostly_true),
    )


@st.composite
def near_complete_facts(
    draw, anchor: date, sectors: tuple[Sector, ...] = tuple(Sector)
) -> CaseFacts:
    """Facts meeting every precondition on ``anchor``, then a few fields swapped for random
    values — so the "allowed" side of each property is actually exercised."""
    complete = CaseFacts(
        sector=draw(st.sampled_from(sectors)),
        arrears_since=anchor - timedelta(days=draw(st.integers(30, 400))),
        arrears_amount=D("900"),
        reminders=tuple(
            WrittenReminder(anchor - timedelta(days=n), 14, True, True, True) for n in (90, 70, 50)
        ),
        contact_attempts=(
            ContactAttempt(anchor - timedelta(days=40), Channel.PHONE),
            ContactAttempt(anchor - timedelta(days=35), Channel.SMS),
        ),
        plan_offered=True,
        signal_sent_on=anchor - timedelta(days=30),
        planned_disconnection_on=anchor + timedelta(days=draw(st.integers(0, 60))),
        announcement_sent_on=anchor - timedelta(days=10),
        announcement_mentions_water_containers=True,
        end_of_supply_signal_on=anchor - timedelta(days=draw(st.integers(0, 60))),
        court_order=True,
        monthly_rent=D("300"),
        human_approved=True,
    )
    noise = draw(random_facts(anchor))
    swap = draw(st.sets(st.sampled_from([f.name for f in fields(CaseFacts)]), max_size=2))
    return replace(complete, **{name: getattr(noise, name) for name in swap if name != "sector"})


def facts(anchor: date, sectors: tuple[Sector, ...]) -> st.SearchStrategy[CaseFacts]:
    return st.one_of(random_facts(anchor, sectors), near_complete_facts(anchor, sectors))


@st.composite
def letters(draw, anchor: date) -> SentLetter | None:
    if draw(st.integers(0, 4)) == 0:
        return None
    principal = draw(money)
    vat = draw(st.booleans())
    right = collection_costs(principal, vat=vat)
    if draw(st.booleans()):  # a tidy, valid letter posted some days or weeks ago
        tidy = LetterContent(principal=principal, stated_costs=right, vat=vat)
        return SentLetter(tidy, anchor - timedelta(days=draw(st.integers(0, 40))))
    stated = draw(st.sampled_from([right, right, right, None, right + D("0.01"), D("40.00")]))
    content = LetterContent(
        principal=principal,
        stated_costs=stated,
        default_established=draw(mostly_true),
        consequences_stated=draw(mostly_true),
        term_days=draw(st.sampled_from([14, 14, 10, 21])),
        term_wording=draw(st.sampled_from(TermWording)),
        vat=vat,
        pay_by=draw(st.one_of(st.none(), near(anchor, 60, 60))),
    )
    return SentLetter(content, draw(near(anchor, 60, 5)))


@st.composite
def scenarios(
    draw, sectors: tuple[Sector, ...] = tuple(Sector)
) -> tuple[ProposedAction, CaseContext]:
    at = draw(moments)
    anchor = at.astimezone(AMS).date()
    action = ProposedAction(
        action=draw(st.sampled_from(ActionType)),
        at=at,
        letter_content=draw(st.one_of(st.none(), letters(anchor).map(lambda s: s and s.content))),
    )
    holds = tuple(
        draw(
            st.one_of(
                st.just([]),
                st.lists(
                    st.builds(
                        Hold,
                        st.sampled_from(HoldType),
                        near(anchor, 60, 10),
                        st.one_of(st.none(), near(anchor, 10, 60)),
                    ),
                    max_size=3,
                ),
            )
        )
    )
    history = tuple(
        draw(
            st.lists(
                st.builds(
                    ContactRecord,
                    st.builds(
                        lambda base, minutes: base + timedelta(minutes=minutes),
                        st.just(at),
                        st.integers(-15 * 24 * 60, 5 * 24 * 60),
                    ),
                    st.sampled_from(sorted(ActionType)),
                ),
                max_size=6,
            )
        )
    )
    window = draw(
        st.one_of(
            st.none(),
            st.builds(
                lambda h, span: ContactWindow(time(h), time(min(23, h + span), 59)),
                st.integers(6, 21),
                st.integers(0, 6),
            ),
        )
    )
    letter = draw(letters(anchor))
    context = CaseContext(
        facts=draw(facts(anchor, sectors)),
        holds=holds,
        letter=letter,
        principal=letter.content.principal if letter and draw(st.booleans()) else draw(money),
        paid_within_term=draw(st.one_of(st.just(D(0)), money)),
        contact_history=history,
        preferred_window=window,
    )
    return action, context


def assert_texts(decision: Decision) -> None:
    for d in decision.walk():
        assert d.code and d.nl.strip() and d.en.strip()


W, E = Sector.DRINKING_WATER, Sector.ENERGY
DISCONNECT_MIX = (W, E, W, E, W, E, *Sector)  # mostly the sectors that can disconnect
EVICT_MIX = (Sector.RENT,) * 4 + tuple(Sector)
PROPS = settings(
    max_examples=int(os.environ.get("VANGNET_PROPERTY_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPS
@given(scenarios())
def test_every_decision_explains_itself(scenario):
    action, context = scenario
    decision = check_action(action, context)
    assert_texts(decision)
    assert decision.allowed is all(d.allowed for d in decision.reasons)


@PROPS
@given(scenarios())
def test_no_action_that_a_hold_forbids(scenario):
    action, context = scenario
    decision = check_action(action, context)
    if decision.allowed:
        today = action.at.astimezone(AMS).date()
        for hold in context.holds:
            active = hold.start <= today and (hold.until is None or today <= hold.until)
            if active:
                assert action.action in HOLD_ALLOWS[hold.type], hold
                assert hold.type is not HoldType.DECEASED
                assert hold.type is not HoldType.DEBT_HELP_MORATORIUM or (
                    action.action is A.REFERRAL
                )


@PROPS
@given(scenarios().map(lambda s: (ProposedAction(A.CHARGE_COSTS, s[0].at), s[1])))
def test_no_costs_without_valid_letter_past_deadline(scenario):
    action, context = scenario
    decision = check_action(action, context)
    event(f"allowed={decision.allowed}")
    if not decision.allowed:
        return
    today = action.at.astimezone(AMS).date()
    letter = context.letter
    assert letter is not None
    c = letter.content
    assert c.default_established and c.consequences_stated
    assert c.term_wording is not TermWording.AFTER_LETTER_DATE
    assert c.stated_costs == collection_costs(c.principal, vat=c.vat)
    # at least 2 postal days + 14 days must have passed since posting
    assert today >= letter.sent_on + timedelta(days=17)
    if c.term_wording is TermWording.FIXED_DATE:
        assert c.pay_by is not None and today > c.pay_by
    else:
        assert c.term_days >= 14
    amounts = [d.evidence["amount"] for d in decision.walk() if d.code == "wik_costs_allowed"]
    assert amounts and D(0) < amounts[0] <= c.stated_costs


def _winter(day: date) -> bool:
    return day.month in (10, 11, 12, 1, 2, 3)


@PROPS
@given(
    scenarios(DISCONNECT_MIX).map(
        lambda s: (ProposedAction(A.DISCONNECTION_REQUEST, s[0].at), s[1])
    )
)
def test_no_disconnection_without_prerequisites(scenario):
    action, context = scenario
    decision = check_action(action, context)
    event(f"allowed={decision.allowed}")
    if not decision.allowed:
        return
    today = action.at.astimezone(AMS).date()
    f = context.facts
    assert f.sector in (Sector.DRINKING_WATER, Sector.ENERGY)
    assert not f.medical_statement and f.human_approved
    assert not any(
        h.type in (HoldType.MEDICAL_NECESSITY, HoldType.DECEASED)
        for h in context.holds
        if h.start <= today and (h.until is None or today <= h.until)
    )
    planned = f.planned_disconnection_on
    assert planned is not None and planned >= today
    reminders_so_far = [r for r in f.reminders if r.sent_on <= today]
    personal = [
        a
        for a in f.contact_attempts
        if a.on <= today and a.channel in (Channel.PHONE, Channel.VISIT)
    ]
    assert personal
    if f.sector is Sector.ENERGY:
        assert not _winter(today) and not _winter(planned)
        assert not f.serious_health_risk and not f.debt_help_request_pending and f.plan_offered
        assert len([r for r in reminders_so_far if r.payment_term_days >= 14]) >= 3
        assert f.end_of_supply_signal_on is not None
        # 20 working days are at least 28 calendar days
        assert planned >= f.end_of_supply_signal_on + timedelta(days=28)
    else:
        assert any(
            r.points_to_help and r.offers_data_sharing and r.states_medical_exception
            for r in reminders_so_far
        )
        assert f.signal_sent_on is not None and f.signal_sent_on <= today
        assert f.announcement_sent_on is not None and f.announcement_mentions_water_containers


@PROPS
@given(scenarios(EVICT_MIX).map(lambda s: (ProposedAction(A.EVICTION_REQUEST, s[0].at), s[1])))
def test_no_eviction_without_prerequisites(scenario):
    action, context = scenario
    decision = check_action(action, context)
    event(f"allowed={decision.allowed}")
    if not decision.allowed:
        return
    f = context.facts
    assert f.sector is Sector.RENT and f.court_order and f.plan_offered and f.human_approved
    assert f.monthly_rent and f.arrears_amount >= 3 * f.monthly_rent
    assert f.signal_sent_on is not None


@PROPS
@given(
    scenarios(),
    st.sampled_from([A.MESSAGE, A.CALL_TASK, A.VISIT_TASK]),
)
def test_no_contact_in_quiet_hours(scenario, kind):
    action, context = scenario
    decision = check_action(ProposedAction(kind, action.at), context)
    event(f"allowed={decision.allowed}")
    if not decision.allowed:
        return
    local = action.at.astimezone(AMS)
    assert local.weekday() != 6
    assert local.date() not in dutch_public_holidays(local.year)
    assert local.date() not in {date(local.year, 1, 1), date(local.year, 12, 25)}
    assert local.date() not in {date(local.year, 12, 26), date(local.year, 5, 5)}
    earliest = time(7, 30) if kind is A.VISIT_TASK else time(8)
    assert earliest <= local.time() < time(21)
    if context.preferred_window is not None:
        assert context.preferred_window.start <= local.time() < context.preferred_window.end


@PROPS
@given(scenarios())
def test_signal_only_with_evidence(scenario):
    action, context = scenario
    decision = check_action(ProposedAction(A.SIGNAL, action.at), context)
    event(f"allowed={decision.allowed}")
    if not decision.allowed:
        return
    f = context.facts
    today = action.at.astimezone(AMS).date()
    assume(f.arrears_since is not None)
    assert not f.objection_registered and f.sector is not Sector.OTHER
    assert f.arrears_since is not None and (today - f.arrears_since).days >= 30
    if f.sector is Sector.HEALTH_INSURANCE:
        assert (today - f.arrears_since).days <= 100
    assert any(r.sent_on <= today for r in f.reminders)
