"""Pay and portal links in messages.

Kept tiny and separate so the payments and portal parts can replace the token scheme
later without touching templates: the link is ``VANGNET_BASE_URL`` + ``/pay/a/<token>/``
or ``/portaal/<token>/``, the token a ``django.core.signing`` signature of the id (no
expiry: a letter can lie on the table for weeks). The salts keep a pay token from
opening a portal and the other way round.
"""

from __future__ import annotations

from django.core import signing

from vangnet.messaging.content import conf

PAY_SALT = "vangnet.paylink"
PORTAL_SALT = "vangnet.portal"


def pay_token(account_id: int) -> str:
    return signing.Signer(salt=PAY_SALT).sign(str(int(account_id)))


def portal_token(customer_id: int) -> str:
    return signing.Signer(salt=PORTAL_SALT).sign(str(int(customer_id)))


def pay_url(account_id: int) -> str:
    return f"{conf.base_url()}/pay/a/{pay_token(account_id)}/"


def portal_url(customer_id: int) -> str:
    return f"{conf.base_url()}/portaal/{portal_token(customer_id)}/"


def pay_token_read(token: str) -> int:
    """The account id in a pay token; ``signing.BadSignature`` when it was tampered with."""
    return int(signing.Signer(salt=PAY_SALT).unsign(token))


def portal_token_read(token: str) -> int:
    """The customer id in a portal token; ``signing.BadSignature`` when tampered with."""
    return int(signing.Signer(salt=PORTAL_SALT).unsign(token))
