"""Benchmark: a pain.008 for 100,000 collections, built and XSD-validated.

Usage::

    .venv/bin/python bench/bench_pain008.py [--collections N] [--postgres] [--no-db]

N defaults to $BENCH_SIZE or 100,000. Three figures without a database:

- sepaxml alone: ``SepaDD.add_payment`` for every line and ``export(validate=False)``;
- our layer (``directdebit.pain008.pain008_build``): per-line checks (amount, IBAN,
  identifiers, SEPA character set), sepaxml, then XSD validation with lxml against the
  XSD sepaxml ships;
- sepaxml with its own validation (``export(validate=True)``, the ``xmlschema`` package)
  for comparison with the lxml check.

Then, unless ``--no-db``, the service end to end in a throwaway database (SQLite, or
PostgreSQL ``vangnet_bench_pain008`` with ``--postgres``): N mandates and scheduled
collections are bulk-inserted, and ``batch_export`` (lock, build, validate, write the
file atomically, mark exported) and ``collections_settle`` (payments + allocation) are
timed. Each figure is printed as seconds and collections/s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _throwaway import throwaway_database

PG_DATABASE = "vangnet_bench_pain008"
DAY = datetime.date(2026, 12, 15)


def _iban(i: int) -> str:
    """A valid Dutch IBAN per index (eleven-test account number, mod-97 check digits)."""
    n = 100_000_000 + i
    while True:
        digits = [int(d) for d in f"{n:09d}"]
        last = -sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if last < 10:
            break
        n += 1_000_000_000 // 7  # jump to another candidate, still unique per i
        n %= 1_000_000_000
    bban = "INGB" + "".join(map(str, digits)) + str(last)
    numeric = "".join(str(int(ch, 36)) for ch in bban + "NL00")
    return f"NL{98 - int(numeric) % 97:02d}{bban}"


def _lines(n: int):
    from vangnet.banking.directdebit.pain008 import DebitLine

    return [
        DebitLine(
            key=i,
            end_to_end_id=f"VNBENCH{i:012d}",
            amount_cents=1_500 + i % 2_000,
            sequence_type="FRST" if i % 20 == 0 else "RCUR",
            collection_date=DAY,
            mandate_reference=f"WBV-MND-{300_000_000 + i}",
            mandate_signed_on=datetime.date(2020, 1, 1),
            debtor_name=f"Zoë de Vries-Çelik {i}",
            iban=_iban(i),
            bic="INGBNL2A",
            remittance=f"Voorschot drinkwater 12-2026 V202612{i:08d}",
        )
        for i in range(n)
    ]


def _timed(label: str, n: int, fn) -> float:
    """Wall and CPU seconds: on a shared machine the CPU figure is the comparable one."""
    began, cpu = time.perf_counter(), time.process_time()
    fn()
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    print(f"{label}: {seconds:.2f} s wall ({cpu:.2f} s CPU), {n / seconds:,.0f} collections/s")
    return seconds


def bench_builder(n: int, *, xmlschema: bool) -> None:
    from sepaxml import SepaDD

    from vangnet.banking.directdebit.pain008 import Creditor, pain008_build

    creditor = Creditor(
        name="Waterbedrijf Benchmark",
        iban="NL20INGB0001234567",
        bic="INGBNL2A",
        creditor_id="NL69ZZZ123456780000",
        schema="pain.008.001.08",
    )
    lines = _lines(n)
    config = {
        "name": creditor.name,
        "IBAN": creditor.iban,
        "BIC": creditor.bic,
        "batch": True,
        "creditor_id": creditor.creditor_id,
        "currency": "EUR",
    }

    def sepaxml_alone(validate: bool) -> bytes:
        doc = SepaDD(dict(config), schema=creditor.schema, clean=False)
        for ln in lines:
            doc.add_payment(
                {
                    "name": "Zoe de Vries-Celik",
                    "IBAN": ln.iban,
                    "BIC": ln.bic,
                    "amount": ln.amount_cents,
                    "type": ln.sequence_type,
                    "collection_date": ln.collection_date,
                    "mandate_id": ln.mandate_reference,
                    "mandate_date": ln.mandate_signed_on,
                    "description": ln.remittance,
                    "endtoend_id": ln.end_to_end_id,
                }
            )
        return doc.export(validate=validate)

    out: dict[str, bytes] = {}
    _timed(f"sepaxml alone, no validation ({n:,})", n, lambda: sepaxml_alone(False))
    _timed(
        f"pain008_build: checks + sepaxml + lxml XSD ({n:,})",
        n,
        lambda: out.setdefault("xml", pain008_build(creditor, lines, message_id="BENCH-1")),
    )
    print(f"  document: {len(out['xml']) / 1e6:.1f} MB")
    if xmlschema:
        try:
            _timed(
                f"sepaxml with its own xmlschema validation ({n:,})", n, lambda: sepaxml_alone(True)
            )
        except Exception as exc:  # xmlschema refuses documents over 1,000,000 elements
            print(f"sepaxml with its own xmlschema validation ({n:,}): fails: {exc}"[:300])


def bench_database(n: int, *, postgres: bool) -> None:
    with throwaway_database(PG_DATABASE, postgres=postgres):
        from django.db import connection

        from vangnet.banking.directdebit.models import Collection, DirectDebitProfile, Mandate
        from vangnet.banking.directdebit.services import batch_export, collections_settle
        from vangnet.ledger.models import Account, Customer
        from vangnet.parties.models import Organisation, Person

        org = Organisation.objects.create(name="Waterbedrijf Benchmark", slug="wb-bench")
        DirectDebitProfile.objects.create(
            organisation=org,
            creditor_id="NL69ZZZ123456780000",
            creditor_name=org.name,
            iban="NL20INGB0001234567",
            bic="INGBNL2A",
        )
        began = time.perf_counter()
        people = Person.objects.bulk_create(
            [Person(surname=f"Vries {i}", initials="Z.") for i in range(n)], batch_size=5000
        )
        customers = Customer.objects.bulk_create(
            [Customer(organisation=org, number=f"{i:08d}", person=p) for i, p in enumerate(people)],
            batch_size=5000,
        )
        accounts = Account.objects.bulk_create(
            [Account(organisation=org, customer=c, number=c.number) for c in customers],
            batch_size=5000,
        )
        lines = _lines(n)
        mandates = Mandate.objects.bulk_create(
            [
                Mandate(
                    organisation=org,
                    account=a,
                    reference=ln.mandate_reference,
                    debtor_name=ln.debtor_name,
                    iban=ln.iban,
                    bic=ln.bic,
                    signed_on=ln.mandate_signed_on,
                    channel="paper",
                    collection_day=15,
                    sequence_type=ln.sequence_type,
                )
                for a, ln in zip(accounts, lines, strict=True)
            ],
            batch_size=5000,
        )
        Collection.objects.bulk_create(
            [
                Collection(
                    organisation=org,
                    mandate=m,
                    account_id=m.account_id,
                    reference=f"V202612{ln.key:08d}",
                    remittance=ln.remittance,
                    amount_cents=ln.amount_cents,
                    collection_date=DAY,
                    end_to_end_id=ln.end_to_end_id,
                )
                for m, ln in zip(mandates, lines, strict=True)
            ],
            batch_size=5000,
        )
        print(f"set-up: {n:,} mandates and collections in {time.perf_counter() - began:.1f} s")
        vendor = connection.vendor
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "pain008.xml"
            _timed(
                f"batch_export end to end ({vendor}, {n:,})",
                n,
                lambda: batch_export(organisation_id=org.pk, collection_date=DAY, out=out),
            )
            print(f"  file: {out.stat().st_size / 1e6:.1f} MB")
        _timed(
            f"collections_settle: payments + allocation ({vendor}, {n:,})",
            n,
            lambda: collections_settle(organisation_id=org.pk, on=DAY),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--collections", type=int, default=int(os.environ.get("BENCH_SIZE") or 100_000)
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--no-db", action="store_true", help="only the builder figures")
    parser.add_argument(
        "--no-xmlschema", action="store_true", help="skip sepaxml's own (slow) validation"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.conf.settings")
    if args.no_db:
        import django

        django.setup()
    bench_builder(args.collections, xmlschema=not args.no_xmlschema)
    if not args.no_db:
        bench_database(args.collections, postgres=args.postgres)
    return 0


if __name__ == "__main__":
    sys.exit(main())
