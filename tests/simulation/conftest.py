from __future__ import annotations

from datetime import date

import pytest

from vangnet.simulation.generator import Horizon
from vangnet.simulation.loader import population_load

TODAY = date(2025, 6, 10)


@pytest.fixture
def horizon() -> Horizon:
    return Horizon(today=TODAY, months=12)


@pytest.fixture
def loaded(organisation, horizon):
    """A small population written for the ``organisation`` fixture."""
    stats = population_load(
        organisation=organisation, households=400, horizon=horizon, seed=7, chunk_size=150
    )
    return organisation, horizon, stats
