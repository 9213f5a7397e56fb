"""The start page: counts and the aging report, equal to hand-computed numbers."""

from __future__ import annotations

from django.urls import reverse

import pytest

from vangnet.workspace.selectors import overview_get


def test_counts_equal_hand_computed(ledger):
    data = overview_get(organisation_id=ledger.organisation.pk, today=ledger.today)
    assert data.has_data
    assert data.counts.customers == 3
    assert data.counts.accounts == 3
    assert data.counts.open_invoices == 5  # F-1, F-2, F-3, F-5, F-6
    assert data.counts.accounts_in_arrears == 2  # Jansen, de Vries
    assert data.counts.arrears_cents == 10000 + 2500 + 20000


def test_aging_buckets_equal_hand_computed(ledger):
    data = overview_get(organisation_id=ledger.organisation.pk, today=ledger.today)
    buckets = {b.label: b for b in data.aging.buckets}
    assert data.aging.not_due_cents == 4000 + 2000
    assert (buckets["0-30"].invoice_count, buckets["0-30"].amount_cents) == (1, 20000)
    assert (buckets["31-60"].invoice_count, buckets["31-60"].amount_cents) == (1, 2500)
    assert (buckets["61-90"].invoice_count, buckets["61-90"].amount_cents) == (0, 0)
    assert (buckets["90+"].invoice_count, buckets["90+"].amount_cents) == (1, 10000)
    # Accounts by their oldest overdue invoice: Jansen (100 days) sits entirely in 90+.
    assert (buckets["0-30"].account_count, buckets["0-30"].account_arrears_cents) == (1, 20000)
    assert buckets["31-60"].account_count == 0
    assert (buckets["90+"].account_count, buckets["90+"].account_arrears_cents) == (1, 12500)
    assert data.aging_invoice_count == 3
    assert data.aging_account_arrears_cents == 32500


def test_page_shows_the_numbers(staff_client, ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("workspace:overview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="aging-table"' in html
    assert '<dd data-stat="customers">3</dd>' in html
    assert '<dd data-stat="open-invoices">5</dd>' in html
    assert '<dd data-stat="arrears">€ 325,00</dd>' in html
    assert "€ 200,00" in html and "€ 125,00" in html and "€ 60,00" in html
    assert "Nog niet vervallen" in html
    assert "meer dan 90 dagen" in html
    assert "Waterbedrijf Test" in html  # organisation name in the header


def test_empty_state_without_organisation(staff_client):
    html = staff_client.get(reverse("workspace:overview")).content.decode()
    assert "Nog geen gegevens — importeer klanten en facturen" in html
    assert 'id="aging-table"' not in html


def test_empty_state_with_organisation_but_no_data(staff_client, organisation):
    html = staff_client.get(reverse("workspace:overview")).content.decode()
    assert "Nog geen gegevens — importeer klanten en facturen" in html


@pytest.mark.django_db
def test_overview_selector_without_organisation():
    from datetime import date

    data = overview_get(organisation_id=None, today=date(2025, 1, 1))
    assert not data.has_data
    assert data.counts.arrears_cents == 0
