from __future__ import annotations

import pytest

from tests.workspace.conftest import ledger  # noqa: F401  (fixture reuse)
from vangnet.accounts.services import roles_ensure

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def roles(db):
    return roles_ensure()


def make_role_user(username: str, role_key: str):
    from django.contrib.auth.models import User

    from vangnet.accounts.services import staff_role_assign

    user = User.objects.create_user(username, password=PASSWORD)
    staff_role_assign(user=user, role_key=role_key)
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
