"""The second login step: enrol an authenticator app, then enter its code."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from vangnet.accounts import twofactor


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _to(name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'next': _next_url(request)})}")


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    if twofactor.totp_device_confirmed(user=request.user) and not request.user.is_verified():
        # Re-enrolling would let a stolen password replace the second factor.
        return _to("staff_accounts:otp-verify", request)
    device = twofactor.totp_device_start(user=request.user)
    error = ""
    if request.method == "POST":
        if twofactor.totp_device_confirm(
            request=request, device=device, token=request.POST.get("token", "")
        ):
            return redirect(_next_url(request))
        error = _("De code klopt niet. Kijk in de app en typ de zes cijfers die nu te zien zijn.")
    return render(
        request,
        "staff_accounts/otp_setup.html",
        {
            "qr_svg": twofactor.totp_qr_svg(device),
            "secret": twofactor.totp_secret_text(device),
            "error": error,
            "next": _next_url(request),
        },
        status=200 if not error else 400,
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    if twofactor.totp_device_confirmed(user=request.user) is None:
        return _to("staff_accounts:otp-setup", request)
    error = ""
    if request.method == "POST":
        if twofactor.otp_verify(request=request, token=request.POST.get("token", "")):
            return redirect(_next_url(request))
        error = _(
            "De code klopt niet of is verlopen. Wacht op een nieuwe code en probeer het "
            "opnieuw. Na meer foute pogingen moet u steeds langer wachten."
        )
    return render(
        request,
        "staff_accounts/otp_verify.html",
        {"error": error, "next": _next_url(request)},
        status=200 if not error else 400,
    )
