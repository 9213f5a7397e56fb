"""Send staff who logged in with a password to the second step (or to enrolment).

Only active when ``VANGNET_STAFF_2FA_REQUIRED`` is on. Anonymous visitors (customers on
the portal and pay pages, webhooks) are never affected: this only looks at logged-in
users whose session has not passed a TOTP check yet.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from vangnet.accounts.conf import staff_2fa_required


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("staff_accounts:otp-verify").rsplit("/", 2)[0] + "/",  # /staff/2fa/
        reverse("logout"),
        reverse("login"),
        settings.STATIC_URL,
        "/i18n/",
    )


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and staff_2fa_required()
            and not user.is_verified()
            and not request.path.startswith(_exempt_prefixes())
        ):
            from vangnet.accounts.twofactor import totp_device_confirmed

            name = "otp-verify" if totp_device_confirmed(user=user) else "otp-setup"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(f'staff_accounts:{name}')}?{query}")
        return self.get_response(request)
