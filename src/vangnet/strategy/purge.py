"""Removing an organisation's strategy data (demo reset, simulation clean-up).

Plain DELETEs, children first: the ORM's cascade would load every action to check its
protected relations, which takes minutes at a hundred thousand cases.
"""

from __future__ import annotations

from django.db import connection, transaction

from vangnet.strategy import bulk
from vangnet.strategy.models import Action, Case, CaseEvent, DailyRun, Hold, StrategyPolicy


def strategy_data_purge(*, organisation_id: int, keep_policy: bool = False) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {bulk.table(Action)} WHERE organisation_id = %s", [organisation_id]
        )
        cursor.execute(
            f"DELETE FROM {bulk.table(CaseEvent)} WHERE case_id IN"
            f" (SELECT id FROM {bulk.table(Case)} WHERE organisation_id = %s)",
            [organisation_id],
        )
        models = [Hold, Case, DailyRun] + ([] if keep_policy else [StrategyPolicy])
        for model in models:
            cursor.execute(
                f"DELETE FROM {bulk.table(model)} WHERE organisation_id = %s", [organisation_id]
            )
