"""How a simulated person reacts to one contact: reached or not, and what they then do.

The strategy simulator delivers every action the daily run planned and asks this module,
for all contacts of a day at once (numpy, one seeded generator), what happens:

1. **reached** — a two-way contact: the phone is answered, the door opened, a message
   or letter answered, the municipality gets through after a signal. The chance is the
   channel-and-hour curve of ``responsiveness.response_probability`` (age-adjusted)
   times the household's personal responsiveness, times its engagement (behaviour
   type), times fatigue (many contacts wear off) and ``1 - avoidance`` (shame).
2. **noticed** — a written message is read without an answer. Reading alone can make
   someone pay (the "forgot it" effect) or use a plan link, but never leads to a
   conversation.
3. **outcome** — for a reached or noticed person, one of: pay in full, pay part, ask for
   a payment plan, accept help (a referral), or nothing. The probabilities depend on
   the behaviour type (can pay / cannot pay / will not pay), on whether there was a
   conversation, on what the message offers (a plan link, help) and on its tone.
4. **avoidance** — a threatening message (a 14-day letter, a disconnection announcement:
   templates stating consequences) makes people who *cannot* pay (income shock,
   chronic arrears, vulnerable) more ashamed and less reachable afterwards; a friendly
   message that points to help lowers it a little. People who *can* pay are nudged to
   pay by the same threat.
5. **promise kept** — whether the announced payment really arrives (on the next pay day,
   or within two days when pay day was less than a week ago).

Nothing here knows which journey is running: the differences between journeys come from
which channels, hours, tones and offers their actions have. All numbers are assumptions
calibrated against the few public figures we have (docs/simulation.md; DOMAIN.md: reach
by method written-only 6 %, phone 59 %, home visit 46 %; a simplified 14-day letter raised
contact from 11 % to 16 %) and marked [verify] there.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from vangnet.parties.constants import Channel
from vangnet.simulation.behaviour import BehaviourKind
from vangnet.simulation.responsiveness import _AGE_FACTOR, _HOURLY, hour_affinity

# Behaviour types as small integers (row index of the tables below).
KINDS: tuple[BehaviourKind, ...] = (
    BehaviourKind.ON_TIME,
    BehaviourKind.SOMETIMES_LATE,
    BehaviourKind.INCOME_SHOCK,
    BehaviourKind.CHRONIC_ARREARS,
    BehaviourKind.WONT_PAY,
    BehaviourKind.VULNERABLE,
)
KIND_INDEX: dict[str, int] = {k.value: i for i, k in enumerate(KINDS)}
# "Cannot pay" types: a threat shames them instead of making them pay.
HARDSHIP_KINDS = np.array([False, False, True, True, False, True])

# Channels as small integers; the municipality is the channel of an early signal.
MUNICIPALITY = "municipality"
CHANNELS: tuple[str, ...] = (
    Channel.EMAIL,
    Channel.SMS,
    Channel.WHATSAPP,
    Channel.LETTER,
    Channel.PHONE,
    Channel.VISIT,
    MUNICIPALITY,
)
CHANNEL_INDEX: dict[str, int] = {str(c): i for i, c in enumerate(CHANNELS)}
WRITTEN = np.array([True, True, True, True, False, False, False])
# Messages read on a screen, whose send hour and wording the bandit experiments with.
DIGITAL = np.array([True, True, True, False, False, False, False])
PERSONAL = np.array([False, False, False, False, True, True, False])

# Hourly reach per channel (rows as CHANNELS, 24 columns); the municipality's reach
# after a signal is flat: about 1 in 5 signals leads to contact (Divosa 2023).
SIGNAL_REACH = 0.20
_HOURLY_TABLE = np.array(
    [_HOURLY[str(c)] for c in CHANNELS[:-1]] + [(SIGNAL_REACH,) * 24], dtype=float
)
_AGE_TABLE = np.array([_AGE_FACTOR[str(c)] for c in CHANNELS[:-1]] + [(1.0, 1.0, 1.0)])

# A 14-day letter is a formal letter that gets more replies than a plain reminder: 11 %
# contact for the classic letter, 16 % for the simplified one that points to help
# (HvA / De Key, DOMAIN.md). The help factor applies to every written message that
# points to help.
FORMAL_LETTER_REACH = 0.11
HELP_POINTER_FACTOR = 16 / 11

# An ordinary written message (e-mail, SMS, WhatsApp, letter) gets a reply less often
# than the hourly curves of ``responsiveness`` suggest for a single "response": scaled so
# that cases with only written contact end up near the monitor's 6 % reach over a whole
# journey of several messages (calibrated on a 5,000-household run, docs/simulation.md).
WRITTEN_REPLY = 0.4
# A call task is worked as a short series: the planned hour and, without an answer, one
# retry two hours later the same day (usual contact-centre practice) [verify].
CALL_RETRY_HOURS = 2

# Chance that a written message is read at all (email 0.5 …) [verify: open rates].
NOTICE = np.array([0.50, 0.80, 0.85, 0.80, 0.0, 0.0, 0.0])

# Engagement per behaviour type: multiplier on reach (won't pay avoids contact).
ENGAGEMENT = np.array([1.0, 0.9, 0.9, 0.8, 0.3, 0.7])
# Avoidance (shame) a household starts with, and its ceiling.
AVOIDANCE_START = np.array([0.0, 0.0, 0.10, 0.15, 0.50, 0.20])
AVOIDANCE_MAX = 0.8
THREAT_AVOIDANCE = 0.25  # added per threatening contact for "cannot pay" types
FRIENDLY_RELIEF = 0.05  # removed per friendly contact that points to help
# Fatigue: each contact after the third reaches 10 % less.
FATIGUE_FREE = 3
FATIGUE = 0.9


class Outcome(enum.IntEnum):
    NOTHING = 0
    PAY_FULL = 1
    PAY_PART = 2
    PLAN = 3
    HELP = 4


class Tone(enum.IntEnum):
    FRIENDLY = 0  # social journeys: no threat, often points to help
    NEUTRAL = 1  # a plain reminder
    THREATENING = 2  # states consequences: costs, disconnection, hand-over


# Outcome probabilities [pay full, pay part, plan, help] per behaviour type, after a
# message was only read (SILENT) and after a conversation (TALKED). The rest is "nothing".
SILENT = np.array(
    [
        [0.85, 0.05, 0.00, 0.00],  # on time: forgot, pays
        [0.55, 0.10, 0.02, 0.00],  # sometimes late
        [0.08, 0.20, 0.04, 0.01],  # income shock (during the shock)
        [0.06, 0.20, 0.03, 0.01],  # chronic arrears
        [0.02, 0.02, 0.00, 0.00],  # won't pay
        [0.03, 0.15, 0.02, 0.02],  # vulnerable
    ]
)
TALKED = np.array(
    [
        [0.85, 0.10, 0.03, 0.00],
        [0.65, 0.15, 0.10, 0.01],
        [0.12, 0.20, 0.35, 0.12],
        [0.08, 0.22, 0.35, 0.12],
        [0.05, 0.05, 0.10, 0.00],
        [0.04, 0.15, 0.25, 0.30],
    ]
)
PLAN_LINK_FACTOR = 4.0  # a plan offer with a self-service link, read: plan ×4
HELP_OFFER_FACTOR = 2.0  # a message or call that offers help: help ×2 (cannot-pay types)
THREAT_PAY_CAN = 1.3  # a threat makes those who can pay pay more often …
THREAT_PAY_CANNOT = 0.8  # … and those who cannot pay less (panic, avoidance)
THREAT_HELP_CANNOT = 0.5  # and halves their asking for help
# Promise kept: the announced payment really arrives.
PROMISE_KEPT = np.array([0.98, 0.90, 0.75, 0.65, 0.30, 0.60])
# Money left: pay at once when pay day was at most this many days ago, else on the next.
PAY_NOW_DAYS = 5
# Plan instalments kept, per instalment; help (debt counselling) makes plans firmer.
INSTALMENT_KEPT = np.array([0.99, 0.95, 0.90, 0.86, 0.55, 0.85])
HELPED_INSTALMENT_BONUS = 0.08

# Template variants in the simulator's A/B test: variant B (shorter, with the pay link at
# the top) gets 15 % more replies than A [verify: an assumption that gives the bandit a
# real but modest difference to find].
VARIANT_LIFT: dict[str, float] = {"A": 1.0, "B": 1.15}


@dataclass
class Contacts:
    """One day's contacts, one element per delivered action (numpy arrays)."""

    kind: np.ndarray  # int, index into KINDS (a recovered income shock counts as 1)
    channel: np.ndarray  # int, index into CHANNELS
    hour: np.ndarray  # int 0..23, local hour of the contact
    age: np.ndarray  # int
    responsiveness: np.ndarray  # float, personal multiplier (0.3 .. 1.5)
    avoidance: np.ndarray  # float 0..1, the household's current avoidance
    contacts_before: np.ndarray  # int, earlier delivered contacts in this simulation
    formal_letter: np.ndarray  # bool, a 14-day letter
    tone: np.ndarray  # int, Tone
    offers_help: np.ndarray  # bool, points to help (template fact) or is a referral
    offers_plan: np.ndarray  # bool, a plan offer
    # Optional (the bandit in the simulator): the person's preferred reading hour (-1:
    # none) and the variant's reply multiplier; both only touch digital messages.
    preferred_hour: np.ndarray | None = None
    variant_lift: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.kind)


