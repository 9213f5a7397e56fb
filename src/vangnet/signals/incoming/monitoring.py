"""The monitor (Divosa/CBS figures) and the DDAS export, from the database in bulk.

Both read meldingen of one municipality by month: one query for the meldingen, one for
their signal counts, one for their contact attempts; the pure ``signals.monitor`` and
``signals.ddas`` do the rest. The monitor holds pseudonymised ids only (no names, no
addresses); the DDAS export carries what the CBS model asks for and is refused unless it
validates against the official schema.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from vangnet.signals import ddas, monitor
from vangnet.signals.incoming import conf
from vangnet.signals.incoming.models import ContactAttempt, IncomingSignal, Melding


def _months(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _meldingen(municipality_code: str, start: date, end: date):
    return Melding.objects.filter(
        municipality_code=municipality_code, month__gte=start.replace(day=1), month__lte=end
    )


def _attempts(melding_ids) -> dict[int, list[ContactAttempt]]:
    out: dict[int, list[ContactAttempt]] = defaultdict(list)
    for a in ContactAttempt.objects.filter(melding_id__in=melding_ids).order_by("at", "pk"):
        out[a.melding_id].append(a)
    return out


def residents_default() -> int:
    configured = conf.municipality_residents()
    if configured:
        return configured
    from vangnet.parties.geography import postcode_areas
    from vangnet.parties.models import Organisation

    org = Organisation.objects.filter(kind="municipality").order_by("pk").first()
    if org is None:
        return 0
    name = org.name.removeprefix("Gemeente ").strip().lower()
    return sum(a.residents for a in postcode_areas().values() if a.municipality.lower() == name)


def monitor_records(
    *, municipality_code: str, start: date, end: date
) -> list[tuple[str, monitor.MeldingRecord]]:
    """(pseudonymised id, record) per melding — the id is a stable hash, not the pk."""
    import hashlib

    from django.conf import settings

    rows = list(
        _meldingen(municipality_code, start, end)
        .annotate(n=Count("signals"))
        .values("pk", "n", "multiple", "consecutive", "result")
    )
    attempts = _attempts([r["pk"] for r in rows])
    out = []
    for r in rows:
        pseudo = hashlib.sha256(f"{settings.SECRET_KEY}:melding:{r['pk']}".encode()).hexdigest()[
            :16
        ]
        out.append(
            (
                pseudo,
                monitor.MeldingRecord(
                    signal_count=r["n"],
                    multiple=r["multiple"],
                    consecutive=r["consecutive"],
                    attempts=tuple(
                        monitor.Attempt(kind=a.kind, reached=a.reached, day_part=a.day_part)
                        for a in attempts[r["pk"]]
                    ),
                    result=r["result"],
                ),
            )
        )
    return out


def monitor_figures(
    *, municipality_code: str, start: date, end: date, residents: int | None = None
) -> monitor.MonitorFigures:
    records = [
        r for _, r in monitor_records(municipality_code=municipality_code, start=start, end=end)
    ]
    return monitor.compute(
        residents=residents_default() if residents is None else residents,
        months=_months(start, end),
        meldingen=records,
    )


def _ddas_signal(s: IncomingSignal) -> ddas.Signal:
    return ddas.Signal(
        id=f"{s.partner_id}-{s.external_id}",
        partner_type=s.partner.partner_type,
        client=ddas.Client(
            initials=s.initials,
            prefix=s.prefix,
            surname=s.surname,
            date_of_birth=s.date_of_birth,
            street=s.street,
            postcode=s.postcode,
            house_number=s.house_number,
            house_number_suffix=s.house_number_suffix,
            city=s.city,
        ),
        amount_cents=s.amount_cents,
        arose_on=s.arose_on,
        signalled_on=s.signalled_on,
        status=s.status,
        crisis=s.crisis,
        warm_handover=s.warm_handover,
    )


def ddas_document(
    *, municipality_code: str, start: date, end: date, delivered_at: datetime | None = None
) -> dict[str, Any]:
    """The DDAS ``Uitwisselmodel`` for the signals received and meldingen of the period."""
    from vangnet.parties.models import Organisation

    meldingen = list(_meldingen(municipality_code, start, end))
    attempts = _attempts([m.pk for m in meldingen])
    signals = list(
        IncomingSignal.objects.filter(melding__in=meldingen)
        .select_related("partner")
        .order_by("received_at", "pk")
    )
    by_melding: dict[int, list[str]] = defaultdict(list)
    for s in signals:
        by_melding[s.melding_id].append(f"{s.partner_id}-{s.external_id}")
    cases = [
        ddas.SignalCase(
            signal_ids=by_melding[m.pk],
            matched_on=m.matched_on,
            picked_up_on=m.picked_up_on,
            result=m.result,
            attempts=tuple(
                ddas.ContactAttempt(kind=a.kind, reached=a.reached, at=timezone.localtime(a.at))
                for a in attempts[m.pk]
            ),
        )
        for m in meldingen
        if by_melding[m.pk]
    ]
    org = Organisation.objects.filter(kind="municipality").order_by("pk").first()
    return ddas.build_document(
        supplier_code=conf.supplier_code(),
        period_start=start,
        period_end=end,
        delivered_at=delivered_at or timezone.now(),
        deliveries=[
            ddas.Delivery(
                municipality_code=municipality_code,
                organisation_name=org.name if org else f"Gemeente {municipality_code}",
                signals=[_ddas_signal(s) for s in signals],
                cases=cases,
            )
        ],
    )
