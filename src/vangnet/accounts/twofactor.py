"""Two-factor authentication for staff: one TOTP device per person (an authenticator app).

django-otp stores the device and marks the session verified; these services add the
audit trail and the enrolment QR code. Wrong tokens are throttled by django-otp itself
(each failure doubles the wait before the next try).
"""

from __future__ import annotations

import base64
from typing import Any

from django.db import transaction
from django.http import HttpRequest

import django_otp
from django_otp.plugins.otp_totp.models import TOTPDevice

from vangnet.core.services import audit_record

DEVICE_NAME = "authenticator"


def totp_device_confirmed(*, user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def totp_device_start(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed device, created on first use (so a reload keeps the QR)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for typing into an app without a camera."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no image request, no external service)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    # Inline in HTML: drop the XML declaration.
    return svg[svg.index("<svg") :]


def _clean(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isdigit())


@transaction.atomic
def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm enrolment with a first correct token; the session is then verified."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(_clean(token)):
        audit_record(
            action="otp.enrol_failed",
            actor=request.user,
            object_type="user",
            object_id=request.user.pk,
        )
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    audit_record(
        action="otp.enrolled",
        actor=request.user,
        object_type="user",
        object_id=request.user.pk,
        summary="TOTP device confirmed",
    )
    return True


def otp_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a token against the user's confirmed device and mark the session verified."""
    device = totp_device_confirmed(user=request.user)
    ok = device is not None and device.verify_token(_clean(token))
    if ok:
        django_otp.login(request, device)
    audit_record(
        action="otp.verified" if ok else "otp.failed",
        actor=request.user,
        object_type="user",
        object_id=request.user.pk,
    )
    return ok


@transaction.atomic
def totp_device_reset(*, user: Any, actor: Any) -> int:
    """Remove a staff member's devices (lost phone); they enrol again at the next login."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        action="otp.reset",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        summary=f"{deleted} device(s) removed",
    )
    return deleted
