"""Settings of the arrangements app, read from the environment when used (not at import).

- ``VANGNET_PLAN_REMINDER_CHANNEL`` (default ``best``): channel of the reminder action
  written for a missed instalment; ``best`` lets the outbox choose the person's best
  reachable channel, or name one (``email``, ``sms`` …).
- ``VANGNET_PLAN_LEAD_DAYS`` (default 7): days between proposing a plan and its first due
  date at the earliest, so the customer gets the confirmation first. With direct debit
  the pre-notification term of the direct-debit service applies on top (DOMAIN.md: 14
  days unless agreed otherwise).
"""

from __future__ import annotations

from vangnet.conf.env import env_int, env_str


def reminder_channel() -> str:
    return env_str("VANGNET_PLAN_REMINDER_CHANNEL", "best") or "best"


def plan_lead_days() -> int:
    return max(0, env_int("VANGNET_PLAN_LEAD_DAYS", 7))
