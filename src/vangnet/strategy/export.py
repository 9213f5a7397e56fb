"""The audit export: every action ever decided, one row each.

Columns (issue, "Audit export"): ``action_id, case_id, customer_number, date,
action_type, channel, template, status, amount_cents, reason_code`` — enough for an
auditor to re-run the guardrails independently. ``date`` is the local date the action
was planned for (``scheduled_for``), which is what the legal terms count from.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from vangnet.parties.models import Organisation
from vangnet.strategy.models import Action

ACTION_EXPORT_COLUMNS = [
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
_ZONE = ZoneInfo("Europe/Amsterdam")


def actions_write(*, organisation: Organisation, out: IO[str]) -> int:
    """Write the CSV to ``out`` (streamed in id order); returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(ACTION_EXPORT_COLUMNS)
    qs = (
        Action.objects.filter(organisation=organisation)
        .order_by("id")
        .values_list(
            "id",
            "case_id",
            "case__account__customer__number",
            "scheduled_for",
            "action_type",
            "channel",
            "template",
            "status",
            "amount_cents",
            "reason_code",
        )
    )
    count = 0
    for pk, case_id, customer, at, kind, channel, template, status, amount, reason in qs.iterator(
        5000
    ):
        writer.writerow(
            [
                pk,
                case_id,
                customer,
                at.astimezone(_ZONE).date().isoformat(),
                kind,
                channel,
                template,
                status,
                "" if amount is None else amount,
                reason,
            ]
        )
        count += 1
    return count


def actions_export(*, organisation: Organisation, path: Path) -> int:
    with path.open("w", encoding="utf-8", newline="") as fh:
        return actions_write(organisation=organisation, out=fh)
