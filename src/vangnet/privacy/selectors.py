"""Reading the access log for the auditor: by staff member, by customer, by period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from vangnet.core.models import AccessLogEntry
from vangnet.ledger.models import Account, Customer
from vangnet.privacy.export import access_log_filter
from vangnet.privacy.graph import records_for_persons


@dataclass(frozen=True)
class AccessLogQuery:
    username: str = ""
    customer_number: str = ""
    account_number: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def access_log_search(query: AccessLogQuery) -> QuerySet[AccessLogEntry]:
    """Entries matching every filter given; a customer or contract number covers all
    records of that person (accounts, cases, plans, messages …), not just the account page."""
    qs = AccessLogEntry.objects.select_related("user").order_by("-at", "-pk")
    if query.username:
        qs = qs.filter(user__username__iexact=query.username)
    if query.date_from:
        qs = qs.filter(at__gte=_day_start(query.date_from))
    if query.date_to:
        qs = qs.filter(at__lt=_day_start(query.date_to + dt.timedelta(days=1)))
    person_ids: set[int] = set()
    if query.customer_number:
        person_ids |= set(
            Customer.objects.filter(number__iexact=query.customer_number).values_list(
                "person_id", flat=True
            )
        )
    if query.account_number:
        person_ids |= set(
            Account.objects.filter(number__iexact=query.account_number).values_list(
                "customer__person_id", flat=True
            )
        )
    if query.customer_number or query.account_number:
        if not person_ids:
            return qs.none()
        qs = qs.filter(access_log_filter(records_for_persons(person_ids)) | Q(pk__in=[]))
    return qs
