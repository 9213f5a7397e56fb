"""Fixtures for plans and costs: an organisation, accounts in arrears, a declared budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.strategy.conftest import DAY, account_in_arrears  # noqa: F401
from vangnet.parties.models import Organisation
from vangnet.rules.affordability import Budget


@pytest.fixture
def org(db) -> Organisation:
    return Organisation.objects.create(
        name="Waterbedrijf Regeling", slug="water-regeling", sector="drinking_water"
    )


def budget(**overrides) -> Budget:
    """Single person, € 1.800 net, € 700 rent, € 200 fixed costs: room € 521,82 (2025)."""
    values = {
        "net_income": Decimal("1800"),
        "housing_costs": Decimal("700"),
        "fixed_costs": Decimal("200"),
    }
    values.update(overrides)
    return Budget(**values)


TODAY: date = DAY
