"""The account page: person, position, invoices, payments, masked BSN, access log."""

from __future__ import annotations

from django.urls import reverse

from tests.workspace.conftest import FULL_BSN, add_invoice
from vangnet.core.models import AccessLogEntry
from vangnet.workspace.selectors import ACCOUNT_LIST_CAP


def account_url(account) -> str:
    return reverse("workspace:account", kwargs={"pk": account.pk})


def test_amounts_positions_and_statuses(staff_client, ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):  # 16 + the dossier lookup (no case here)
        response = staff_client.get(account_url(ledger.jansen))
    html = response.content.decode()
    assert '<dd data-stat="balance">€ 165,00</dd>' in html
    assert '<dd data-stat="arrears">€ 125,00</dd>' in html
    assert '<dd data-stat="days-past-due">100</dd>' in html
    statuses = {i.number: i.status_label for i in response.context["detail"].invoices}
    assert statuses == {
        "F-1": "achterstallig",
        "F-2": "achterstallig",
        "F-3": "open",
        "F-4": "betaald",
    }
    assert "€ 55,00" in html  # the payment
    assert "F-2: € 25,00" in html and "F-4: € 30,00" in html  # its allocations
    assert "MD06" in html and "gestorneerd op" in html  # the returned debit
    assert "Automatische incasso" in html
    assert "anna.jansen@example.nl" in html
    assert "SMS, E-mail" in html  # preferred channels, in order, as labels
    assert "in schuldhulp" in html
    assert "Contact via e-mail, SMS of WhatsApp" in html


def test_bsn_is_masked_and_never_in_full(staff_client, ledger):
    html = staff_client.get(account_url(ledger.jansen)).content.decode()
    assert '<span data-field="bsn">******333</span>' in html
    assert FULL_BSN not in html


def test_dates_are_dutch(staff_client, ledger):
    html = staff_client.get(account_url(ledger.jansen)).content.decode()
    assert "14 maart 1980" in html  # date of birth
    assert "1 januari 2015" in html  # start date


def test_every_view_writes_an_access_log_row(staff_client, staff_user, ledger):
    url = account_url(ledger.jansen)
    staff_client.get(url)
    staff_client.get(url)
    rows = list(AccessLogEntry.objects.order_by("pk"))
    assert len(rows) == 2
    for row in rows:
        assert row.user == staff_user
        assert (row.object_type, row.object_id, row.purpose) == (
            "account",
            str(ledger.jansen.pk),
            "view",
        )


def test_lists_and_overview_do_not_log(staff_client, ledger):
    staff_client.get(reverse("workspace:overview"))
    staff_client.get(reverse("workspace:arrears"))
    assert not AccessLogEntry.objects.exists()


def test_empty_invoice_and_payment_lists(staff_client, organisation):
    from tests.workspace.conftest import add_account

    account = add_account(
        organisation, number="4004", surname="Leeg", postcode="1000 AA", city="Amsterdam"
    )
    html = staff_client.get(account_url(account)).content.decode()
    assert "Nog geen facturen voor dit contract." in html
    assert "Nog geen betalingen voor dit contract." in html
    assert "niet bekend" in html  # no BSN


def test_long_history_is_capped_with_show_all(staff_client, ledger):
    for i in range(30):
        add_invoice(
            ledger.bakker,
            f"H-{i:02}",
            due_in_days=-400 - 30 * i,
            amount=1000,
            open_amount=0,
            today=ledger.today,
        )
    capped = staff_client.get(account_url(ledger.bakker))
    assert len(capped.context["detail"].invoices) == ACCOUNT_LIST_CAP
    assert "Toon alles" in capped.content.decode()
    full = staff_client.get(account_url(ledger.bakker), {"alles": "1"})
    assert len(full.context["detail"].invoices) == 31
    assert "Toon alles" not in full.content.decode()


def test_unknown_account_is_404(staff_client, ledger):
    assert staff_client.get(reverse("workspace:account", kwargs={"pk": 999999})).status_code == 404
