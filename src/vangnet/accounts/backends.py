"""Login throttling (django-axes) that only watches web logins.

Axes refuses to run without the request; logins without one (the Django test client's
``login()``, a management command calling ``authenticate``) cannot come from an attacker
on the network, so they are passed on to the next backend unchecked.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
