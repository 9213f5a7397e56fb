"""The unmatched queue: permission, list, search, pagination, empty state, match, ignore."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Permission, User

import pytest

from vangnet.banking.constants import EntryStatus, MatchRule
from vangnet.banking.models import KnownPayerIban, Statement, StatementEntry
from vangnet.core.models import AuditEvent
from vangnet.ledger.models import Payment

from ..ledger.factories import make_account, make_invoice

pytestmark = pytest.mark.django_db

URL = "/banking/unmatched/"


@pytest.fixture
def clerk(db):
    user = User.objects.create(username="clerk")  # force_login: no password hashing
    user.user_permissions.add(
        Permission.objects.get(codename="change_statemententry", content_type__app_label="banking")
    )
    return user


def _entry(organisation, n, **kwargs):
    statement, _ = Statement.objects.get_or_create(
        organisation=organisation,
        account_iban="NL02ABNA0123456789",
        statement_id="S1",
        defaults={"format": "camt053", "file_hash": "0" * 64},
    )
    defaults = {
        "organisation": organisation,
        "statement": statement,
        "entry_key": f"K{n}",
        "amount_cents": 1000 + n,
        "direction": "credit",
        "booking_date": date(2025, 6, 10),
        "party_name": f"Betaler {n}",
        "party_iban": "NL39RABO0300065264",
        "remittance": f"omschrijving {n}",
        "status": EntryStatus.UNMATCHED,
    }
    defaults.update(kwargs)
    return StatementEntry.objects.create(**defaults)


def test_login_and_permission_are_required(client, organisation):
    assert client.get(URL).status_code == 302
    client.force_login(User.objects.create(username="nobody"))
    assert client.get(URL).status_code == 403


def test_empty_state(client, organisation, clerk):
    client.force_login(clerk)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Alle betalingen zijn gekoppeld" in response.content.decode()


def test_list_search_and_pagination(client, organisation, clerk, settings, monkeypatch):
    monkeypatch.setenv("VANGNET_BANK_PAGE_SIZE", "3")
    for n in range(7):
        _entry(organisation, n)
    _entry(organisation, 99, status=EntryStatus.MATCHED)  # not in the queue
    _entry(organisation, 98, direction="debit")  # not in the queue
    client.force_login(clerk)
    page = client.get(URL).content.decode()
    assert "7 betalingen" in page
    assert page.count("Koppelen<span") == 3
    assert "Betaler 99" not in page and "Betaler 98" not in page
    last = client.get(URL, {"page": 3}).content.decode()
    assert last.count("Koppelen<span") == 1
    found = client.get(URL, {"q": "omschrijving 4"}).content.decode()
    assert "Betaler 4" in found and "Betaler 5" not in found
    by_amount = client.get(URL, {"q": "10,05"}).content.decode()
    assert "Betaler 5" in by_amount and "Betaler 4" not in by_amount
    none = client.get(URL, {"q": "bestaat niet"}).content.decode()
    assert "Geen betalingen gevonden" in none


def test_assign_books_payment_allocates_remembers_and_audits(client, organisation, clerk):
    account = make_account(organisation, number="10000042")
    invoice = make_invoice(account, 1003, date(2025, 6, 1), number="V202506000042")
    entry = _entry(organisation, 3)
    client.force_login(clerk)
    search = client.get(f"/banking/entries/{entry.pk}/", {"zoek": "V202506000042"})
    assert "10000042" in search.content.decode()
    response = client.post(
        f"/banking/entries/{entry.pk}/",
        {"action": "assign", "account": account.pk, "invoice": invoice.pk, "remember_iban": "on"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.MATCHED
    assert entry.match_rule == MatchRule.MANUAL
    assert entry.handled_by == clerk
    payment = Payment.objects.get(reference=entry.entry_key)
    assert (payment.account_id, payment.amount_cents, payment.invoice_reference) == (
        account.pk,
        1003,
        "V202506000042",
    )
    invoice.refresh_from_db()
    assert invoice.open_amount_cents == 0
    assert KnownPayerIban.objects.filter(iban="NL39RABO0300065264", account=account).exists()
    assert AuditEvent.objects.filter(action="statement_entry_assign", actor=clerk).exists()
    # Posting again does not book twice.
    client.post(f"/banking/entries/{entry.pk}/", {"action": "assign", "account": account.pk})
    assert Payment.objects.filter(reference=entry.entry_key).count() == 1


def test_ignore_needs_a_reason(client, organisation, clerk):
    entry = _entry(organisation, 1)
    client.force_login(clerk)
    response = client.post(f"/banking/entries/{entry.pk}/", {"action": "ignore", "reason": ""})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == EntryStatus.UNMATCHED
    client.post(f"/banking/entries/{entry.pk}/", {"action": "ignore", "reason": "Borg terug"})
    entry.refresh_from_db()
    assert (entry.status, entry.note) == (EntryStatus.IGNORED, "Borg terug")
    assert AuditEvent.objects.filter(action="statement_entry_ignore").exists()


def test_remembered_iban_matches_the_next_statement(organisation):
    from vangnet.banking.reconcile import reconcile

    account = make_account(organisation, number="10000077")
    KnownPayerIban.objects.create(
        organisation=organisation, iban="NL39RABO0300065264", account=account
    )
    entry = StatementEntry(
        amount_cents=500, creditor_reference="", remittance="", party_iban="NL39RABO0300065264"
    )
    (match,) = reconcile(organisation_id=organisation.pk, entries=[entry])
    assert (match.account_id, match.rule) == (account.pk, MatchRule.IBAN)


def test_other_organisations_entries_are_not_found(client, organisation, clerk):
    from vangnet.parties.models import Organisation

    other = Organisation.objects.create(name="Ander", slug="ander")
    entry = _entry(other, 1)
    client.force_login(clerk)
    assert client.get(f"/banking/entries/{entry.pk}/").status_code == 404
