"""The AVG access request (art. 15): everything vangnet holds on one person, as JSON."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from vangnet.core.models import AccessLogEntry
from vangnet.core.services import audit_record
from vangnet.parties.models import Person
from vangnet.privacy.graph import Found, records_for_persons

FORMAT = "vangnet-avg-export/1"
# Secrets that would let the reader (or whoever gets the file) act as the person.
MASKED_FIELDS = frozenset({"token", "secret_hash", "key", "bin_key"})
# Access-log object types whose name is not the model name.
ACCESS_LOG_TYPES = {
    "account": "ledger.account",
    "payment_plan": "arrangements.paymentplan",
    "case": "strategy.case",
    "melding": "signals_in.melding",
    "person": "parties.person",
    "outboxmessage": "messaging.outboxmessage",
}


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def rows_of(model: type[models.Model], pks: set) -> list[dict[str, Any]]:
    fields = [f for f in model._meta.concrete_fields]
    names = [f.attname for f in fields]
    rows = []
    for row in model._default_manager.filter(pk__in=pks).order_by("pk").values(*names):
        rows.append(
            {
                name: ("***" if name in MASKED_FIELDS and row[name] else _json_value(row[name]))
                for name in names
            }
        )
    return rows


def access_log_filter(found: Found) -> Q:
    """A Q on AccessLogEntry matching every look at one of the found rows."""
    by_label = {model._meta.label_lower: pks for model, pks in found.items()}
    by_model_name = {model._meta.model_name: pks for model, pks in found.items()}
    q = Q(pk__in=[])
    types = set(ACCESS_LOG_TYPES) | set(by_model_name)
    for object_type in sorted(types):
        label = ACCESS_LOG_TYPES.get(object_type)
        pks = by_label.get(label) if label else by_model_name.get(object_type)
        if pks:
            q |= Q(object_type=object_type, object_id__in=[str(pk) for pk in pks])
    return q


def privacy_export_person(*, person: Person, actor: Any = None) -> dict[str, Any]:
    """Gather everything held on ``person`` across apps; the request is itself audited."""
    found = records_for_persons([person.pk])
    records = {
        model._meta.label_lower: rows_of(model, pks)
        for model, pks in sorted(found.items(), key=lambda item: item[0]._meta.label_lower)
        if model is not Person
    }
    addresses = {pk for pk in (person.address_id,) if pk}
    if person.household_id and person.household and person.household.address_id:
        addresses.add(person.household.address_id)
    if "ledger.account" in records:
        addresses |= {
            r["supply_address_id"] for r in records["ledger.account"] if r.get("supply_address_id")
        }
    from vangnet.parties.models import Address, Household

    access = (
        AccessLogEntry.objects.filter(access_log_filter(found))
        .order_by("at")
        .values("at", "object_type", "object_id", "purpose")
    )
    export = {
        "format": FORMAT,
        "generated_at": timezone.now().isoformat(),
        "person": rows_of(Person, {person.pk})[0],
        "addresses": rows_of(Address, addresses),
        "household": rows_of(Household, {person.household_id}) if person.household_id else [],
        "records": records,
        # Who looked is staff data; the person is told when and what was looked at.
        "access_log": [{k: _json_value(v) for k, v in row.items()} for row in access],
    }
    audit_record(
        action="privacy.export",
        actor=actor,
        process="" if actor else "privacy export",
        object_type="person",
        object_id=person.pk,
        summary=f"AVG export: {sum(len(v) for v in records.values())} records",
        details={"counts": {k: len(v) for k, v in records.items()}},
    )
    return export
