"""Two exports of the same date at once: the row lock lets exactly one take the rows."""

from __future__ import annotations

import threading
from datetime import date

from django.db import connection

import pytest

from tests.banking.directdebit.conftest import TODAY, sign
from tests.ledger.factories import make_account
from vangnet.banking.directdebit.models import Batch, Collection
from vangnet.banking.directdebit.services import batch_export, collection_schedule

DAY = date(2026, 11, 16)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_exports_never_export_a_collection_twice(profile, organisation, tmp_path):
    for i in range(40):
        m = sign(make_account(organisation))
        collection_schedule(
            mandate=m,
            amount_cents=100 + i,
            reference=f"F{i}",
            remittance="x",
            earliest=TODAY,
            today=TODAY,
        )
    barrier = threading.Barrier(2)
    results: list[object] = []

    def run(name: str) -> None:
        try:
            barrier.wait()
            results.append(
                batch_export(
                    organisation_id=organisation.pk, collection_date=DAY, out=tmp_path / name
                )
            )
        except Exception as exc:  # pragma: no cover - reported below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f"{n}.xml",)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = sorted(r.count for r in results)  # an exception has no .count: test fails
    assert counts == [0, 40]
    assert Batch.objects.count() == 1
    assert len(list(tmp_path.glob("*.xml"))) == 1
    assert set(Collection.objects.values_list("status", flat=True)) == {"exported"}
