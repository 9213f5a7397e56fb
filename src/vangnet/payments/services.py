"""Writes: create and start payment links, and sync provider payments into the ledger.

Network calls to a provider happen outside database transactions (a slow provider must
not hold row locks); every state change happens inside one, with ``select_for_update``,
and writes a ``PaymentLinkEvent``. A paid provider payment is booked with
``ledger.services.payment_register`` (idempotent on the provider's payment id) and the
case is re-evaluated in that same transaction (``strategy.reevaluate``), so a duplicate
webhook books nothing twice and the person gets no reminder after paying.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from vangnet.core.errors import Invalid
from vangnet.core.money import (
    AmountError,
    cents_to_decimal,
    decimal_to_cents,
    format_euro,
    parse_amount,
)
from vangnet.core.services import audit_record
from vangnet.ledger.constants import PaymentSource
from vangnet.ledger.models import Account
from vangnet.ledger.services import payment_register
from vangnet.payments import conf
from vangnet.payments.base import (
    ProviderError,
    ProviderNotFound,
    ProviderPaymentInfo,
    ProviderUnavailable,
)
from vangnet.payments.constants import (
    FINAL_PROVIDER_STATUSES,
    USABLE_LINK_STATUSES,
    LinkEventKind,
    LinkStatus,
    ProviderStatus,
)
from vangnet.payments.models import PaymentLink, PaymentLinkEvent, ProviderPayment
from vangnet.payments.registry import provider_get
from vangnet.payments.selectors import account_open_cents, link_amounts
from vangnet.strategy.reevaluate import case_reevaluate

logger = logging.getLogger(__name__)

REEVALUATE_CAUSE = "payment_link"


class LinkUnavailable(Exception):
    """The link can no longer be used (expired, cancelled or paid); ``status`` says which."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def _event(
    link: PaymentLink,
    kind: str,
    text: str,
    *,
    provider_payment: ProviderPayment | None = None,
    details: dict[str, Any] | None = None,
) -> PaymentLinkEvent:
    return PaymentLinkEvent.objects.create(
        link=link,
        provider_payment=provider_payment,
        kind=kind,
        text=text[:300],
        details=details or {},
    )


# ---------------------------------------------------------------------------------------
# Links


def paymentlink_create(
    *,
    account: Account,
    amount_cents: int | None = None,
    min_amount_cents: int | None = None,
    expires_at: datetime | None = None,
    created_by: Any = None,
) -> PaymentLink:
    """A new link for the account; ``amount_cents=None`` asks for whatever is open."""
    if amount_cents is not None and amount_cents <= 0:
        raise Invalid("amount", "Het bedrag moet groter zijn dan nul.", "amount must be positive")
    minimum = conf.min_amount_cents() if min_amount_cents is None else min_amount_cents
    if minimum <= 0:
        raise Invalid(
            "min_amount", "Het minimum moet groter zijn dan nul.", "minimum must be positive"
        )
    user = created_by if getattr(created_by, "is_authenticated", False) else None
    with transaction.atomic():
        link = PaymentLink.objects.create(
            organisation_id=account.organisation_id,
            account=account,
            customer_id=account.customer_id,
            token=secrets.token_urlsafe(24),
            amount_cents=amount_cents,
            min_amount_cents=minimum,
            expires_at=expires_at or timezone.now() + timedelta(days=conf.link_valid_days()),
            created_by=user,
        )
        _event(
            link,
            LinkEventKind.CREATED,
            "Betaallink aangemaakt"
            + (f" voor {format_euro(amount_cents)}" if amount_cents else " voor het open saldo"),
            details={"by": getattr(user, "pk", None)},
        )
    return link


