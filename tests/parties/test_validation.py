from datetime import date

import pytest

from vangnet.core.errors import Invalid
from vangnet.parties.geography import area_for_postcode, postcode_areas
from vangnet.parties.validation import (
    check_birth_date,
    mask_bsn,
    normalise_bsn,
    normalise_email,
    normalise_iban,
    normalise_phone,
    normalise_postcode,
)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1234ab", "1234 AB"), (" 1234 AB ", "1234 AB"), ("9999zz", "9999 ZZ")]
)
def test_postcode_ok(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["0123 AB", "123 AB", "1234 A", "1234 SS", "12345", "", "AB 1234"])
def test_postcode_bad(raw):
    with pytest.raises(Invalid) as exc:
        normalise_postcode(raw)
    assert exc.value.code == "postcode" and "1234 AB" in exc.value.nl


def test_bsn_eleven_test():
    assert normalise_bsn("111222333") == "111222333"
    with pytest.raises(Invalid):
        normalise_bsn("111222334")
    assert mask_bsn("111222333") == "******333"
    assert mask_bsn(None) == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06-12345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("020-1234567", "+31201234567"),
    ],
)
def test_phone_e164(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["06-1234", "hello", "+31 6 1234 56789 0"])
def test_phone_bad(raw):
    with pytest.raises(Invalid):
        normalise_phone(raw)


def test_email_and_iban():
    assert normalise_email("Piet@Example.NL") == "Piet@example.nl"
    with pytest.raises(Invalid):
        normalise_email("piet@")
    assert normalise_iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    with pytest.raises(Invalid):
        normalise_iban("NL91ABNA0417164301")


def test_birth_date():
    with pytest.raises(Invalid):
        check_birth_date(date(2030, 1, 1), today=date(2026, 1, 1))
    assert check_birth_date(date(1980, 5, 1)) == date(1980, 5, 1)


def test_geography_applies_mergers_and_skips_unknown():
    assert area_for_postcode("5831 AB").municipality == "Land van Cuijk"
    assert area_for_postcode("1011 AA").municipality == "Amsterdam"
    assert area_for_postcode("1099 AA") is None  # no municipality in the source table
    assert len(postcode_areas()) == 4074 - 21
