"""Reads for the staff pages: mandates with search, upcoming collections, batches, returns."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from vangnet.banking.directdebit.constants import CollectionStatus
from vangnet.banking.directdebit.models import Batch, Collection, Mandate


def mandates_list(*, organisation_id: int | None, q: str = "", status: str = "") -> QuerySet:
    qs = Mandate.objects.filter(organisation_id=organisation_id).select_related(
        "account", "account__customer"
    )
    if status:
        qs = qs.filter(status=status)
    if q:
        compact = q.replace(" ", "").upper()
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(debtor_name__icontains=q)
            | Q(iban__icontains=compact)
            | Q(account__number__icontains=q)
            | Q(account__customer__number__icontains=q)
        )
    return qs.order_by("-created_at", "-pk")


def upcoming_collections(*, organisation_id: int | None, today: date, limit: int = 12) -> list:
    """Scheduled collections per collection date (count, total, not yet pre-notified)."""
    return list(
        Collection.objects.filter(
            organisation_id=organisation_id,
            status=CollectionStatus.SCHEDULED,
            collection_date__gte=today,
        )
        .values("collection_date")
        .annotate(
            n=Count("id"),
            total=Sum("amount_cents"),
            not_prenotified=Count("id", filter=Q(prenotified_at__isnull=True)),
        )
        .order_by("collection_date")[:limit]
    )


def batches_list(*, organisation_id: int | None) -> QuerySet:
    return Batch.objects.filter(organisation_id=organisation_id).defer("content_gz")


def returns_list(*, organisation_id: int | None, reason: str = "") -> QuerySet:
    qs = Collection.objects.filter(
        organisation_id=organisation_id, status=CollectionStatus.RETURNED
    ).select_related("mandate", "account")
    if reason:
        qs = qs.filter(return_reason=reason.upper())
    return qs.order_by("-returned_on", "-pk")


def return_reason_counts(*, organisation_id: int | None) -> list:
    return list(
        Collection.objects.filter(organisation_id=organisation_id, status=CollectionStatus.RETURNED)
        .values("return_reason")
        .annotate(n=Count("id"))
        .order_by("-n", "return_reason")
    )
