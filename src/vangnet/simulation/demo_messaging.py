"""The demo's messages: the shipped library, today's outbox, and a first delivery round.

Why a delivery round in the demo at all: the staff pages only come alive when messages
have really gone through the channel adapters — e-mails written, SMS accepted by a
provider, letters in the day's print batch, calls and visits in the work queues. No
real provider is reachable from a demo, so e-mail goes to files (Django's file
backend, in ``VANGNET_HOME/demo-mail``) and SMS/WhatsApp to the local CM.com sandbox,
which speaks the provider's API; the adapters are the production ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.test.utils import override_settings

from vangnet.parties.models import Organisation


@dataclass
class DemoMessagingResult:
    templates_loaded: int = 0
    enqueued: int = 0
    delivered: int = 0
    failed: int = 0
    letters_in_batch: int = 0
    by_channel: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)


def demo_messaging_run(
    *, organisation: Organisation, now: datetime, max_deliver: int = 600
) -> DemoMessagingResult:
    from vangnet.messaging.channels.printing import print_batch_build
    from vangnet.messaging.channels.sandbox.cm_server import start_server
    from vangnet.messaging.content.library import library_load
    from vangnet.messaging.delivery import outbox_deliver_batch
    from vangnet.messaging.models import OutboxMessage
    from vangnet.messaging.services import outbox_enqueue_due

    result = DemoMessagingResult()
    loaded = library_load()
    result.templates_loaded = len(loaded.templates_created) + len(loaded.versions_created)
    result.enqueued = outbox_enqueue_due(organisation_id=organisation.pk, now=now).created

    mail_dir = settings.VANGNET_HOME / "demo-mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    server, base_url = start_server(token="demo-sandbox-token")
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
            VANGNET_CM_BASE_URL=base_url,
            VANGNET_CM_PRODUCT_TOKEN="demo-sandbox-token",
        ):
            while result.delivered + result.failed < max_deliver:
                stats = outbox_deliver_batch(
                    worker_id="demo", batch_size=min(100, max_deliver), now=now
                )
                result.delivered += stats.sent
                result.failed += stats.failed
                if not stats.claimed:
                    break
    finally:
        server.shutdown()
        server.server_close()

    batch = print_batch_build(batch_date=now.date())
    result.letters_in_batch = batch.letters
    rows = OutboxMessage.objects.filter(organisation_id=organisation.pk)
    result.by_channel = Counter(rows.values_list("channel", flat=True))
    result.by_status = Counter(rows.values_list("status", flat=True))
    return result


@dataclass
class DemoStatementResult:
    path: str
    summary: str  # "matched M of N entries"
    unmatched: int


def demo_statement_run(
    *, organisation: Organisation, on, payments: int = 120, returns: int = 3
) -> DemoStatementResult:
    """This morning's bank statement: written as a real CAMT.053 file, then imported.

    Some customers in arrears pay today (with the remittance variety of real transfers:
    betalingskenmerk, invoice or customer number in the text, typos, nothing at all)
    and a few direct debits come back; the import reconciles them like a bank's file,
    closes the cases that are paid and leaves the rest in the unmatched queue.
    """
    from vangnet.banking.services import statement_import
    from vangnet.simulation.camt import (
        payable_invoices,
        plan_payments,
        returned_debits,
        write_camt053,
    )

    folder = settings.VANGNET_HOME / "bank"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-afschrift-{on:%Y%m%d}.xml"
    invoices = payable_invoices(organisation_id=organisation.pk, count=payments)
    entries = plan_payments(invoices, booked_on=on, seed=1)
    entries += returned_debits(
        organisation_id=organisation.pk, count=returns, returned_on=on, seed=1
    )
    write_camt053(
        entries, path, account_iban="NL02ABNA0123456789", statement_id=f"DEMO-{on:%Y%m%d}"
    )
    result = statement_import(organisation=organisation, source=path)
    return DemoStatementResult(str(path), result.summary, result.credits - result.matched)
