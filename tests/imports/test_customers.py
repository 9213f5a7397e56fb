"""Customer/account import: people, addresses, contact points, consent, BSN rules."""

from __future__ import annotations

from datetime import date

from vangnet.imports.runner import run_import
from vangnet.ledger.models import Account, Customer
from vangnet.parties.models import Address, Consent, ContactPoint, Person

from .conftest import CUSTOMERS_NL


def _import(path, organisation, **kw):
    return run_import(kind="customers", path=path, organisation=organisation, **kw)


def test_customers_accounts_and_people(write, organisation):
    result = _import(write("k.csv", CUSTOMERS_NL), organisation)
    assert result.summary() == "imported 3, updated 0, unchanged 0, rejected 0"
    assert Customer.objects.count() == 2
    assert Person.objects.count() == 2  # K1's second account reuses the same person
    c1, c3 = Account.objects.get(number="C1"), Account.objects.get(number="C3")
    assert c1.customer_id == c3.customer_id
    assert (c1.kind, c3.kind, c1.start_date) == ("drinking_water", "rent", date(2020, 1, 1))
    jan = c1.customer.person
    assert (jan.initials, jan.given_name, jan.surname_prefix, jan.surname) == (
        "J.",
        "Jan",
        "de",
        "Vries",
    )
    assert jan.bsn == "111222333"
    assert jan.preferred_channels == ["sms", "email"]
    address = jan.address
    assert (address.street, address.house_number, address.house_number_suffix) == (
        "Dorpsstraat",
        12,
        "a",
    )
    assert (address.postcode, address.municipality_name) == ("1011 AB", "Amsterdam")
    assert c1.supply_address_id == address.pk == c3.supply_address_id
    assert set(ContactPoint.objects.filter(person=jan).values_list("kind", "value")) == {
        ("email", "jan@example.nl"),
        ("mobile", "+31612345678"),
    }
    assert Consent.objects.get(person=jan).granted is True
    anna = Account.objects.get(number="C2").customer.person
    assert anna.language == "en"
    assert (anna.address.house_number, anna.address.house_number_suffix) == (3, "1")
    assert anna.address.municipality_name == "Utrecht"
    assert Consent.objects.get(person=anna).granted is False


def test_reimport_is_a_noop_and_changes_update(write, organisation):
    path = write("k.csv", CUSTOMERS_NL)
    _import(path, organisation)
    counts = [m.objects.count() for m in (Person, Address, ContactPoint, Consent, Account)]
    result = _import(path, organisation)
    assert result.summary() == "imported 0, updated 0, unchanged 3, rejected 0"
    assert [m.objects.count() for m in (Person, Address, ContactPoint, Consent, Account)] == counts

    moved = CUSTOMERS_NL.replace("Kerkweg;3-1;3511AA;Utrecht", "Markt;1;2011AA;")
    result = _import(write("k2.csv", moved), organisation)
    assert result.summary() == "imported 0, updated 1, unchanged 2, rejected 0"
    anna = Account.objects.get(number="C2").customer.person
    assert (anna.address.street, anna.address.city) == ("Markt", "Haarlem")  # city from PC4
    assert Account.objects.get(number="C2").supply_address_id == anna.address_id


def test_missing_column_account_number_defaults_to_customer_number(write, organisation):
    path = write("k.csv", "customer_number,surname,postcode\nK7,Bakker,\n")
    assert _import(path, organisation).imported == 1
    assert Account.objects.get(number="K7").customer.number == "K7"


