"""Anonymisation after the retention term: names and contact details go, amounts stay."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

import pytest

from tests.privacy.conftest import rich_person
from vangnet.core.models import AuditEvent
from vangnet.ledger.models import Invoice, Payment
from vangnet.parties.models import Address, ContactPoint, Person
from vangnet.privacy.export import privacy_export_person
from vangnet.privacy.models import Anonymisation
from vangnet.privacy.purge import ANONYMOUS_SURNAME, privacy_purge

pytestmark = pytest.mark.django_db


def _past_term(ledger):
    # Case closed 800 days ago, contract ended 790 days ago: past the 730-day term.
    return rich_person(ledger, closed_days_ago=800, end_days_ago=790)


def test_dry_run_counts_and_changes_nothing(ledger):
    rich = _past_term(ledger)
    result = privacy_purge(today=ledger.today, dry_run=True)
    assert result.persons == 1
    rich.person.refresh_from_db()
    assert rich.person.surname == "Jansen"
    assert AuditEvent.objects.filter(action="privacy.purge_dry_run").exists()


def test_person_past_the_term_is_anonymised_and_the_ledger_kept(ledger):
    rich = _past_term(ledger)
    address_id = rich.person.address_id
    invoiced = Invoice.objects.filter(account=rich.account).aggregate(s=Sum("amount_cents"))["s"]
    paid = Payment.objects.filter(account=rich.account).aggregate(s=Sum("amount_cents"))["s"]

    result = privacy_purge(today=ledger.today)

    assert result.persons == 1
    person = Person.objects.get(pk=rich.person.pk)
    assert person.surname == ANONYMOUS_SURNAME
    assert (person.given_name, person.initials, person.bsn, person.date_of_birth) == (
        "",
        "",
        None,
        None,
    )
    assert person.address_id is None and not person.in_debt_help
    assert not ContactPoint.objects.filter(person=person).exists()
    assert not Address.objects.filter(pk=address_id).exists()
    outbox = rich.created["messaging.outboxmessage"]
    outbox.refresh_from_db()
    assert (outbox.recipient, outbox.text) == ("", "")
    task = rich.created["workspace.task"]
    task.refresh_from_db()
    assert task.phone == ""
    mandate = rich.created["directdebit.mandate"]
    mandate.refresh_from_db()
    assert (mandate.debtor_name, mandate.iban) == ("", "")
    link = rich.created["payments.paymentlink"]
    link.refresh_from_db()
    assert link.token != "geheim-token-1" and link.token.startswith("x")
    plan = rich.created["arrangements.paymentplan"]
    plan.refresh_from_db()
    assert plan.income == {} and plan.total_cents == 12500
    # Accounting still adds up.
    assert (
        Invoice.objects.filter(account=rich.account).aggregate(s=Sum("amount_cents"))["s"]
        == invoiced
    )
    assert (
        Payment.objects.filter(account=rich.account).aggregate(s=Sum("amount_cents"))["s"] == paid
    )
    assert not Payment.objects.filter(account=rich.account).exclude(payer_name="").exists()
    # Nothing personal left in an export of the anonymised person.
    text = str(privacy_export_person(person=person))
    for needle in ("Jansen", "anna.jansen", "+31612345678", "NL91ABNA", "111222333", "Anna"):
        assert needle not in text, needle
    # Others untouched.
    assert Person.objects.get(pk=ledger.de_vries.customer.person_id).surname == "Vries"
    assert Anonymisation.objects.filter(person=person).exists()
    event = AuditEvent.objects.get(action="privacy.purge")
    assert event.details["changed"]["parties.person"] == 1


def test_rerun_is_a_no_op(ledger):
    _past_term(ledger)
    assert privacy_purge(today=ledger.today).persons == 1
    assert privacy_purge(today=ledger.today).persons == 0
    assert AuditEvent.objects.filter(action="privacy.purge").count() == 2


@pytest.mark.parametrize(
    ("closed_days_ago", "end_days_ago"),
    [(100, 790), (800, None), (800, 100)],
    ids=["case-closed-recently", "contract-still-running", "contract-ended-recently"],
)
def test_within_the_term_nothing_happens(ledger, closed_days_ago, end_days_ago):
    rich = rich_person(ledger, closed_days_ago=closed_days_ago, end_days_ago=end_days_ago)
    assert privacy_purge(today=ledger.today).persons == 0
    rich.person.refresh_from_db()
    assert rich.person.surname == "Jansen"


def test_an_open_case_blocks_anonymisation(ledger):
    from vangnet.strategy.models import Case

    rich = _past_term(ledger)
    Case.objects.create(
        organisation=ledger.organisation,
        account=rich.account,
        status="open",
        opened_on=ledger.today,
    )
    assert privacy_purge(today=ledger.today).persons == 0


def test_expired_links_are_revoked_and_deleted(ledger, settings):
    from vangnet.messaging.engagement.models import ShortLink
    from vangnet.payments.models import PaymentLink

    settings.VANGNET_TOKEN_GRACE_DAYS = 30
    now = timezone.now()
    account = ledger.de_vries
    old = PaymentLink.objects.create(
        organisation=ledger.organisation,
        account=account,
        customer=account.customer,
        token="oud-token",
        min_amount_cents=500,
        expires_at=now - timedelta(days=31),
    )
    fresh = PaymentLink.objects.create(
        organisation=ledger.organisation,
        account=account,
        customer=account.customer,
        token="vers-token",
        min_amount_cents=500,
        expires_at=now - timedelta(days=29),
    )
    ShortLink.objects.create(
        code="oud",
        target_url="/pay/l/oud-token/",
        organisation=ledger.organisation,
        created_at=now - timedelta(days=60),
        expires_at=now - timedelta(days=31),
    )
    ShortLink.objects.create(
        code="vers",
        target_url="/x/",
        organisation=ledger.organisation,
        created_at=now,
        expires_at=now + timedelta(days=1),
    )
    dry = privacy_purge(today=ledger.today, dry_run=True)
    assert dry.expired_links["payments.paymentlink"] == 1
    assert PaymentLink.objects.filter(token="oud-token").exists()

    result = privacy_purge(today=ledger.today)
    assert result.expired_links["messaging_engagement.shortlink"] == 1
    assert result.expired_links["payments.paymentlink"] == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.token.startswith("x") and fresh.token == "vers-token"
    assert list(ShortLink.objects.values_list("code", flat=True)) == ["vers"]


def test_purge_command(ledger, capsys):
    _past_term(ledger)
    call_command("purge", "--dry-run", "--date", ledger.today.isoformat())
    assert "1 persons due" in capsys.readouterr().out
    call_command("purge", "--retention-days", "1000")
    assert "0 persons anonymised" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("purge", "--date", "gisteren")
