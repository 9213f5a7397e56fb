"""Matching an incoming client to residents: BSN first, then name + birth date + address."""

from __future__ import annotations

from datetime import date

from vangnet.signals.matching import Candidate, ClientData, jaro_winkler, match, surname_key

DOB = date(1985, 6, 15)
RESIDENTS = [
    Candidate(
        1,
        ClientData(
            bsn="111222333",
            initials="A.",
            prefix="van",
            surname="Dijk",
            date_of_birth=DOB,
            postcode="1234AB",
            house_number="10",
        ),
    ),
    Candidate(
        2,
        ClientData(
            bsn="",
            initials="P.",
            surname="Jansen",
            date_of_birth=date(1990, 1, 1),
            postcode="5678CD",
            house_number="3",
        ),
    ),
    Candidate(
        3,
        ClientData(
            initials="P.",
            surname="Janssen",
            date_of_birth=date(1991, 1, 1),
            postcode="5678CD",
            house_number="3",
        ),
    ),
]


def test_jaro_winkler_known_values():
    # Textbook values (Winkler 1990): MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.84.
    assert round(jaro_winkler("martha", "marhta"), 3) == 0.961
    assert round(jaro_winkler("dwayne", "duane"), 2) == 0.84
    assert jaro_winkler("abc", "xyz") == 0.0


def test_surname_key_ignores_prefixes_diacritics_and_ij():
    assert (
        surname_key("van", "Dijk") == surname_key("", "van Dyk") == surname_key("", "Dĳk") == "dyk"
    )


def test_valid_bsn_matches_directly():
    result = match(ClientData(bsn="111222333", surname="Anders"), RESIDENTS)
    assert (result.person_id, result.method) == (1, "bsn")


def test_spelling_variant_with_same_birth_date_and_address_matches():
    result = match(
        ClientData(
            initials="A", surname="Dyk", date_of_birth=DOB, postcode="1234 ab", house_number="010"
        ),
        RESIDENTS,
    )
    assert (result.person_id, result.method) == (1, "name_dob_address")


def test_same_name_other_birth_date_does_not_merge_two_people():
    result = match(
        ClientData(
            initials="P.",
            surname="Jansen",
            date_of_birth=date(1991, 1, 1),
            postcode="5678CD",
            house_number="3",
        ),
        RESIDENTS,
    )
    # Only Janssen (3) has that birth date; Jansen ~ Janssen is close enough.
    assert result.person_id == 3
    result = match(
        ClientData(
            initials="P.",
            surname="Jansen",
            date_of_birth=date(1992, 1, 1),
            postcode="5678CD",
            house_number="3",
        ),
        RESIDENTS,
    )
    assert (result.person_id, result.method) == (None, "none")


def test_invalid_bsn_falls_back_and_different_initial_blocks():
    result = match(
        ClientData(
            bsn="123456780",
            initials="B.",
            surname="van Dijk",
            date_of_birth=DOB,
            postcode="1234AB",
            house_number="10",
        ),
        RESIDENTS,
    )
    assert result.person_id is None
