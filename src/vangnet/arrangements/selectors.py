"""Reads for the staff pages and the account page includes."""

from __future__ import annotations

from django.db.models import QuerySet

from vangnet.arrangements.constants import PlanStatus
from vangnet.arrangements.models import ChargedCost, PaymentPlan


def approvals_pending(*, organisation_id: int | None) -> QuerySet[PaymentPlan]:
    qs = PaymentPlan.objects.filter(status=PlanStatus.PENDING_APPROVAL).select_related(
        "account__customer__person"
    )
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("created_at", "pk")


def plan_detail(*, organisation_id: int | None, pk: int) -> PaymentPlan | None:
    qs = PaymentPlan.objects.select_related("account__customer__person", "approved_by")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.filter(pk=pk).first()


def plans_for_account(*, account_id: int) -> list[PaymentPlan]:
    return list(
        PaymentPlan.objects.filter(account_id=account_id)
        .prefetch_related("instalments")
        .order_by("-created_at")[:10]
    )


def charges_for_account(*, account_id: int) -> list[ChargedCost]:
    return list(
        ChargedCost.objects.filter(account_id=account_id)
        .select_related("invoice", "waived_by")
        .order_by("-computed_on", "-pk")[:50]
    )
