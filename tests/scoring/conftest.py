from __future__ import annotations

from datetime import date

import pytest

from vangnet.simulation.generator import Horizon
from vangnet.simulation.loader import population_load

TODAY = date(2025, 6, 10)


@pytest.fixture
def population(organisation):
    """A small simulated water company (18 months of billing) for ``organisation``."""
    stats = population_load(
        organisation=organisation,
        households=300,
        horizon=Horizon(today=TODAY, months=18),
        seed=11,
        chunk_size=300,
    )
    return organisation, stats
