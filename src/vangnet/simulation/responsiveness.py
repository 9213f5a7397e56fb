"""How likely a person responds to a contact attempt, per channel and hour of the day.

Data for the strategy simulator (the daily run will learn real figures; until then these
priors make send-time and channel choice testable). The curves follow what collectors
report: phone works early in the morning and in the early evening, e-mail is read in
the morning and evening, SMS/WhatsApp any waking hour, a letter is read when the post
arrives, a home visit finds people at home in the evening. Reach figures from the Divosa
monitor (written only ~6%, phone ~59%, home visit ~46%, DOMAIN.md) set the levels.
All values are assumptions [verify].
"""

from __future__ import annotations

import numpy as np

from vangnet.parties.constants import Channel

# Probability (0..1) that a contact attempt in that hour (local time, index 0..23) gets
# a response from an average adult, per channel.
_HOURLY: dict[str, tuple[float, ...]] = {
    Channel.EMAIL: (
        0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.03, 0.07, 0.09, 0.09, 0.08, 0.07,
        0.08, 0.07, 0.06, 0.06, 0.06, 0.06, 0.07, 0.09, 0.10, 0.09, 0.05, 0.02,
    ),
    Channel.SMS: (
        0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.04, 0.10, 0.13, 0.13, 0.12, 0.12,
        0.13, 0.12, 0.11, 0.11, 0.12, 0.13, 0.14, 0.15, 0.14, 0.12, 0.06, 0.02,
    ),
    Channel.WHATSAPP: (
        0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.05, 0.12, 0.16, 0.16, 0.15, 0.15,
        0.16, 0.15, 0.14, 0.14, 0.15, 0.17, 0.19, 0.20, 0.19, 0.16, 0.08, 0.03,
    ),
    Channel.PHONE: (
        0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.35, 0.30, 0.24, 0.22,
        0.26, 0.22, 0.20, 0.21, 0.25, 0.32, 0.38, 0.36, 0.28, 0.00, 0.00, 0.00,
    ),
    # A letter is answered (or not) whenever it is read; the hour it is sent barely
    # matters, so the curve is flat at the written-only reach.
    Channel.LETTER: tuple([0.06] * 24),
    Channel.VISIT: (
        0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.25, 0.28, 0.28,
        0.30, 0.28, 0.28, 0.30, 0.35, 0.45, 0.55, 0.58, 0.50, 0.00, 0.00, 0.00,
    ),
}  # fmt: skip

# Age shifts the channel mix: older people answer the phone and letters more, younger
# people SMS and WhatsApp. Multipliers per channel for (under 35, 35-66, 67 and over).
_AGE_FACTOR: dict[str, tuple[float, float, float]] = {
    Channel.EMAIL: (0.9, 1.0, 0.7),
    Channel.SMS: (1.1, 1.0, 0.8),
    Channel.WHATSAPP: (1.3, 1.0, 0.6),
    Channel.PHONE: (0.7, 1.0, 1.3),
    Channel.LETTER: (0.8, 1.0, 1.3),
    Channel.VISIT: (0.9, 1.0, 1.2),
}


def response_probability(channel: str, hour: int, *, age: int | None = None) -> float:
    """Chance that an attempt via ``channel`` at ``hour`` (0..23) gets a response."""
    if not 0 <= hour <= 23:
        raise ValueError(f"hour must be 0..23, got {hour}")
    base = _HOURLY[channel][hour]
    if age is None:
        return base
    band = 0 if age < 35 else 1 if age < 67 else 2
    return min(1.0, base * _AGE_FACTOR[channel][band])


def best_hours(channel: str, *, top: int = 3, age: int | None = None) -> list[int]:
    """The ``top`` hours with the highest response probability for ``channel``."""
    return sorted(range(24), key=lambda h: -response_probability(channel, h, age=age))[:top]


# A person's own best hour for reading messages, by age band (under 35, 35-66, 67 and
# over): the hours at which the bandit's send-hour arms can find a difference. Younger
# people read in the evening, working age at the start and end of the working day, older
# people in the morning [verify: assumption for the simulator, not a measured figure].
PREFERRED_HOURS: tuple[int, ...] = (8, 10, 12, 14, 16, 18, 20)
_PREFERRED_HOUR_SHARE: tuple[tuple[float, ...], ...] = (
    (0.05, 0.05, 0.10, 0.05, 0.10, 0.25, 0.40),
    (0.20, 0.10, 0.15, 0.05, 0.05, 0.30, 0.15),
    (0.15, 0.35, 0.20, 0.10, 0.10, 0.05, 0.05),
)
# Reach multiplier at the preferred hour and far from it; in between a Gaussian in the
# distance in hours (width 2 h). Averaged over 08-20 it is close to 1, so the channel
# curves above keep their level [verify].
HOUR_AFFINITY_PEAK = 1.4
HOUR_AFFINITY_FLOOR = 0.6
HOUR_AFFINITY_WIDTH = 2.0


def preferred_hours(age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw each person's preferred reading hour (numpy array of ages in, hours out)."""
    age = np.asarray(age)
    band = np.where(age < 35, 0, np.where(age < 67, 1, 2))
    cumulative = np.cumsum(np.array(_PREFERRED_HOUR_SHARE), axis=1)
    u = rng.random(len(age))
    index = (u[:, None] >= cumulative[band]).sum(axis=1)
    return np.array(PREFERRED_HOURS)[np.minimum(index, len(PREFERRED_HOURS) - 1)]


def hour_affinity(hour: np.ndarray | int, preferred: np.ndarray | int) -> np.ndarray:
    """Reach multiplier for a message at ``hour`` to someone who prefers ``preferred``;
    a negative ``preferred`` means "no preference" (multiplier 1)."""
    hour = np.asarray(hour, dtype=float)
    preferred = np.asarray(preferred, dtype=float)
    distance = np.abs(hour - preferred)
    distance = np.minimum(distance, 24 - distance)
    bump = np.exp(-(distance**2) / (2 * HOUR_AFFINITY_WIDTH**2))
    value = HOUR_AFFINITY_FLOOR + (HOUR_AFFINITY_PEAK - HOUR_AFFINITY_FLOOR) * bump
    return np.where(preferred < 0, 1.0, value)
