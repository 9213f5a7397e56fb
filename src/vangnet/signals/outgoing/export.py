"""File exports for the signalling platforms (RIS, VPS) and plain JSON.

Takes every signal with a pending event whose municipality wants files of this kind,
signalled on or before the date, writes them, and marks them delivered in the same
transaction: the file is written to a temporary name and renamed *before* the commit, so
a crash leaves either no marks (the re-run writes the same rows again; receivers are
idempotent on the id) or a complete file.
"""

from __future__ import annotations

import csv
import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

import yaml

from vangnet.core.services import audit_record
from vangnet.signals import ddas
from vangnet.signals.outgoing import conf, wire
from vangnet.signals.outgoing.constants import (
    LIVE_STATUSES,
    DeliveryMethod,
    SignalStatus,
    WireEvent,
)
from vangnet.signals.outgoing.models import OutgoingSignal

METHOD = {"ris": DeliveryMethod.RIS_CSV, "vps": DeliveryMethod.VPS_CSV}
AFTER = {
    WireEvent.CREATE: SignalStatus.SENT,
    WireEvent.UPDATE: SignalStatus.UPDATED,
    WireEvent.CLOSE: SignalStatus.CLOSED,
}


def column_spec(fmt: str) -> dict[str, Any]:
    with conf.export_columns_path().open(encoding="utf-8") as fh:
        spec = yaml.safe_load(fh) or {}
    if fmt not in spec or not spec[fmt].get("columns"):
        raise ValueError(f"no column mapping for {fmt!r} in {conf.export_columns_path()}")
    return spec[fmt]


def flat_record(signal: OutgoingSignal, event: str) -> dict[str, Any]:
    """The signal as one flat row (values as Python types, formatted later)."""
    body = wire.signal_json(signal, WireEvent.CREATE)
    client = body.pop("client", {})
    sector = signal.organisation.sector
    return {
        **body,
        **client,
        "event": event,
        "amount": Decimal(signal.amount_cents) / 100,
        "partner_type": ddas.SECTOR_TO_PARTNER.get(sector, "Overige"),
        "reason": signal.close_reason if event == WireEvent.CLOSE else "",
    }


def _format(value: Any, spec: dict[str, Any]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(spec.get(value, "true" if value else "false"))
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", spec.get("decimal", "."))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime(spec.get("date_format", "%Y-%m-%d"))
        except ValueError:
            return value
    return str(value)


def pending_for(fmt: str, on: date) -> list[int]:
    methods = [METHOD[fmt]] if fmt in METHOD else list(METHOD.values())
    return list(
        OutgoingSignal.objects.exclude(pending_event="")
        .filter(status__in=LIVE_STATUSES, endpoint__method__in=methods, signalled_on__lte=on)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def signals_export(*, fmt: str, on: date, out: Path, now: datetime | None = None) -> int:
    """Write the pending signals for ``fmt`` (ris, vps or json) to ``out``; returns count."""
    if fmt not in (*METHOD, "json"):
        raise ValueError("format must be ris, vps or json")
    now = now or timezone.now()
    spec = column_spec(fmt) if fmt in METHOD else {}
    tmp = out.with_name(out.name + ".part")
    with transaction.atomic():
        ids = pending_for(fmt, on)
        locked = list(OutgoingSignal.objects.select_for_update().filter(pk__in=ids))
        signals = wire.load_signals([s.pk for s in locked])
        if fmt == "json":
            data = {"signals": [wire.envelope(s) for s in signals]}
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        else:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, delimiter=spec.get("delimiter", ";"))
                writer.writerow([c["header"] for c in spec["columns"]])
                for s in signals:
                    rec = flat_record(s, s.pending_event)
                    writer.writerow([_format(rec.get(c["field"]), spec) for c in spec["columns"]])
        for event, status in AFTER.items():
            OutgoingSignal.objects.filter(
                pk__in=[s.pk for s in signals if s.pending_event == event]
            ).update(
                status=status,
                pending_event=WireEvent.NONE,
                sent_at=now,
                ack_id=f"export:{out.name}"[:100],
                attempts=1,
            )
        for s in signals:
            OutgoingSignal.objects.filter(pk=s.pk).update(sent_amount_cents=s.amount_cents)
        os.replace(tmp, out)
        audit_record(
            action="signals_out.exported",
            summary=f"{fmt}: {len(signals)} signals to {out.name}",
            process="signals_export",
            details={"format": fmt, "date": on.isoformat(), "count": len(signals)},
        )
    return len(signals)
