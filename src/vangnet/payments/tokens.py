"""The stable pay link put in every e-mail and SMS: ``VANGNET_BASE_URL/pay/a/<token>/``.

``token = django.core.signing.dumps(account_id, salt="vangnet.paylink")``: signed with
SECRET_KEY, so it cannot be forged or pointed at another account, and it carries its
creation time, so old links can expire (``VANGNET_PAYLINK_SIGNED_MAX_AGE_DAYS``).
Templates build it with ``paylink_url``; nothing is stored until the person opens it.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from vangnet.payments import conf

SALT = "vangnet.paylink"


class LinkInvalid(Exception):
    """Forged, mangled or unknown link (the page answers 404)."""


class LinkExpired(Exception):
    """A genuine link that is too old or no longer usable (the page answers 410)."""


def account_token(account_id: int) -> str:
    return signing.dumps(int(account_id), salt=SALT)


def account_id_from_token(token: str) -> int:
    max_age_days = conf.signed_link_max_age_days()
    try:
        value = signing.loads(
            token, salt=SALT, max_age=max_age_days * 86400 if max_age_days > 0 else None
        )
    except signing.SignatureExpired as exc:
        raise LinkExpired(str(exc)) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid(str(exc)) from exc
    if not isinstance(value, int):
        raise LinkInvalid("token does not hold an account id")
    return value


def paylink_url(account_id: int) -> str:
    """Absolute URL of the account's pay page, for e-mail, SMS and letters."""
    return conf.base_url() + reverse("payments:account", args=[account_token(account_id)])
