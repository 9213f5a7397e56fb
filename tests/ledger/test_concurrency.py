"""Two workers allocating the same account at once must not spend money twice."""

import threading
from datetime import date

from django.db import connection

import pytest

from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.models import Allocation, Invoice, Payment

from .factories import make_account, make_invoice, make_payment


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_locks_rows(organisation):
    acc = make_account(organisation)
    inv = make_invoice(acc, 2000, date(2026, 1, 1))
    make_payment(acc, 1500, date(2026, 1, 2))
    make_payment(acc, 1500, date(2026, 1, 3))
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            allocate_accounts([acc.pk])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    inv.refresh_from_db()
    assert inv.open_amount_cents == 0
    assert sum(Allocation.objects.values_list("amount_cents", flat=True)) == 2000
    assert sum(Payment.objects.values_list("unallocated_cents", flat=True)) == 1000
    assert Invoice.objects.get(pk=inv.pk).allocations.count() == 2
