"""Anonymisation after the retention term, and removal of expired links.

Who is anonymised: a person whose cases are all closed, the last one more than the
retention term ago (``VANGNET_RETENTION_DAYS``), and none of whose contracts still runs
(a current customer must still be invoiced, so name and address stay until the contract
ends). What happens:

* the person's name, date of birth, BSN, preferences and vulnerability flags are
  cleared; contact points are deleted; the link to address and household is cut and
  addresses/households nobody else uses are deleted;
* every row reachable from the person (see ``graph.py``) has its personal fields
  cleared per ``PERSONAL_FIELDS`` (message texts, payer names and IBANs, notes,
  signal details, income figures); fields of apps that are not installed are skipped;
* amounts, dates, statuses and references stay: the ledger must still add up for the
  accountant, and aggregate reports keep working.

Expired pay links get an unknowable token and expired short links are deleted, for
everyone, ``VANGNET_TOKEN_GRACE_DAYS`` after they expired.

Each batch is one transaction; a crash loses at most the batch in flight and a re-run
continues (persons already anonymised are recorded in ``Anonymisation`` and skipped).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from vangnet.core.services import audit_record
from vangnet.ledger.models import Account
from vangnet.parties.models import Address, Household, Person
from vangnet.privacy import conf
from vangnet.privacy.graph import records_for_persons, reverse_relations
from vangnet.privacy.models import Anonymisation
from vangnet.strategy.constants import CaseStatus
from vangnet.strategy.models import Case

logger = logging.getLogger(__name__)

ANONYMOUS_SURNAME = "[geanonimiseerd]"

# model label → fields holding personal data in rows that belong to one person.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "ledger.payment": ("payer_iban", "payer_name", "description"),
    "messaging.outboxmessage": ("recipient", "subject", "text", "html"),
    "messaging.deliveryevent": ("detail",),
    "messaging_channels.inboundmessage": ("sender", "subject", "body"),
    "messaging_channels.letterqueueitem": ("name", "postcode"),
    "strategy.caseevent": ("text",),
    "strategy.hold": ("reason",),
    "workspace.task": ("description", "phone", "outcome_note"),
    "banking.statemententry": ("party_name", "party_iban", "remittance", "note"),
    "directdebit.mandate": ("debtor_name", "iban", "bic"),
    "arrangements.paymentplan": ("income", "affordability", "affordability_text"),
    "signals_in.incomingsignal": (
        "initials",
        "prefix",
        "surname",
        "street",
        "house_number",
        "house_number_suffix",
        "postcode",
        "city",
        "phone",
        "email",
        "address_key",
    ),
    "signals_in.contactattempt": ("note",),
    "signals_out.outgoingsignal": ("evidence", "note"),
    "payments.providerpayment": ("raw",),
}
# Rows that are nothing but personal data.
DELETED: tuple[str, ...] = ("parties.contactpoint", "banking.knownpayeriban")
# Secret tokens that are replaced by an unknowable value (the row itself is money history).
REVOKED_TOKENS: dict[str, str] = {"payments.paymentlink": "token"}
# Expiring links: label → (expiry field, what to do).
EXPIRING: dict[str, tuple[str, str]] = {
    "messaging_engagement.shortlink": ("expires_at", "delete"),
    "payments.paymentlink": ("expires_at", "revoke"),
    "portal.portaltoken": ("expires_at", "delete"),
    "portal.portalcode": ("expires_at", "delete"),
}


@dataclass
class PurgeResult:
    today: dt.date
    cutoff: dt.date
    dry_run: bool
    persons: int = 0
    changed: Counter = field(default_factory=Counter)
    expired_links: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _blank(model_field: models.Field) -> Any:
    if isinstance(model_field, models.JSONField):
        return model_field.get_default()
    if isinstance(model_field, models.CharField | models.TextField):
        return None if (model_field.null and not model_field.blank) else ""
    if model_field.null:
        return None
    raise ValueError(f"cannot blank {model_field}")


def purge_candidates(*, cutoff: dt.date) -> models.QuerySet[Person]:
    """Persons due for anonymisation at ``cutoff`` (see the module docstring)."""
    cases = Case.objects.filter(account__customer__person=OuterRef("pk"))
    running = Account.objects.filter(customer__person=OuterRef("pk")).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=cutoff)
    )
    done = Anonymisation.objects.filter(person=OuterRef("pk"))
    return (
        Person.objects.filter(Exists(cases))
        .exclude(Exists(cases.exclude(status=CaseStatus.CLOSED)))
        .exclude(Exists(cases.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=cutoff))))
        .exclude(Exists(running))
        .exclude(Exists(done))
        .order_by("pk")
    )


def _unused(model: type[models.Model], pks: set) -> set:
    """Of these rows, the ones no other row points at any more."""
    qs = model._default_manager.filter(pk__in=pks)
    for relation in reverse_relations(model):
        qs = qs.exclude(
            Exists(
                relation.related_model._default_manager.filter(
                    **{relation.field.name: OuterRef("pk")}
                )
            )
        )
    return set(qs.values_list("pk", flat=True))


def _anonymise_batch(person_ids: list[int], *, cutoff: dt.date, result: PurgeResult) -> None:
    found = records_for_persons(person_ids)
    by_label = {model._meta.label_lower: (model, pks) for model, pks in found.items()}
    persons = Person.objects.select_for_update().filter(pk__in=person_ids)
    addresses = set(persons.exclude(address=None).values_list("address_id", flat=True))
    households = set(persons.exclude(household=None).values_list("household_id", flat=True))
    addresses |= set(
        Household.objects.filter(pk__in=households)
        .exclude(address=None)
        .values_list("address_id", flat=True)
    )
    for label, fields in PERSONAL_FIELDS.items():
        model = _model(label)
        if model is None:
            continue
        names = {f.name: f for f in model._meta.concrete_fields}
        present = [name for name in fields if name in names]
        for name in set(fields) - set(present):
            result.warnings.append(f"{label}.{name}: field not found, skipped")
        pks = by_label.get(label, (model, set()))[1]
        if pks and present:
            result.changed[label] += model._default_manager.filter(pk__in=pks).update(
                **{name: _blank(names[name]) for name in present}
            )
    for label, field_name in REVOKED_TOKENS.items():
        model, pks = by_label.get(label, (None, set()))
        if model is not None and pks:
            result.changed[f"{label}.{field_name}"] += _revoke(model, field_name, pks)
    if "messaging_engagement.shortlink" in {m._meta.label_lower for m in apps.get_models()}:
        case_ids = by_label.get("strategy.case", (None, set()))[1]
        if case_ids:
            links = apps.get_model("messaging_engagement.shortlink")._default_manager
            result.changed["messaging_engagement.shortlink"] += (
                links.filter(case_id__in=case_ids)
                .delete()[1]
                .get("messaging_engagement.ShortLink", 0)
            )
    for label in DELETED:
        model, pks = by_label.get(label, (None, set()))
        if model is not None and pks:
            result.changed[label] += model._default_manager.filter(pk__in=pks).delete()[0]
    account_ids = by_label.get("ledger.account", (None, set()))[1]
    if account_ids:
        addresses |= set(
            Account.objects.filter(pk__in=account_ids)
            .exclude(supply_address=None)
            .values_list("supply_address_id", flat=True)
        )
        Account.objects.filter(pk__in=account_ids).update(supply_address=None)
    result.changed["parties.person"] += persons.update(
        initials="",
        given_name="",
        surname_prefix="",
        surname=ANONYMOUS_SURNAME,
        date_of_birth=None,
        bsn=None,
        household=None,
        address=None,
        preferred_channels=[],
        contact_window_start=None,
        contact_window_end=None,
        medical_necessity=False,
        in_debt_help=False,
        moratorium_until=None,
        deceased_on=None,
        updated_at=timezone.now(),
    )
    for model, pks in ((Household, households), (Address, addresses)):
        unused = _unused(model, pks)
        if unused:
            result.changed[model._meta.label_lower] += model._default_manager.filter(
                pk__in=unused
            ).delete()[0]
    counts = {label: len(pks) for label, (_m, pks) in by_label.items()}
    Anonymisation.objects.bulk_create(
        [Anonymisation(person_id=pk, cutoff=cutoff, counts=counts) for pk in person_ids]
    )


def _revoke(model: type[models.Model], field_name: str, pks: set) -> int:
    """Replace tokens by ``x<per-run secret><pk>``: unique, and known to nobody."""
    run_secret = secrets.token_hex(16)
    return (
        model._default_manager.filter(pk__in=pks)
        .exclude(**{f"{field_name}__startswith": "x"})
        .update(**{field_name: Concat(Value("x" + run_secret), Cast("pk", CharField()))})
    )


def _expired_links(*, now: dt.datetime, dry_run: bool, result: PurgeResult) -> None:
    before = now - dt.timedelta(days=conf.token_grace_days())
    for label, (expiry, how) in EXPIRING.items():
        model = _model(label)
        if model is None:
            result.warnings.append(f"{label}: not installed, skipped")
            continue
        qs = model._default_manager.filter(**{f"{expiry}__lt": before})
        if how == "revoke":
            qs = qs.exclude(token__startswith="x")
            if dry_run:
                result.expired_links[label] = qs.count()
            else:
                result.expired_links[label] = _revoke(
                    model, "token", set(qs.values_list("pk", flat=True))
                )
        elif dry_run:
            result.expired_links[label] = qs.count()
        else:
            result.expired_links[label] = qs.delete()[1].get(model._meta.label, 0)


def privacy_purge(
    *,
    today: dt.date | None = None,
    dry_run: bool = False,
    actor: Any = None,
    retention_days: int | None = None,
) -> PurgeResult:
    """Anonymise persons past the retention term and remove expired links; audited."""
    today = today or timezone.localdate()
    days = conf.retention_days() if retention_days is None else retention_days
    cutoff = today - dt.timedelta(days=days)
    result = PurgeResult(today=today, cutoff=cutoff, dry_run=dry_run)
    candidates = list(purge_candidates(cutoff=cutoff).values_list("pk", flat=True))
    result.persons = len(candidates)
    if not dry_run:
        size = conf.purge_batch_size()
        for start in range(0, len(candidates), size):
            with transaction.atomic():
                _anonymise_batch(candidates[start : start + size], cutoff=cutoff, result=result)
    with transaction.atomic():
        _expired_links(now=timezone.now(), dry_run=dry_run, result=result)
    result.warnings = sorted(set(result.warnings))
    for warning in result.warnings:
        logger.warning("privacy purge: %s", warning)
    audit_record(
        action="privacy.purge_dry_run" if dry_run else "privacy.purge",
        actor=actor,
        process="" if actor else "privacy purge",
        summary=f"{result.persons} persons {'due' if dry_run else 'anonymised'}, cutoff {cutoff}",
        details={
            "today": today.isoformat(),
            "cutoff": cutoff.isoformat(),
            "retention_days": days,
            "changed": dict(result.changed),
            "expired_links": dict(result.expired_links),
            "warnings": result.warnings,
        },
    )
    return result
