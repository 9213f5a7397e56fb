"""Mollie Payments API v2 adapter.

Requests and answers follow Mollie's documentation: ``POST /v2/payments`` with
``amount {currency, value}`` where value is a string with two decimals, ``GET
/v2/payments/{id}``, answers in ``application/hal+json`` with the checkout page at
``_links.checkout.href``, and errors as ``{status, title, detail, field}``. The webhook
only says ``id=tr_…`` and is unsigned, so the services always fetch the payment before
believing anything (``services.provider_payment_sync``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import requests

from vangnet.payments import conf
from vangnet.payments.base import (
    Provider,
    ProviderAuthError,
    ProviderError,
    ProviderNotFound,
    ProviderPaymentInfo,
    ProviderUnavailable,
    ProviderValidation,
)
from vangnet.payments.registry import register

if TYPE_CHECKING:
    from vangnet.payments.models import PaymentLink

logger = logging.getLogger(__name__)

TWO_PLACES = Decimal("0.01")


def amount_value(amount: Decimal) -> str:
    """Mollie's amount string: always two decimals ("12.50"), from Decimal, never float."""
    if not isinstance(amount, Decimal):
        raise TypeError("amounts must be Decimal")
    if amount != amount.quantize(TWO_PLACES):
        raise ValueError(f"{amount} has more than two decimals")
    return f"{amount.quantize(TWO_PLACES):f}"


def _parse_amount(data: dict[str, Any]) -> Decimal:
    amount = data.get("amount") or {}
    if amount.get("currency", "EUR") != "EUR":
        raise ProviderError(f"Mollie payment {data.get('id')} is not in EUR")
    try:
        return Decimal(str(amount.get("value")))
    except (InvalidOperation, TypeError) as exc:
        raise ProviderError(f"Mollie sent an unreadable amount {amount!r}") from exc


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def payment_info(data: dict[str, Any]) -> ProviderPaymentInfo:
    """Read a Mollie payment resource."""
    links = data.get("_links") or {}
    return ProviderPaymentInfo(
        id=str(data["id"]),
        status=str(data.get("status", "")),
        amount=_parse_amount(data),
        checkout_url=((links.get("checkout") or {}).get("href")) or "",
        paid_at=_parse_time(data.get("paidAt")),
        method=str(data.get("method") or ""),
        metadata=data.get("metadata") or {},
    )


@register("mollie")
class MollieProvider(Provider):
    verbose_name = "Mollie (iDEAL)"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.api_key = api_key if api_key is not None else conf.mollie_api_key()
        self.base_url = (base_url or conf.mollie_api_base_url()).rstrip("/")
        self.timeout = timeout if timeout is not None else conf.mollie_timeout_seconds()

    # -- HTTP ------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        if not self.api_key.startswith(("test_", "live_")):
            raise ProviderAuthError(
                "MOLLIE_API_KEY is not set or does not start with test_ or live_", status=None
            )
        url = f"{self.base_url}{path}"
        all_headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Accept": "application/hal+json, application/json",
            "User-Agent": "vangnet-payments",
            **(headers or {}),
        }
        try:
            response = requests.request(
                method, url, json=json, headers=all_headers, timeout=self.timeout
            )
        except requests.Timeout as exc:
            raise ProviderUnavailable(
                f"Mollie did not answer {method} {path} within {self.timeout} s; "
                "retrying with the same idempotency key is safe"
            ) from exc
        except requests.ConnectionError as exc:
            raise ProviderUnavailable(
                f"cannot reach Mollie at {self.base_url} ({method} {path}): {exc}; retrying is safe"
            ) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 500:
            raise ProviderUnavailable(
                f"Mollie answered {response.status_code} to {method} {path}: "
                f"{body.get('detail') or response.reason}; retrying is safe",
                status=response.status_code,
            )
        if response.status_code >= 400:
            detail = body.get("detail") or body.get("title") or response.reason
            field = str(body.get("field") or "")
            message = f"Mollie refused {method} {path} ({response.status_code}): {detail}"
            if field:
                message += f" [field: {field}]"
            error_cls: type[ProviderError] = {
                401: ProviderAuthError,
                404: ProviderNotFound,
                422: ProviderValidation,
                400: ProviderValidation,
            }.get(response.status_code, ProviderError)
            raise error_cls(message, status=response.status_code, field=field)
        if not isinstance(body, dict) or "id" not in body:
            raise ProviderError(f"Mollie sent an unreadable answer to {method} {path}")
        return body

    # -- contract --------------------------------------------------------------------------

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
        payload = {
            "amount": {"currency": "EUR", "value": amount_value(amount)},
            "description": description[:255],
            "redirectUrl": redirect_url,
            "webhookUrl": webhook_url,
            "method": "ideal",
            "metadata": {"link": link.token},
        }
        data = self._request(
            "POST", "/v2/payments", json=payload, headers={"Idempotency-Key": idempotency_key}
        )
        return payment_info(data)

    def fetch_payment(self, payment_id: str) -> ProviderPaymentInfo:
        if not payment_id.startswith("tr_") or not payment_id[3:].isalnum():
            raise ProviderNotFound(f"{payment_id!r} is not a Mollie payment id", status=404)
        return payment_info(self._request("GET", f"/v2/payments/{payment_id}"))