def paymentlink_for_account(*, account: Account) -> PaymentLink:
    """The usable open-balance link of the account, or a new one (the ``/pay/a/`` page)."""
    now = timezone.now()
    with transaction.atomic():
        # Lock the account row so two clicks at once do not make two links.
        Account.objects.select_for_update().filter(pk=account.pk).first()
        link = (
            PaymentLink.objects.filter(
                account=account,
                amount_cents__isnull=True,
                status__in=USABLE_LINK_STATUSES,
                expires_at__gt=now,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        return link or paymentlink_create(account=account)


def paymentlink_check(*, link: PaymentLink, now: datetime | None = None) -> PaymentLink:
    """Raise ``LinkUnavailable`` for a link that cannot be used; marks it expired if due."""
    now = now or timezone.now()
    if link.status in USABLE_LINK_STATUSES and link.expires_at <= now:
        with transaction.atomic():
            link = PaymentLink.objects.select_for_update().get(pk=link.pk)
            if link.status in USABLE_LINK_STATUSES:
                link.status = LinkStatus.EXPIRED
                link.save(update_fields=["status", "updated_at"])
                _event(link, LinkEventKind.EXPIRED, "Betaallink verlopen")
    if link.status not in USABLE_LINK_STATUSES:
        raise LinkUnavailable(link.status)
    return link


def paymentlinks_expire(*, now: datetime | None = None) -> int:
    """Mark every usable link past its expiry as expired (one UPDATE; for a nightly task)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            PaymentLink.objects.select_for_update()
            .filter(status__in=USABLE_LINK_STATUSES, expires_at__lte=now)
            .values_list("pk", flat=True)
        )
        PaymentLink.objects.filter(pk__in=ids).update(status=LinkStatus.EXPIRED, updated_at=now)
        PaymentLinkEvent.objects.bulk_create(
            PaymentLinkEvent(link_id=pk, kind=LinkEventKind.EXPIRED, text="Betaallink verlopen")
            for pk in ids
        )
    return len(ids)


def paymentlink_cancel(*, link: PaymentLink, actor: Any = None, reason: str = "") -> PaymentLink:
    with transaction.atomic():
        link = PaymentLink.objects.select_for_update().get(pk=link.pk)
        if link.status in USABLE_LINK_STATUSES:
            link.status = LinkStatus.CANCELLED
            link.save(update_fields=["status", "updated_at"])
            _event(link, LinkEventKind.CANCELLED, f"Betaallink ingetrokken. {reason}".strip())
            audit_record(
                action="paymentlink_cancel",
                actor=actor,
                object_type="paymentlink",
                object_id=link.pk,
                summary=reason,
            )
    return link


# ---------------------------------------------------------------------------------------
# Amounts


def amount_parse(raw: str) -> int:
    """Read what a person typed ("12,50", "12.50", "€ 12") as cents, or raise ``Invalid``."""
    if not (raw or "").strip():
        raise Invalid("amount_missing", "Vul het bedrag in dat u wilt betalen.", "amount missing")
    try:
        value = parse_amount(raw[:32])
    except AmountError as exc:
        raise Invalid(
            "amount_unreadable",
            "Dit bedrag kunnen we niet lezen. Schrijf het bedrag zoals 12,50.",
            f"cannot read amount: {exc}",
        ) from exc
    if value <= 0:
        raise Invalid("amount_not_positive", "Het bedrag moet meer zijn dan € 0,00.", "amount <= 0")
    return decimal_to_cents(value)


def amount_check(*, link: PaymentLink, amount_cents: int) -> None:
    amounts = link_amounts(link)
    if amounts.nothing_due:
        raise Invalid("nothing_due", "U hoeft op dit moment niets te betalen.", "nothing is due")
    if amount_cents > amounts.due_cents:
        raise Invalid(
            "amount_too_high",
            f"U kunt maximaal {format_euro(amounts.due_cents)} betalen. "
            "Dat is het bedrag dat nog openstaat.",
            f"amount above the open {amounts.due_cents} cents",
        )
    if amount_cents < amounts.min_cents:
        raise Invalid(
            "amount_too_low",
            f"U kunt minimaal {format_euro(amounts.min_cents)} betalen.",
            f"amount below the minimum {amounts.min_cents} cents",
        )


# ---------------------------------------------------------------------------------------
# Starting a payment


def _urls(pp: ProviderPayment) -> tuple[str, str]:
    base = conf.base_url()
    return (
        base + reverse("payments:return", args=[pp.idempotency_key]),
        base + reverse("payments:webhook", args=[pp.provider]),
    )


def paymentlink_start(
    *, link: PaymentLink, amount_cents: int, provider_code: str | None = None
) -> ProviderPayment:
    """Start paying ``amount_cents`` on the link at the provider; returns the attempt with
    its ``checkout_url``.

    Raises ``Invalid`` for a refused amount, ``LinkUnavailable`` for a dead link and
    ``ProviderError`` when the provider fails (after one retry with the same idempotency
    key when the failure was a time-out or 5xx, which cannot create a second payment).
    """
    code = provider_code or conf.provider_code()
    provider = provider_get(code)
    with transaction.atomic():
        link = PaymentLink.objects.select_for_update().get(pk=link.pk)
        paymentlink_check(link=link)
        amount_check(link=link, amount_cents=amount_cents)
        pp = ProviderPayment.objects.create(
            link=link,
            provider=code,
            amount_cents=amount_cents,
            idempotency_key=uuid.uuid4().hex,
        )
    redirect_url, webhook_url = _urls(pp)
    customer_number = link.customer.number
    description = f"{link.organisation.name} klant {customer_number}"
    info: ProviderPaymentInfo | None = None
    error: ProviderError | None = None
    for attempt in (1, 2):
        try:
            info = provider.create_payment(
                link=link,
                amount=cents_to_decimal(amount_cents),
                description=description,
                redirect_url=redirect_url,
                webhook_url=webhook_url,
                idempotency_key=pp.idempotency_key,
            )
            error = None
            break
        except ProviderError as exc:
            error = exc
            logger.warning("payment start %s attempt %s failed: %s", pp.pk, attempt, exc)
            if not exc.retry_safe:
                break
    with transaction.atomic():
        pp = ProviderPayment.objects.select_for_update().get(pk=pp.pk)
        if error is not None or info is None:
            pp.status = ProviderStatus.FAILED
            pp.error = str(error)[:300]
            pp.save(update_fields=["status", "error", "updated_at"])
            _event(
                link,
                LinkEventKind.START_FAILED,
                f"Betaling van {format_euro(amount_cents)} kon niet starten",
                provider_payment=pp,
                details={"error": str(error)[:300], "retry_safe": bool(error and error.retry_safe)},
            )
        else:
            _started_save(pp=pp, link=link, info=info)
    if error is not None or info is None:
        # Raised after the commit, so the failed attempt and its event are kept.
        raise error or ProviderError("provider returned nothing")
    return pp


def _started_save(*, pp: ProviderPayment, link: PaymentLink, info: ProviderPaymentInfo) -> None:
    pp.provider_payment_id = info.id
    pp.checkout_url = info.checkout_url
    pp.status = info.status or ProviderStatus.OPEN
    pp.raw = info.summary()
    pp.save()
    PaymentLink.objects.filter(pk=link.pk, status=LinkStatus.OPEN).update(
        status=LinkStatus.PENDING, updated_at=timezone.now()
    )
    _event(
        link,
        LinkEventKind.STARTED,
        f"Betaling van {format_euro(pp.amount_cents)} gestart bij {pp.provider}",
        provider_payment=pp,
    )


# ---------------------------------------------------------------------------------------
# Syncing a provider payment (webhook, return page)


class UnknownProviderPayment(Exception):
    pass


def _booked_on(info: ProviderPaymentInfo) -> date:
    if info.paid_at is None:
        return timezone.localdate()
    return (
        timezone.localdate(info.paid_at) if timezone.is_aware(info.paid_at) else info.paid_at.date()
    )


def _link_status_after(link: PaymentLink) -> str:
    if link.amount_cents is not None:
        return (
            LinkStatus.PAID if link.paid_cents >= link.amount_cents else LinkStatus.PARTIALLY_PAID
        )
    return (
        LinkStatus.PAID
        if account_open_cents(account_id=link.account_id) <= 0
        else LinkStatus.PARTIALLY_PAID
    )


def provider_payment_sync(*, provider: str, provider_payment_id: str) -> ProviderPayment:
    """Fetch the payment from the provider and act on what it says (never on the webhook).

    Idempotent: a paid payment is booked once (``ledger_payment`` is set under a row lock,
    and ``payment_register`` is idempotent on the provider id). A paid amount that differs
    from what we asked is not booked but logged for staff. Raises
    ``UnknownProviderPayment`` for an id we never created and ``ProviderError`` when the
    provider cannot be asked (the webhook then answers 503 so the provider retries).
    """
    pp = ProviderPayment.objects.filter(
        provider=provider, provider_payment_id=provider_payment_id
    ).first()
    if pp is None or not provider_payment_id:
        raise UnknownProviderPayment(f"{provider}:{provider_payment_id}")
    info = provider_get(provider).fetch_payment(provider_payment_id)
    if info.id != provider_payment_id:
        raise ProviderError(f"asked for {provider_payment_id}, provider answered {info.id}")
    with transaction.atomic():
        pp = ProviderPayment.objects.select_for_update().select_related("link").get(pk=pp.pk)
        link = PaymentLink.objects.select_for_update().get(pk=pp.link_id)
        old_status = pp.status
        pp.raw = info.summary()
        if pp.ledger_payment_id is None:
            pp.status = info.status
        changed = old_status != pp.status
        pp.save(update_fields=["raw", "status", "updated_at"])
        if changed:
            _event(
                link,
                LinkEventKind.STATUS,
                f"Status bij {provider}: {info.status}",
                provider_payment=pp,
                details={"from": old_status, "to": info.status},
            )
        if info.status == ProviderStatus.PAID and pp.ledger_payment_id is None:
            _book(pp=pp, link=link, info=info)
        elif (
            info.status in FINAL_PROVIDER_STATUSES
            and info.status != ProviderStatus.PAID
            and link.status == LinkStatus.PENDING
        ):
            link.status = LinkStatus.PARTIALLY_PAID if link.paid_cents else LinkStatus.OPEN
            link.save(update_fields=["status", "updated_at"])
    return pp


def _book(*, pp: ProviderPayment, link: PaymentLink, info: ProviderPaymentInfo) -> None:
    paid_cents = decimal_to_cents(Decimal(info.amount))
    if paid_cents != pp.amount_cents:
        if pp.events.filter(kind=LinkEventKind.AMOUNT_MISMATCH).exists():
            return  # already reported; a repeated webhook adds nothing
        _event(
            link,
            LinkEventKind.AMOUNT_MISMATCH,
            f"Provider meldt {format_euro(paid_cents)} betaald, gevraagd was "
            f"{format_euro(pp.amount_cents)}; niet geboekt",
            provider_payment=pp,
            details={"asked_cents": pp.amount_cents, "reported_cents": paid_cents},
        )
        audit_record(
            action="payment_amount_mismatch",
            object_type="providerpayment",
            object_id=pp.pk,
            summary=f"{pp.provider} {pp.provider_payment_id}: {paid_cents} != {pp.amount_cents}",
        )
        return
    booked_on = _booked_on(info)
    account = link.account
    payment = payment_register(
        account=account,
        amount_cents=pp.amount_cents,
        booked_on=booked_on,
        reference=pp.provider_payment_id,
        source=PaymentSource.PAYMENT_LINK,
    )
    pp.ledger_payment = payment
    pp.paid_at = info.paid_at or timezone.now()
    pp.save(update_fields=["ledger_payment", "paid_at", "updated_at"])
    link.paid_cents += pp.amount_cents
    link.status = _link_status_after(link)
    link.save(update_fields=["paid_cents", "status", "updated_at"])
    amount_text = format_euro(pp.amount_cents)
    _event(
        link,
        LinkEventKind.PAID,
        f"Betaling ontvangen: {amount_text}",
        provider_payment=pp,
        details={"payment_id": payment.pk, "booked_on": booked_on.isoformat()},
    )
    case_reevaluate(
        account_id=account.pk,
        on=timezone.localdate(),
        cause=REEVALUATE_CAUSE,
        note=f"Betaling ontvangen via betaallink: {amount_text}",
        details={
            "payment_id": payment.pk,
            "provider": pp.provider,
            "provider_payment_id": pp.provider_payment_id,
            "amount_cents": pp.amount_cents,
        },
    )


__all__ = [
    "LinkUnavailable",
    "ProviderNotFound",
    "ProviderUnavailable",
    "UnknownProviderPayment",
    "amount_check",
    "amount_parse",
    "paymentlink_cancel",
    "paymentlink_check",
    "paymentlink_create",
    "paymentlink_for_account",
    "paymentlink_start",
    "paymentlinks_expire",
    "provider_payment_sync",
]
