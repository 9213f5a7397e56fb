"""The provider contract: what every payment provider plugin offers.

Modelled on open-forms' ``payments/base.py``: a plugin is a small class with a code; the
services never know which provider they talk to. Amounts cross this boundary as
``Decimal`` euros (the providers' own unit); the services convert to and from cents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vangnet.payments.models import PaymentLink


@dataclass(frozen=True)
class ProviderPaymentInfo:
    """What a provider says about one payment (after create or fetch)."""

    id: str
    status: str
    amount: Decimal
    checkout_url: str = ""
    paid_at: datetime | None = None
    method: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The minimal record kept in ``ProviderPayment.raw`` (no payer details)."""
        return {
            "id": self.id,
            "status": self.status,
            "amount": str(self.amount),
            "method": self.method,
            "paid_at": self.paid_at.isoformat() if self.paid_at else None,
        }


class ProviderError(Exception):
    """A provider call failed; ``message_nl`` is safe to show a customer."""

    retry_safe = False
    message_nl = "De betaling kan nu niet worden gestart. Probeer het later nog eens."

    def __init__(self, message: str, *, status: int | None = None, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.field = field


class ProviderUnavailable(ProviderError):
    """Timeout, connection error or 5xx: nothing is known to have happened; retrying with
    the same idempotency key is safe."""

    retry_safe = True


class ProviderValidation(ProviderError):
    """The provider refused the request (e.g. Mollie 422): our data is wrong, do not retry."""


class ProviderAuthError(ProviderError):
    """The API key is missing or wrong (401): an operator must fix the configuration."""


class ProviderNotFound(ProviderError):
    """The provider does not know this payment id (404)."""


class Provider:
    """Base class of provider plugins; ``code`` is stored on every ``ProviderPayment``."""

    code: str = ""
    verbose_name: str = ""

    def create_payment(
        self,
        *,
        link: PaymentLink,
        amount: Decimal,
        description: str,
        redirect_url: str,
        webhook_url: str,
        idempotency_key: str,
    ) -> ProviderPaymentInfo:
        raise NotImplementedError

    def fetch_payment(self, payment_id: str) -> ProviderPaymentInfo:
        raise NotImplementedError
