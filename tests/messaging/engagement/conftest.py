from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.ledger.factories import make_account
from vangnet.strategy.models import Case

AMS = ZoneInfo("Europe/Amsterdam")
TUESDAY = datetime(2026, 3, 10, 0, 0, tzinfo=AMS)  # no holiday near


def make_case(organisation) -> Case:
    account = make_account(organisation)
    return Case.objects.create(
        organisation=organisation, account=account, opened_on=date(2026, 3, 1)
    )


@pytest.fixture
def case(organisation) -> Case:
    return make_case(organisation)
