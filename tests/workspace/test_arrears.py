"""The arrears list: search, sort, pagination, empty states, a fixed number of queries."""

from __future__ import annotations

import re

from django.urls import reverse

import pytest

from tests.workspace.conftest import add_account, add_invoice
from vangnet.workspace.selectors import ARREARS_PAGE_SIZE

URL = reverse("workspace:arrears")


def customer_numbers(response) -> list[str]:
    return [row.customer_number for row in response.context["rows"]]


def test_lists_only_accounts_in_arrears_largest_first(staff_client, ledger):
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert customer_numbers(response) == ["K-2002", "K-1001"]
    rows = response.context["rows"]
    assert [r.arrears_cents for r in rows] == [20000, 12500]
    assert [r.days_past_due for r in rows] == [10, 100]
    assert [r.open_invoice_count for r in rows] == [1, 3]
    assert [r.municipality for r in rows] == ["Eindhoven", "Utrecht"]
    html = response.content.decode()
    assert "€ 200,00" in html and "€ 125,00" in html
    assert "Anna de Vries" in html
    assert "K-3003" not in html  # Bakker has nothing overdue


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("arrears", ["K-2002", "K-1001"]),
        ("days", ["K-1001", "K-2002"]),
        ("customer", ["K-1001", "K-2002"]),
        ("nonsense", ["K-2002", "K-1001"]),
    ],
)
def test_sort(staff_client, ledger, sort, expected):
    assert customer_numbers(staff_client.get(URL, {"sort": sort})) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("k-2002", ["K-2002"]),  # customer number, case-insensitive
        ("C-1001", ["K-1001"]),  # account number
        ("VRIES", ["K-2002"]),  # surname without prefix
        ("jan", ["K-1001"]),  # surname prefix match
        ("1234ab", ["K-1001"]),  # postcode without space, lower case
        ("1234 AB", ["K-1001"]),
        ("5678", ["K-2002"]),
        ("  K-  ", ["K-2002", "K-1001"]),
    ],
)
def test_search(staff_client, ledger, q, expected):
    assert customer_numbers(staff_client.get(URL, {"q": q})) == expected


def test_search_without_results_has_its_own_empty_state(staff_client, ledger):
    html = staff_client.get(URL, {"q": "Pietersen"}).content.decode()
    assert "Geen contracten met een achterstand gevonden voor ‘Pietersen’" in html
    assert 'id="arrears-table"' not in html


def test_no_arrears_empty_state(staff_client, organisation):
    html = staff_client.get(URL).content.decode()
    assert "Geen achterstanden" in html
    assert 'id="arrears-table"' not in html


def test_search_input_is_labelled_and_keeps_the_query(staff_client, ledger):
    html = staff_client.get(URL, {"q": "<jansen>"}).content.decode()
    assert '<label for="id_q">Zoeken</label>' in html
    assert 'value="&lt;jansen&gt;"' in html


@pytest.fixture
def many_in_arrears(ledger):
    """55 extra accounts of the Massa family, each € 1,00 more in arrears than the last."""
    for i in range(55):
        account = add_account(
            ledger.organisation,
            number=f"{5000 + i}",
            surname="Massa",
            postcode="3511 AA",
            city="Utrecht",
        )
        add_invoice(
            account,
            f"M-{i}",
            due_in_days=-20,
            amount=100 * (i + 1),
            open_amount=100 * (i + 1),
            today=ledger.today,
        )
    return ledger


def test_pagination_keeps_query_and_sort(staff_client, many_in_arrears):
    first = staff_client.get(URL, {"q": "massa", "sort": "customer"})
    assert first.context["page"].paginator.count == 55
    assert len(first.context["rows"]) == ARREARS_PAGE_SIZE
    assert customer_numbers(first)[0] == "K-5000"
    html = first.content.decode()
    assert "55 contracten met een achterstand" in html
    links = re.findall(r'href="(\?[^"]*page=2[^"]*)"', html)
    assert links, "no link to page 2"
    assert "q=massa" in links[0] and "sort=customer" in links[0]

    second = staff_client.get(URL, {"q": "massa", "sort": "customer", "page": 2})
    assert customer_numbers(second) == [f"K-{5000 + i}" for i in range(50, 55)]
    assert 'rel="prev"' in second.content.decode()


def test_out_of_range_page_shows_the_last_page(staff_client, many_in_arrears):
    response = staff_client.get(URL, {"page": 999})
    assert response.context["page"].number == 2


def test_no_query_per_row(staff_client, many_in_arrears, django_assert_max_num_queries):
    # session + user + permissions + organisation (x2) + count + page: independent of rows
    with django_assert_max_num_queries(10):
        response = staff_client.get(URL)
    assert len(response.context["rows"]) == ARREARS_PAGE_SIZE