def test_invalid_personal_data_is_rejected_and_bsn_never_echoed(write, organisation):
    header = CUSTOMERS_NL.splitlines()[0]
    rows = [
        "K1;C1;;;;;;Vries;;;Dorpsstraat;1;1011 SA;Amsterdam;;;;;",  # 2 postcode (SA)
        "K2;C2;;;;;;Jansen;;123456789;;;;;;;;;",  # 3 BSN fails 11-test
        "K3;C3;;;;;;Smit;;;;;;;;061234;;;",  # 4 phone
        "K4;C4;;;;;;Bos;;;;;;;geen-mail;;;;",  # 5 email
        "K5;C5;;;;;;Kok;31-12-2999;;;;;;;;;;",  # 6 birth date in the future
        "K6;C6;;;;;;;;;;;;;;;;;",  # 7 surname missing
        "K7;C7;;;;;;Visser;;;Laan;;1234AB;Ergens;;;;;",  # 8 incomplete address
        "K8;C8;;;;;;Mulder;;;;;;;;;;;misschien",  # 9 consent
        "K9;C9;;;;;;Goed;;;;;;;;;;;",  # 10 ok
    ]
    result = _import(write("k.csv", header + "\n" + "\n".join(rows) + "\n"), organisation)
    assert result.summary() == "imported 1, updated 0, unchanged 0, rejected 8"
    assert [(r.line, r.column, r.code) for r in result.rejections] == [
        (2, "postcode", "postcode"),
        (3, "bsn", "bsn"),
        (4, "mobiel", "phone"),
        (5, "e-mail", "email"),
        (6, "geboortedatum", "date_of_birth"),
        (7, "achternaam", "required"),
        (8, "huisnummer", "address"),
        (9, "toestemming gemeente", "boolean"),
    ]
    assert list(Account.objects.values_list("number", flat=True)) == ["C9"]
    for rejection in result.rejections:
        assert "123456789" not in rejection.reason_nl + rejection.reason_en


def test_bsn_of_another_person_is_rejected_masked(write, organisation):
    _import(write("a.csv", CUSTOMERS_NL), organisation)
    header = CUSTOMERS_NL.splitlines()[0]
    # K2 claims Jan's BSN: refused, shown masked.
    row = "K2;C2;energie;;;;;Jansen;;111222333;;;;;;;;;"
    result = _import(write("b.csv", header + "\n" + row + "\n"), organisation)
    assert result.rejected == 1
    reason = result.rejections[0]
    assert reason.code == "bsn_taken"
    assert "******333" in reason.reason_nl
    assert "111222333" not in reason.reason_nl + reason.reason_en
    # A new customer number with a known BSN of this organisation joins that person.
    row = "K5;C5;;;;;;Vries;;111222333;;;;;;;;;"
    result = _import(write("c.csv", header + "\n" + row + "\n"), organisation)
    assert result.summary() == "imported 1, updated 0, unchanged 0, rejected 0"
    assert Customer.objects.get(number="K5").person.bsn == "111222333"
    assert Person.objects.filter(bsn="111222333").count() == 1


def test_duplicate_account_in_file(write, organisation):
    header = CUSTOMERS_NL.splitlines()[0]
    body = "K1;C1;;;;;;Vries;;;;;;;;;;;\nK2;C1;;;;;;Jansen;;;;;;;;;;;\n"
    result = _import(write("k.csv", header + "\n" + body), organisation)
    assert result.summary() == "imported 1, updated 0, unchanged 0, rejected 1"
    assert result.rejections[0].reason_nl == "dubbel contractnummer 'C1' (ook op regel 2)"


def test_customer_spanning_batches_keeps_one_person(write, organisation):
    rows = "".join(f"K1;C{i};;;;;;Vries;;;;;;;;;;;\n" for i in range(1, 8))
    path = write("k.csv", CUSTOMERS_NL.splitlines()[0] + "\n" + rows)
    result = _import(path, organisation, batch_size=2)
    assert result.summary() == "imported 7, updated 0, unchanged 0, rejected 0"
    assert Person.objects.count() == 1
    assert _import(path, organisation, batch_size=2).unchanged == 7


def test_xlsx_customers_with_numeric_cells_and_progress(tmp_path, organisation):
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Klantnummer", "Achternaam", "Geboortedatum", "Straat", "Huisnummer",
                  "Postcode", "Telefoon"])  # fmt: skip
    sheet.append([1001, "Kok", dt.datetime(1970, 5, 1), "Laan", 7, "1011ab", "020 123 4567"])
    sheet.append([1002, "Bos", None, None, None, None, 612345678])
    path = tmp_path / "klanten.xlsx"
    workbook.save(path)
    calls = []
    result = _import(path, organisation, progress=lambda done, total: calls.append((done, total)))
    assert result.summary() == "imported 2, updated 0, unchanged 0, rejected 0", result.rejections
    assert calls == [(2, 2)]
    kok = Customer.objects.get(number="1001").person
    assert kok.date_of_birth == date(1970, 5, 1)
    assert (kok.address.house_number, kok.address.postcode) == (7, "1011 AB")
    assert set(ContactPoint.objects.values_list("kind", "value")) == {
        ("landline", "+31201234567"),
        ("mobile", "+31612345678"),
    }
