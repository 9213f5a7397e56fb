"""Settings of signals_out, read lazily from the environment (twelve-factor).

Per-municipality values (threshold, delivery method, URL, key) live in the
``MunicipalityEndpoint`` table; these are the defaults and the delivery knobs.
"""

from __future__ import annotations

from pathlib import Path

from vangnet.conf.env import env_int, env_str


def default_threshold_cents() -> int:
    """VANGNET_SIGNALS_DEFAULT_THRESHOLD_CENTS: minimum arrears for a signal when the
    municipality has no row of its own. Default 7500 (€ 75, the median minimum that
    municipalities set — DOMAIN.md "Timing windows", Divosa)."""
    return env_int("VANGNET_SIGNALS_DEFAULT_THRESHOLD_CENTS", 7500)


def update_threshold_cents() -> int:
    """VANGNET_SIGNALS_UPDATE_THRESHOLD_CENTS: a change in the arrears larger than this
    (either way) since the last amount we sent sends an ``update``. Default 2500 (€ 25)
    [policy: no source names a number]."""
    return env_int("VANGNET_SIGNALS_UPDATE_THRESHOLD_CENTS", 2500)


def timeout_seconds() -> int:
    """VANGNET_SIGNALS_TIMEOUT: seconds to wait for a municipality's API. Default 10."""
    return env_int("VANGNET_SIGNALS_TIMEOUT", 10)


def max_attempts() -> int:
    """VANGNET_SIGNALS_MAX_ATTEMPTS: deliveries tried before a signal is marked failed
    (staff see it on /signals/out/). Default 8 (~4 hours with the default backoff)."""
    return env_int("VANGNET_SIGNALS_MAX_ATTEMPTS", 8)


def backoff_seconds() -> int:
    """VANGNET_SIGNALS_BACKOFF_SECONDS: first retry delay; doubles per attempt. Default 60."""
    return env_int("VANGNET_SIGNALS_BACKOFF_SECONDS", 60)


def replay_window_seconds() -> int:
    """VANGNET_SIGNALS_REPLAY_SECONDS: how far a feedback request's timestamp may lie
    from our clock. Default 300 (5 minutes, docs/signal-exchange.md)."""
    return env_int("VANGNET_SIGNALS_REPLAY_SECONDS", 300)


def help_hold_days() -> int:
    """VANGNET_SIGNALS_HELP_HOLD_DAYS: days collection pauses after help was accepted.
    Default 30 (DOMAIN.md "After help is accepted", covenant)."""
    return env_int("VANGNET_SIGNALS_HELP_HOLD_DAYS", 30)


def end_of_supply_working_days() -> int:
    """VANGNET_SIGNALS_END_OF_SUPPLY_WORKING_DAYS: minimum working days between the
    end-of-supply signal and the end of supply. Default 20 (energy regulation, DOMAIN.md)."""
    return env_int("VANGNET_SIGNALS_END_OF_SUPPLY_WORKING_DAYS", 20)


def creditor_contact() -> str:
    """VANGNET_SIGNALS_CREDITOR_CONTACT: phone or e-mail of our desk, sent with each signal
    (``creditor_contact``) when the municipality row names none. Default empty."""
    return env_str("VANGNET_SIGNALS_CREDITOR_CONTACT", "")


def export_columns_path() -> Path:
    """VANGNET_SIGNALS_EXPORT_COLUMNS: YAML file with the column mapping of the RIS and VPS
    exports. Default: the bundled ``export_columns.yaml`` (our best understanding)."""
    raw = env_str("VANGNET_SIGNALS_EXPORT_COLUMNS", "")
    return Path(raw) if raw else Path(__file__).resolve().parent / "export_columns.yaml"
