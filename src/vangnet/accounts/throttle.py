"""The page a locked-out login gets: the login page with a clear Dutch explanation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    if cooloff is None:
        return 0
    return max(1, int(cooloff.total_seconds() // 60))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 Too Many Requests, with the login form so the person knows where they are."""
    return render(
        request,
        "staff_accounts/lockout.html",
        {
            "form": AuthenticationForm(request),
            "minutes": lockout_minutes(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )
