"""Login throttling (django-axes): locked after N wrong passwords, with a Dutch message."""

from __future__ import annotations

from django.urls import reverse

import pytest

from tests.accounts.conftest import PASSWORD, make_role_user

pytestmark = pytest.mark.django_db


def _post(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_lockout_after_the_failure_limit(client, roles, settings):
    make_role_user("anna", "collector")
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = _post(client, "anna", "fout-wachtwoord")
        assert response.status_code == 200  # the login form again, with its error
    locked = _post(client, "anna", "fout-wachtwoord")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Inloggen is tijdelijk geblokkeerd" in text
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} minuten" in text

    # Even the right password is refused while the lock lasts.
    refused = _post(client, "anna", PASSWORD)
    assert refused.status_code == 429
    assert client.get(reverse("workspace:overview")).status_code == 302


def test_a_correct_login_resets_the_count(client, roles, settings):
    make_role_user("bram", "collector")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _post(client, "bram", "fout")
    assert _post(client, "bram", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _post(client, "bram", "fout").status_code == 200


def test_test_client_login_without_request_still_works(client, roles):
    make_role_user("cor", "collector")
    assert client.login(username="cor", password=PASSWORD)
    assert client.get(reverse("workspace:overview")).status_code == 200
