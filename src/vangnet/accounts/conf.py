"""Settings of the staff accounts app, read lazily so tests can override them."""

from __future__ import annotations

from django.conf import settings

from vangnet.conf.env import env_bool


def staff_2fa_required() -> bool:
    """VANGNET_STAFF_2FA_REQUIRED: every logged-in staff member must pass a TOTP check.

    Default off, so the demo and the tests log in with a password only. Production
    sets ``VANGNET_STAFF_2FA_REQUIRED=1`` (docs/roles-and-privacy.md). A Django setting
    of the same name wins over the environment (used by tests).
    """
    value = getattr(settings, "VANGNET_STAFF_2FA_REQUIRED", None)
    if value is not None:
        return bool(value)
    return env_bool("VANGNET_STAFF_2FA_REQUIRED", False)
