"""Fixtures for the importer tests: sample files in tmp_path and a few accounts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from vangnet.ledger.models import Account, Customer
from vangnet.parties.models import Person

CUSTOMERS_NL = (
    "klantnummer;contractnummer;soort;startdatum;voorletters;roepnaam;tussenvoegsel;"
    "achternaam;geboortedatum;bsn;straat;huisnummer;postcode;woonplaats;e-mail;mobiel;"
    "voorkeurskanalen;taal;toestemming gemeente\n"
    "K1;C1;drinkwater;01-01-2020;J.;Jan;de;Vries;15-03-1980;111222333;Dorpsstraat;12a;"
    "1011 AB;Amsterdam;jan@example.nl;06 12345678;sms,email;nl;ja\n"
    "K2;C2;energie;2021-02-01;A.;Anna;;Jansen;1975-07-01;;Kerkweg;3-1;3511AA;Utrecht;;;;en;nee\n"
    "K1;C3;huur;;J.;Jan;de;Vries;15-03-1980;;Dorpsstraat;12a;1011 AB;Amsterdam;;;;;\n"
)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write ``text`` to a file in tmp_path (encoding and BOM as asked)."""

    def _write(name: str, text: str, *, encoding: str = "utf-8", bom: bool = False) -> Path:
        path = tmp_path / name
        data = text.encode(encoding)
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return path

    return _write


@pytest.fixture
def accounts(organisation) -> dict[str, Account]:
    """Accounts A1..A3 (customers K1..K3) to import invoices and payments against."""
    result = {}
    for i in range(1, 4):
        person = Person.objects.create(surname=f"Persoon {i}")
        customer = Customer.objects.create(organisation=organisation, number=f"K{i}", person=person)
        result[f"A{i}"] = Account.objects.create(
            organisation=organisation, customer=customer, number=f"A{i}"
        )
    return result
