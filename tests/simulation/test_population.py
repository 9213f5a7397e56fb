"""The synthetic population: reproducible, spread like the real one, valid data."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from datetime import date

import pytest

from vangnet.parties.geography import postcode_areas
from vangnet.parties.validation import normalise_email, normalise_iban, normalise_phone
from vangnet.simulation.behaviour import SHARES, BehaviourKind
from vangnet.simulation.generator import Horizon, simulate
from vangnet.simulation.population import draw_household, household_rng

HORIZON = Horizon(today=date(2025, 6, 10), months=12)


def _households(seed: int, n: int):
    return [
        draw_household(household_rng(seed, i), i, first_month=HORIZON.first_month, months=12)
        for i in range(n)
    ]


def test_same_seed_gives_identical_output():
    a = [asdict(simulate(3, i, HORIZON)) for i in range(50)]
    b = [asdict(simulate(3, i, HORIZON)) for i in range(50)]
    assert a == b


def test_different_seed_gives_different_output():
    a = [asdict(simulate(3, i, HORIZON).household) for i in range(50)]
    b = [asdict(simulate(4, i, HORIZON).household) for i in range(50)]
    assert sum(x != y for x, y in zip(a, b, strict=True)) >= 45


def test_household_does_not_depend_on_population_size():
    """Household i is the same whether 10 or 10,000 are generated (chunking-safe)."""
    assert asdict(simulate(3, 9, HORIZON)) == asdict(simulate(3, 9, HORIZON))
    assert _households(5, 10)[-1] == _households(5, 20)[9]


@pytest.fixture(scope="module")
def population():
    return _households(11, 4000)


def test_spread_follows_residents(population):
    areas = postcode_areas()
    total = sum(a.residents for a in areas.values())
    by_municipality = Counter(h.address.municipality_name for h in population)
    residents = Counter()
    for area in areas.values():
        residents[area.municipality] += area.residents
    for name in ("Amsterdam", "Rotterdam", "'s-Gravenhage", "Utrecht"):
        expected = len(population) * residents[name] / total
        assert expected > 50
        # Binomial standard deviation is about sqrt(expected): allow five of them.
        assert abs(by_municipality[name] - expected) < 5 * expected**0.5, name


def test_addresses_are_valid_and_in_the_postcode_table(population):
    areas = postcode_areas()
    for h in population:
        a = h.address
        assert re.fullmatch(r"[1-9][0-9]{3} [A-Z]{2}", a.postcode)
        area = areas[a.postcode[:4]]
        assert (a.city, a.municipality_name) == (area.place, area.municipality)
        assert a.street and 1 <= a.house_number <= 999


def test_contact_data_is_valid(population):
    persons = [p for h in population for p in h.persons]
    mobiles = [p.mobile for p in persons if p.mobile]
    emails = [p.email for p in persons if p.email]
    assert len(mobiles) > 0.8 * len(persons)
    assert len(emails) > 0.7 * len(persons)
    for number in mobiles:
        assert number.startswith("+316")
        assert normalise_phone(number) == number
    for address in emails:
        assert normalise_email(address) == address
        assert address.endswith(".example")  # never a real mailbox


def test_people_look_dutch_and_plausible(population):
    persons = [p for h in population for p in h.persons]
    prefixes = Counter(p.surname_prefix for p in persons)
    assert prefixes["van"] and prefixes["de"] and prefixes["van der"]
    assert 0.9 < sum(p.language == "nl" for p in persons) / len(persons) < 0.99
    for p in persons:
        assert re.fullmatch(r"([A-Z]\.){1,3}", p.initials)
        assert p.initials[0] == p.given_name[0]
        assert 18 <= p.age_on(HORIZON.first_month) <= 100
    assert any(p.in_debt_help for p in persons)
    assert any(p.medical_necessity for p in persons)
    sizes = Counter(h.size for h in population)
    assert 0.3 < sizes[1] / len(population) < 0.5


def test_behaviour_shares(population):
    kinds = Counter(h.behaviour.kind for h in population)
    for kind, share in SHARES.items():
        assert abs(kinds[kind] / len(population) - share) < 0.025, kind
    assert abs(sum(SHARES.values()) - 1) < 1e-9
    assert kinds[BehaviourKind.ON_TIME] > kinds[BehaviourKind.SOMETIMES_LATE]


def test_payer_ibans_are_valid():
    for i in range(200):
        iban = simulate(1, i, HORIZON).payer_iban
        assert normalise_iban(iban) == iban
