"""Shared fixtures and the PostgreSQL/Redis markers.

Tests marked ``postgres`` need row locking or COPY and are skipped with that reason on
SQLite; with VANGNET_FORBID_SKIPS=1 (CI's PostgreSQL run) any skip fails the session.
"""

from __future__ import annotations

import os
import socket

from django.db import connection

import pytest
from hypothesis import settings as hypothesis_settings

# No per-example deadline: on a loaded CI machine a slow example is not a failure
# (timing belongs in bench/); the number of examples stays Hypothesis' default.
hypothesis_settings.register_profile("vangnet", deadline=None)
hypothesis_settings.load_profile("vangnet")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    redis = None
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL (set DATABASE_URL=postgres://…); this run uses "
                    f"{connection.vendor}"
                )
            )
        if "redis" in item.keywords:
            redis = _redis_up() if redis is None else redis
            if not redis:
                item.add_marker(
                    pytest.mark.skip(reason="needs Redis on 127.0.0.1:6379, which is not running")
                )


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("VANGNET_FORBID_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        print(f"\nVANGNET_FORBID_SKIPS=1: {skipped} test(s) were skipped; failing the run.")
        session.exitstatus = 1


@pytest.fixture
def organisation(db):
    from vangnet.parties.models import Organisation

    return Organisation.objects.create(
        name="Waterbedrijf Test", slug="waterbedrijf-test", sector="drinking_water"
    )
