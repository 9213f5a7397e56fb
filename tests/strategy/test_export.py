"""``vangnet export actions``: the audit export's exact columns and rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.core.management import call_command

from tests.strategy.conftest import DAY, account_in_arrears
from vangnet.strategy.export import ACTION_EXPORT_COLUMNS
from vangnet.strategy.models import Action
from vangnet.strategy.run import daily_run


def test_export_actions_columns_and_rows(org, tmp_path):
    account = account_in_arrears(org, mobile=False)
    for offset in range(0, 15):
        daily_run(organisation=org, run_date=DAY + timedelta(days=offset))
    path = tmp_path / "acties.csv"
    out = io.StringIO()
    call_command("export", "actions", "--out", str(path), stdout=out)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [
        "action_id",
        "case_id",
        "customer_number",
        "date",
        "action_type",
        "channel",
        "template",
        "status",
        "amount_cents",
        "reason_code",
    ]
    assert rows[0] == ACTION_EXPORT_COLUMNS
    assert len(rows) - 1 == Action.objects.count() == 4
    by_type = {r[4]: r for r in rows[1:]}
    first = rows[1]
    assert first[4:7] == ["message", "email", "water-friendly-nudge"]
    assert first[2] == account.customer.number
    assert first[3] == DAY.isoformat()
    assert by_type["call_task"][7:] == ["blocked", "5000", "no_phone"]
    assert set(by_type) == {"message", "offer_plan", "call_task"}
    assert "exported 4 rows" in out.getvalue()
