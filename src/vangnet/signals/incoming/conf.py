"""Settings of signals_in, read lazily from the environment (twelve-factor).

Each function documents its variable; defaults cite DOMAIN.md where they come from.
"""

from __future__ import annotations

from vangnet.conf.env import env_int, env_str


def replay_window_seconds() -> int:
    """VANGNET_SIGNALS_REPLAY_SECONDS: how far a request's timestamp may lie from our clock
    (either way) before it is refused as a possible replay. Default 300 (5 minutes)."""
    return env_int("VANGNET_SIGNALS_REPLAY_SECONDS", 300)


def retention_months_closed() -> int:
    """VANGNET_SIGNALS_RETENTION_MONTHS: months a closed melding and its signals are kept
    after closure before they are purged. Default 12 [verify per municipality policy]."""
    return env_int("VANGNET_SIGNALS_RETENTION_MONTHS", 12)


def retention_months_not_picked_up() -> int:
    """VANGNET_SIGNALS_NOT_PICKED_UP_MONTHS: months a signal that was not followed up
    (repeated, not a resident, …) is kept — only as long as repeat recognition needs it.
    Default 6 (bundling.REPEAT_MONTHS)."""
    return env_int("VANGNET_SIGNALS_NOT_PICKED_UP_MONTHS", 6)


def light_amount_cents() -> int:
    """VANGNET_SIGNALS_LIGHT_AMOUNT_CENTS: a single signal below this amount gets the
    automated friendly contact first; above it, the intensive route (phone, visit).
    Default 50000 (€ 500) [verify: municipal policy]."""
    return env_int("VANGNET_SIGNALS_LIGHT_AMOUNT_CENTS", 50_000)


def crisis_working_days() -> int:
    """VANGNET_SIGNALS_CRISIS_WORKING_DAYS: first contact due in a threatening situation.
    Default 3 working days (Wgs art. 4, DOMAIN.md)."""
    return env_int("VANGNET_SIGNALS_CRISIS_WORKING_DAYS", 3)


def municipality_code() -> str:
    """VANGNET_MUNICIPALITY_CODE: our CBS gemeentecode (4 digits, e.g. 0344) used in the
    DDAS export and when a signal does not name one. Default: empty (then the code of
    the first organisation of kind municipality is used)."""
    return env_str("VANGNET_MUNICIPALITY_CODE", "")


def supplier_code() -> str:
    """VANGNET_DDAS_SUPPLIER_CODE: ``codeGegevensleverancier`` in the DDAS delivery.
    Default "vangnet"."""
    return env_str("VANGNET_DDAS_SUPPLIER_CODE", "vangnet")


def feedback_timeout_seconds() -> int:
    """VANGNET_SIGNALS_FEEDBACK_TIMEOUT: seconds to wait for a creditor's feedback URL.
    Default 10."""
    return env_int("VANGNET_SIGNALS_FEEDBACK_TIMEOUT", 10)


def resident_link_days() -> int:
    """VANGNET_SIGNALS_RESIDENT_LINK_DAYS: days the resident's personal link stays valid.
    Default 90."""
    return env_int("VANGNET_SIGNALS_RESIDENT_LINK_DAYS", 90)


def municipality_residents() -> int:
    """VANGNET_MUNICIPALITY_RESIDENTS: residents of the municipality, for "signals per
    1,000 residents per month". Default 0: then the monitor sums the CBS residents of the
    four-digit postcodes of the municipality named by the organisation of kind
    municipality (parties/data/pc4_gemeente.csv, 2021)."""
    return env_int("VANGNET_MUNICIPALITY_RESIDENTS", 0)
