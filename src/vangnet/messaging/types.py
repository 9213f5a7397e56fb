"""The contract between the outbox, the template renderer and the channel adapters.

Kept in one small module that imports nothing of ours, so that the outbox, each channel
adapter (``messaging.channels``) and the renderer (``messaging.content``) can be built,
tested and replaced independently (STYLE.md 1: plugins behind a registry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class RenderedMessage:
    """What the renderer produces for one message; the outbox stores it verbatim.

    ``template_version_id`` pins the exact version that was used, so a sent message can
    always be shown as it was sent even after the template changed.
    """

    subject: str
    text: str
    html: str = ""
    template_code: str = ""
    template_version_id: int | None = None
    variant: str = ""
    language: str = "nl"


@dataclass(frozen=True)
class OutgoingMessage:
    """One delivery attempt handed to a channel adapter.

    ``to`` is an e-mail address, an E.164 phone number, or (letters, tasks) a reference
    the adapter understands. ``idempotency_key`` is the same on every retry of the same
    outbox row and is passed on to providers that accept one, so a retry after a crash
    never produces a second message at the provider.
    """

    idempotency_key: str
    channel: str
    to: str
    subject: str
    text: str
    html: str = ""
    sender: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SendResult:
    """A successful hand-over to the channel (``provider_id`` to match status callbacks)."""

    provider_id: str = ""
    detail: str = ""


class DeliveryError(Exception):
    """Base class for a failed hand-over; ``detail`` is shown on the outbox row."""

    def __init__(self, detail: str, *, code: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code


class TemporaryFailure(DeliveryError):
    """Try again later (timeout, 429, 5xx, SMTP 4xx): the outbox retries with backoff."""

    def __init__(self, detail: str, *, code: str = "", retry_after: float | None = None) -> None:
        super().__init__(detail, code=code)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """Never retry this contact point (invalid number, bounced address): mark it and fall
    back to the next channel in the person's policy."""


@runtime_checkable
class ChannelAdapter(Protocol):
    """One channel (e-mail, SMS, WhatsApp, letter, call task, visit task)."""

    channel: str

    def send(self, message: OutgoingMessage) -> SendResult:
        """Hand the message over; raise ``TemporaryFailure`` or ``PermanentFailure``."""
        ...
