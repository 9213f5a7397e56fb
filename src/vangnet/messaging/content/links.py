"""Pay and portal links in messages.

Kept tiny and separate so the payments and portal parts can replace the token scheme
later without touching templates: the link is ``VANGNET_BASE_URL`` + ``/pay/a/<token>/``
or ``/portaal/<token>/``, the token ``django.core.signing.dumps`` of the id: signed, and
timestamped so the pay page and the portal can let old links expire (their own max age
settings, weeks by default: a letter can lie on the table for a while). The salts keep a
pay token from opening a portal and the other way round.
"""

from __future__ import annotations

from django.core import signing

from vangnet.messaging.content import conf

PAY_SALT = "vangnet.paylink"
PORTAL_SALT = "vangnet.portal"


def pay_token(account_id: int) -> str:
    return signing.dumps(int(account_id), salt=PAY_SALT)


def portal_token(customer_id: int) -> str:
    return signing.dumps(int(customer_id), salt=PORTAL_SALT)


def pay_url(account_id: int) -> str:
    return f"{conf.base_url()}/pay/a/{pay_token(account_id)}/"


def portal_url(customer_id: int) -> str:
    return f"{conf.base_url()}/portaal/{portal_token(customer_id)}/"


def pay_token_read(token: str) -> int:
    """The account id in a pay token; ``signing.BadSignature`` when it was tampered with."""
    return int(signing.loads(token, salt=PAY_SALT))


def portal_token_read(token: str) -> int:
    """The customer id in a portal token; ``signing.BadSignature`` when tampered with."""
    return int(signing.loads(token, salt=PORTAL_SALT))
