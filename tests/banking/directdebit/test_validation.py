"""IBAN, creditor identifier, SEPA identifiers and transliteration — both ways."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.eu import at_02

from vangnet.banking.directdebit.validation import (
    creditor_id_check_digits,
    creditor_id_normalise,
    iban_normalise,
    mask_iban,
    sepa_identifier,
    sepa_text,
)
from vangnet.core.errors import Invalid


def test_valid_iban_is_compacted_and_gets_its_bic():
    assert iban_normalise("nl91 abna 0417 1643 00") == ("NL91ABNA0417164300", "ABNANL2A")


@pytest.mark.parametrize(
    "raw, code",
    [
        ("NL91ABNA0417164301", "iban_invalid"),  # one digit off: checksum fails
        ("NL91ABNA04171643", "iban_invalid"),  # too short
        ("XX00", "iban_invalid"),
        ("", "iban_empty"),
    ],
)
def test_wrong_iban_has_a_clear_dutch_message(raw, code):
    with pytest.raises(Invalid) as exc:
        iban_normalise(raw)
    assert exc.value.code == code
    if raw:
        assert "geen geldig IBAN" in exc.value.nl and raw in exc.value.nl


def test_published_test_creditor_id_is_valid():
    # The Deutsche Bundesbank's documented test creditor identifier.
    assert creditor_id_normalise("de98 zzz 09999999999") == "DE98ZZZ09999999999"


@given(st.from_regex(r"\A[0-9]{12}\Z"), st.from_regex(r"\A[A-Z0-9]{3}\Z"))
def test_dutch_check_digits_agree_with_python_stdnum(national, business):
    """Our EPC262 computation against an independent one (python-stdnum's AT-02)."""
    ours = creditor_id_check_digits("NL", national)
    assert ours == at_02.calc_check_digits(f"NLXX{business}{national}")
    # The business code does not take part, and the result validates both ways.
    assert creditor_id_normalise(f"NL{ours}{business}{national}") == f"NL{ours}{business}{national}"
    assert at_02.is_valid(f"NL{ours}{business}{national}")


@pytest.mark.parametrize(
    "raw, code",
    [
        ("NL68ZZZ123456780000", "creditor_id_check"),  # check digits off by one
        ("NL69ZZZ12345678000", "creditor_id_nl_format"),  # 11 digits, not 12
        ("NL69ZZZ1234567A0000", "creditor_id_nl_format"),
        ("ZZZ123456780000", "creditor_id_format"),
        ("", "creditor_id_format"),
    ],
)
def test_wrong_creditor_ids_are_refused(raw, code):
    with pytest.raises(Invalid) as exc:
        creditor_id_normalise(raw)
    assert exc.value.code == code
    assert exc.value.nl  # a Dutch reason for the form


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Ĳsbrand Œuvré & Zn", "IJsbrand OEuvre + Zn"),
        ("Jansen-de Vries, J.", "Jansen-de Vries, J."),
        ("Müller  <script>", "Muller script"),
        ("Straße_1 #2", "Strasse 1 2"),
        ("😀", ""),
    ],
)
def test_sepa_text_transliterates_to_the_sepa_character_set(raw, expected):
    assert sepa_text(raw, 70) == expected


def test_sepa_text_cuts_at_the_maximum_without_trailing_space():
    assert sepa_text("a " * 50, 10) == "a a a a a"


@pytest.mark.parametrize("value", ["WBV-MND-300000001", "VN-A1/2", "a" * 35])
def test_valid_identifiers(value):
    assert sepa_identifier(value, what_nl="x", what_en="x") == value


@pytest.mark.parametrize("value", ["", "a" * 36, "kenmerk_1", "/abc", "abc/", "a//b", "é"])
def test_invalid_identifiers(value):
    with pytest.raises(Invalid):
        sepa_identifier(value, what_nl="Het kenmerk", what_en="The reference")


def test_mask_iban():
    assert mask_iban("NL91ABNA0417164300") == "NL…4300"
