"""plan_sends, assignments and rewards against the real database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pytest

from tests.ledger.factories import make_payment
from tests.messaging.engagement.conftest import AMS, TUESDAY, make_case
from vangnet.core.errors import Invalid
from vangnet.core.models import AuditEvent
from vangnet.messaging.engagement.experiments import (
    SendRequest,
    assignment_record,
    assignments_cancel,
    assignments_mark_sent,
    experiment_create,
    experiment_stop,
    plan_sends,
    reward_credit,
    rewards_refresh,
)
from vangnet.messaging.engagement.models import ArmStat, Assignment
from vangnet.rules.send_window import next_allowed

pytestmark = pytest.mark.django_db
HOURS = ["8", "10", "12", "14", "16", "18", "20"]


def req(case_id=1, **over) -> SendRequest:
    values = dict(
        case_id=case_id,
        person_id=None,
        segment="standaard",
        channel="sms",
        template_code="herinnering-1",
        variants=["A", "B"],
        earliest=TUESDAY,
        window=None,
    )
    values.update(over)
    return SendRequest(**values)


def tally(experiment) -> dict[str, tuple[int, int]]:
    return {s.arm: (s.successes, s.trials) for s in ArmStat.objects.filter(experiment=experiment)}


def test_without_experiments_first_variant_and_the_send_window(organisation):
    sunday = datetime(2026, 3, 8, 22, 0, tzinfo=AMS)
    plans = plan_sends(
        organisation_id=organisation.pk,
        requests=[req(earliest=sunday), req(variants=[], channel="email", earliest=sunday)],
        now=sunday,
    )
    assert plans[0].variant == "A" and plans[0].arms == () and plans[0].hour is None
    assert plans[0].send_at == datetime(2026, 3, 9, 8, 0, tzinfo=AMS)
    assert plans[1].variant == "" and plans[1].send_at == sunday  # e-mail any time


def test_experiment_create_validates_and_audits(organisation):
    exp = experiment_create(
        organisation_id=organisation.pk, kind="variant", arms=["A", "B"], now=TUESDAY
    )
    assert tally(exp) == {"A": (0, 0), "B": (0, 0)}
    assert AuditEvent.objects.filter(action="experiment_create", object_id=str(exp.pk)).exists()
    with pytest.raises(Invalid, match="loopt al"):
        experiment_create(
            organisation_id=organisation.pk, kind="variant", arms=["A", "C"], now=TUESDAY
        )
    with pytest.raises(Invalid, match="hele uren"):
        experiment_create(
            organisation_id=organisation.pk, kind="send_hour", arms=["8", "25"], now=TUESDAY
        )
    with pytest.raises(Invalid, match="twee"):
        experiment_create(
            organisation_id=organisation.pk, kind="variant", arms=["A", "A"], now=TUESDAY
        )
    experiment_stop(experiment_id=exp.pk, now=TUESDAY)
    again = experiment_create(
        organisation_id=organisation.pk, kind="variant", arms=["A", "C"], now=TUESDAY
    )
    assert again.active


def test_variant_and_hour_chosen_within_what_the_request_allows(organisation):
    variant = experiment_create(
        organisation_id=organisation.pk,
        kind="variant",
        arms=["A", "B", "C"],
        now=TUESDAY,
        template_code="herinnering-1",
    )
    hour = experiment_create(
        organisation_id=organisation.pk, kind="send_hour", arms=HOURS, now=TUESDAY
    )
    requests = [req(case_id=i) for i in range(200)]
    requests += [
        req(case_id=1000 + i, variants=["B"], window=(time(18), time(20))) for i in range(50)
    ]
    requests += [req(case_id=2000, template_code="other")]
    plans = plan_sends(
        organisation_id=organisation.pk,
        requests=requests,
        now=TUESDAY,
        rng=np.random.default_rng(7),
    )
    assert len(plans) == len(requests)
    free, evening, other = plans[:200], plans[200:250], plans[250]
    assert {p.variant for p in free} == {"A", "B"}  # C is never offered
    assert {p.hour for p in free} == {int(h) for h in HOURS}
    for p in free:
        local = p.send_at.astimezone(AMS)
        assert local.date() == date(2026, 3, 10) and local.hour == p.hour and local.minute == 0
        assert set(p.experiment_ids) == {variant.pk, hour.pk}
        assert dict(p.arms)[variant.pk] == p.variant
    for p in evening:
        assert p.variant == "B" and p.hour == 18  # 20:00 is the window's end
        assert p.send_at == datetime(2026, 3, 10, 18, 0, tzinfo=AMS)
    assert other.variant == "A" and other.experiment_ids == (hour.pk,)
    # Same seed, same plans.
    again = plan_sends(
        organisation_id=organisation.pk,
        requests=requests,
        now=TUESDAY,
        rng=np.random.default_rng(7),
    )
    assert [(p.variant, p.send_at) for p in again] == [(p.variant, p.send_at) for p in plans]


def test_hour_arms_respect_sundays_and_holidays(organisation):
    experiment_create(organisation_id=organisation.pk, kind="send_hour", arms=HOURS, now=TUESDAY)
    kings_day = datetime(2026, 4, 27, 0, 0, tzinfo=AMS)  # Monday, Koningsdag
    plans = plan_sends(
        organisation_id=organisation.pk,
        requests=[req(case_id=i, earliest=kings_day) for i in range(30)],
        now=kings_day,
        rng=np.random.default_rng(1),
    )
    for p in plans:
        local = p.send_at.astimezone(AMS)
        assert local.date() == date(2026, 4, 28) and local.hour == p.hour
        assert p.reason == "public_holiday"


def test_a_past_earliest_is_planned_from_now(organisation):
    now = datetime(2026, 3, 10, 15, 30, tzinfo=AMS)
    plans = plan_sends(organisation_id=organisation.pk, requests=[req()], now=now)
    assert plans[0].send_at == next_allowed(channel="sms", desired=now).at == now


def _record(organisation, cases, *, arms=("A", "B")):
    exp = experiment_create(
        organisation_id=organisation.pk, kind="variant", arms=list(arms), now=TUESDAY
    )
    plans = plan_sends(
        organisation_id=organisation.pk,
        requests=[req(case_id=c.pk, earliest=TUESDAY + timedelta(hours=10)) for c in cases],
        now=TUESDAY,
        rng=np.random.default_rng(3),
    )
    n = assignment_record(
        plans=plans, now=TUESDAY, outbox_message_ids=[500 + i for i in range(len(cases))]
    )
    assert n == len(cases)
    return exp, plans


def test_rewards_are_counted_once_after_their_window(organisation):
    cases = [make_case(organisation) for _ in range(4)]
    exp, plans = _record(organisation, cases)
    sent = TUESDAY + timedelta(hours=10)
    # Message 500 is clicked after 3 hours; 501 after 3 days (too late).
    assert (
        reward_credit(at=sent + timedelta(hours=3), source="click", outbox_message_ids=[500]) == 1
    )
    assert reward_credit(at=sent + timedelta(days=3), source="click", outbox_message_ids=[501]) == 0
    # A second click on 500 changes nothing.
    assert (
        reward_credit(at=sent + timedelta(hours=5), source="click", outbox_message_ids=[500]) == 0
    )

    early = rewards_refresh(now=sent + timedelta(hours=6))
    assert (early.counted, early.successes) == (1, 1)  # only the rewarded one so far
    arm0 = plans[0].variant
    assert tally(exp)[arm0][0] == 1

    late = rewards_refresh(now=sent + timedelta(hours=49))
    assert (late.counted, late.successes) == (3, 0)
    assert sum(t for _s, t in tally(exp).values()) == 4
    assert sum(s for s, _t in tally(exp).values()) == 1
    assert rewards_refresh(now=sent + timedelta(days=10)).counted == 0  # re-run: nothing


def test_payment_within_48_hours_is_a_reward_direct_debit_is_not(organisation):
    cases = [make_case(organisation) for _ in range(3)]
    _exp, _plans = _record(organisation, cases)
    make_payment(cases[0].account, 1000, date(2026, 3, 11))  # the next day: reward
    make_payment(cases[1].account, 1000, date(2026, 3, 20))  # too late
    debit = make_payment(cases[2].account, 1000, date(2026, 3, 11))
    debit.source = "direct_debit"
    debit.save()
    result = rewards_refresh(now=datetime(2026, 3, 14, tzinfo=AMS))
    assert result.paid == 1 and result.counted == 3 and result.successes == 1
    rewarded = Assignment.objects.get(rewarded=True)
    assert rewarded.case_id == cases[0].pk and rewarded.reward_source == "payment"


def test_sent_at_moves_the_window_and_cancelled_messages_are_no_trial(organisation):
    cases = [make_case(organisation) for _ in range(2)]
    exp, _plans = _record(organisation, cases)
    later = TUESDAY + timedelta(days=2)
    assert assignments_mark_sent(sent_at=later, outbox_message_ids=[500]) == 1
    assert assignments_cancel(outbox_message_ids=[501]) == 1
    # Planned Tuesday 10:00, really sent Thursday: not closed on Thursday evening.
    assert rewards_refresh(now=later + timedelta(hours=20)).counted == 0
    assert (
        reward_credit(at=later + timedelta(hours=30), source="portal", case_ids=[cases[0].pk]) == 1
    )
    result = rewards_refresh(now=later + timedelta(hours=31))
    assert (result.counted, result.successes) == (1, 1)
    assert sum(t for _s, t in tally(exp).values()) == 1


def test_bad_input(organisation):
    with pytest.raises(ValueError, match="one entry per plan"):
        assignment_record(plans=[], now=TUESDAY, outbox_message_ids=[1])
    with pytest.raises(ValueError, match="unknown reward source"):
        reward_credit(at=TUESDAY, source="telepathy", case_ids=[1])
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_sends(
            organisation_id=organisation.pk,
            requests=[req(earliest=datetime(2026, 3, 10))],
            now=TUESDAY,
        )
