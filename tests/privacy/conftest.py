"""One person with data in every app that holds person data (hand-made, real rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

import pytest

from tests.workspace.conftest import ledger  # noqa: F401  (fixture reuse)
from vangnet.ledger.models import Account
from vangnet.parties.models import Person


@dataclass
class Rich:
    person: Person
    account: Account
    case: object
    created: dict[str, object]


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rich_person(books, *, closed_days_ago: int = 10, end_days_ago: int | None = None) -> Rich:
    from vangnet.arrangements.models import PaymentPlan
    from vangnet.banking.directdebit.models import Mandate
    from vangnet.banking.models import KnownPayerIban
    from vangnet.messaging.models import OutboxMessage
    from vangnet.payments.models import PaymentLink
    from vangnet.signals.incoming.models import Melding
    from vangnet.signals.outgoing.models import OutgoingSignal
    from vangnet.strategy.models import Action, Case, CaseEvent
    from vangnet.workspace.models import Task

    account = books.jansen
    person = account.customer.person
    org = books.organisation
    today = books.today
    now = timezone.now()
    if end_days_ago is not None:
        account.end_date = today - timedelta(days=end_days_ago)
        account.save()
    case = Case.objects.create(
        organisation=org,
        account=account,
        status="closed",
        opened_on=today - timedelta(days=400),
        closed_on=today - timedelta(days=closed_days_ago),
        close_cause="paid",
    )
    created = {
        "strategy.caseevent": CaseEvent.objects.create(
            case=case, on=today, at=now, kind="closed", text="Gebeld met mevrouw Jansen"
        ),
        "strategy.action": (
            action := Action.objects.create(
                organisation=org,
                case=case,
                action_type="message",
                run_date=today,
                scheduled_for=now,
                idempotency_key=f"a-{case.pk}",
                created_at=now,
            )
        ),
        "messaging.outboxmessage": OutboxMessage.objects.create(
            organisation=org,
            case=case,
            action=action,
            person=person,
            channel="email",
            recipient="anna.jansen@example.nl",
            subject="Herinnering",
            text="Beste Anna Jansen",
            idempotency_key=f"o-{case.pk}",
            not_before=now,
            next_attempt_at=now,
            created_at=now,
        ),
        "workspace.task": Task.objects.create(
            organisation=org,
            case=case,
            person=person,
            kind="call",
            title="Bellen",
            phone="+31612345678",
            due_on=today,
            idempotency_key=f"t-{case.pk}",
        ),
        "arrangements.paymentplan": PaymentPlan.objects.create(
            organisation=org,
            account=account,
            case=case,
            total_cents=12500,
            instalment_count=5,
            instalment_cents=2500,
            first_due_on=today,
            day_of_month=1,
            source="staff",
            created_on=today,
            income={"netto": 1400},
        ),
        "directdebit.mandate": Mandate.objects.create(
            organisation=org,
            account=account,
            reference=f"M-{account.pk}",
            debtor_name="A. Jansen",
            iban="NL91ABNA0417164300",
            signed_on=today,
            channel="paper",
            collection_day=1,
        ),
        "payments.paymentlink": PaymentLink.objects.create(
            organisation=org,
            account=account,
            customer=account.customer,
            token="geheim-token-1",
            min_amount_cents=500,
            expires_at=now + timedelta(days=14),
        ),
        "signals_out.outgoingsignal": OutgoingSignal.objects.create(
            organisation=org,
            case=case,
            account=account,
            status="sent",
            amount_cents=12500,
            signalled_on=today,
            note="Huisbezoek gewenst",
        ),
        "signals_in.melding": Melding.objects.create(
            municipality_code="0344",
            address_key="1234AB-2",
            month=today.replace(day=1),
            matched_on=today,
            person=person,
        ),
        "banking.knownpayeriban": KnownPayerIban.objects.create(
            organisation=org, iban="NL91ABNA0417164300", account=account
        ),
    }
    return Rich(person=person, account=account, case=case, created=created)