@dataclass
class Reactions:
    reached: np.ndarray  # bool: two-way contact (recorded as a contact event)
    noticed: np.ndarray  # bool: read or reached
    outcome: np.ndarray  # int, Outcome
    promise_kept: np.ndarray  # bool: an announced payment arrives
    avoidance: np.ndarray  # float: the household's avoidance after this contact


def reach_probability(c: Contacts) -> np.ndarray:
    """Chance of a two-way contact for each contact in ``c``."""
    band = np.where(c.age < 35, 0, np.where(c.age < 67, 1, 2))
    age = _AGE_TABLE[c.channel, band]
    base = _HOURLY_TABLE[c.channel, np.clip(c.hour, 0, 23)] * age
    phone = c.channel == CHANNEL_INDEX[str(Channel.PHONE)]
    retry = _HOURLY_TABLE[c.channel, np.clip(c.hour + CALL_RETRY_HOURS, 0, 23)] * age
    base = np.where(phone, 1.0 - (1.0 - base) * (1.0 - retry), base)
    base = np.where(WRITTEN[c.channel], base * WRITTEN_REPLY, base)
    letter = CHANNEL_INDEX[str(Channel.LETTER)]
    base = np.where(c.formal_letter & (c.channel == letter), FORMAL_LETTER_REACH, base)
    base = np.where(WRITTEN[c.channel] & c.offers_help, base * HELP_POINTER_FACTOR, base)
    digital = DIGITAL[c.channel]
    if c.preferred_hour is not None:
        base = np.where(digital, base * hour_affinity(c.hour, c.preferred_hour), base)
    if c.variant_lift is not None:
        base = np.where(digital, base * c.variant_lift, base)
    return np.clip(
        base
        * c.responsiveness
        * ENGAGEMENT[c.kind]
        * _fatigue(c.contacts_before)
        * (1.0 - c.avoidance),
        0.0,
        0.95,
    )


def _fatigue(before: np.ndarray) -> np.ndarray:
    return FATIGUE ** np.maximum(0, before - FATIGUE_FREE)


def outcome_probabilities(c: Contacts, reached: np.ndarray) -> np.ndarray:
    """``(n, 4)`` probabilities of pay full, pay part, plan, help (given noticed)."""
    p = np.where(reached[:, None], TALKED[c.kind], SILENT[c.kind])
    hardship = HARDSHIP_KINDS[c.kind]
    threat = c.tone == Tone.THREATENING
    p[:, 2] *= np.where(c.offers_plan & ~reached, PLAN_LINK_FACTOR, 1.0)
    p[:, 3] *= np.where(c.offers_help & hardship, HELP_OFFER_FACTOR, 1.0)
    p[:, 0] *= np.where(threat, np.where(hardship, THREAT_PAY_CANNOT, THREAT_PAY_CAN), 1.0)
    p[:, 3] *= np.where(threat & hardship, THREAT_HELP_CANNOT, 1.0)
    total = p.sum(axis=1, keepdims=True)
    # Never more than certainty: scale down proportionally when the factors overshoot.
    return np.where(total > 0.98, p * (0.98 / np.maximum(total, 1e-9)), p)


def react(c: Contacts, rng: np.random.Generator) -> Reactions:
    """Decide every contact of the day in one pass (order of ``c`` fixes the draws)."""
    n = len(c)
    u = rng.random((n, 4))
    reached = u[:, 0] < reach_probability(c)
    read = u[:, 1] < NOTICE[c.channel] * _fatigue(c.contacts_before) * (1.0 - c.avoidance)
    noticed = reached | (WRITTEN[c.channel] & read)
    probs = outcome_probabilities(c, reached)
    cumulative = np.cumsum(probs, axis=1)
    picked = (u[:, 2:3] >= cumulative).sum(axis=1) + 1  # 1..5; 5 means "nothing"
    outcome = np.where(noticed & (picked <= 4), picked, Outcome.NOTHING).astype(np.int8)
    promise = u[:, 3] < PROMISE_KEPT[c.kind]
    hardship = HARDSHIP_KINDS[c.kind]
    delta = np.where(
        (c.tone == Tone.THREATENING) & hardship & noticed,
        THREAT_AVOIDANCE,
        np.where((c.tone == Tone.FRIENDLY) & c.offers_help & noticed, -FRIENDLY_RELIEF, 0.0),
    )
    avoidance = np.clip(c.avoidance + delta, 0.0, AVOIDANCE_MAX)
    return Reactions(reached, noticed, outcome, promise, avoidance)


def instalments_kept(
    kind: np.ndarray, helped: np.ndarray, count: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """How many instalments of each new plan are paid before the first one is missed.

    Drawn once when the plan is made (geometric: each instalment kept with the type's
    probability); equal to ``count`` when the plan is completed.
    """
    p = np.clip(INSTALMENT_KEPT[kind] + np.where(helped, HELPED_INSTALMENT_BONUS, 0.0), 0, 0.995)
    # Number of successes before the first failure, capped at the plan length.
    first_miss = rng.geometric(1.0 - p) - 1
    return np.minimum(first_miss, count)
