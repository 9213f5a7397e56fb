"""A synthetic Dutch population: households, people, addresses and how to reach them.

Pure and seeded: household ``i`` of seed ``s`` is drawn from its own ``random.Random``
derived from (s, i), so it is the same whatever the population size or chunking, and a
million households can be generated in parallel or in pieces. Nothing here touches the
database; ``loader.py`` writes what this module draws.

Privacy by construction: no BSN is generated (a random valid BSN could belong to a real
person), e-mail addresses use the reserved ``.example`` domain, and mobile numbers are
random numbers in the 06 range — the demo must never be wired to a real SMS provider.
"""

from __future__ import annotations

import random
import unicodedata
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache
from itertools import accumulate

from vangnet.parties.constants import Channel
from vangnet.parties.geography import PostcodeArea, postcode_areas
from vangnet.simulation import names
from vangnet.simulation.behaviour import HARDSHIP, Behaviour, BehaviourKind, draw_behaviour
from vangnet.simulation.income import Income, draw_income

# PostNL does not use these letters in postcodes, and SA/SD/SS not as a pair.
_POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_FORBIDDEN_PAIRS = frozenset({"SA", "SD", "SS"})

# Age of the main occupant (CBS household statistics, rounded): (low, high, weight).
_AGE_BANDS: tuple[tuple[int, int, int], ...] = (
    (18, 24, 5),
    (25, 34, 17),
    (35, 44, 16),
    (45, 54, 18),
    (55, 66, 19),
    (67, 74, 14),
    (75, 95, 11),
)
# Household size by age band of the main occupant: weights for 1, 2, 3, 4, 5 persons.
# Overall about 39% single-person households (CBS).
_SIZE_WEIGHTS_YOUNG = (60, 28, 7, 4, 1)
_SIZE_WEIGHTS_FAMILY = (25, 25, 19, 22, 9)
_SIZE_WEIGHTS_OLDER = (38, 50, 7, 4, 1)
_SIZE_WEIGHTS_RETIRED = (52, 46, 1, 1, 0)

_HOUSE_SUFFIXES = ("A", "B", "C", "1", "2", "3", "hs", "bis")


@dataclass(frozen=True, slots=True)
class AddressSpec:
    street: str
    house_number: int
    house_number_suffix: str
    postcode: str
    city: str
    municipality_name: str


@dataclass(frozen=True, slots=True)
class PersonSpec:
    initials: str
    given_name: str
    surname_prefix: str
    surname: str
    date_of_birth: date
    language: str
    email: str
    mobile: str
    preferred_channels: tuple[str, ...]
    contact_window: tuple[time, time] | None
    medical_necessity: bool = False
    in_debt_help: bool = False
    consent_share_with_municipality: bool | None = None
    consent_digital_contact: bool | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.surname_prefix, self.surname) if p)

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass(frozen=True, slots=True)
class HouseholdSpec:
    index: int
    address: AddressSpec
    size: int
    # Adults only (the account holder first): children are not stored (data minimisation).
    persons: tuple[PersonSpec, ...]
    income: Income
    behaviour: Behaviour
    # Personal multiplier on ``responsiveness.response_probability`` (0.3 .. 1.5).
    responsiveness: float

    @property
    def holder(self) -> PersonSpec:
        return self.persons[0]


def household_rng(seed: int, index: int) -> random.Random:
    """The random stream of household ``index``: independent of population size."""
    return random.Random((seed << 40) ^ (index * 0x9E3779B1) ^ 0x5BD1E995)


@dataclass(frozen=True)
class _WeightedAreas:
    areas: tuple[PostcodeArea, ...]
    cumulative: tuple[int, ...]


@lru_cache(maxsize=1)
def _weighted_areas() -> _WeightedAreas:
    # Sorted by postcode so the draw does not depend on the CSV's row order.
    areas = tuple(a for _pc, a in sorted(postcode_areas().items()) if a.residents > 0)
    return _WeightedAreas(areas, tuple(accumulate(a.residents for a in areas)))


@lru_cache(maxsize=1)
def _surname_table() -> tuple[tuple[tuple[str, str], ...], tuple[int, ...]]:
    entries = tuple((prefix, surname) for prefix, surname, _w in names.SURNAMES)
    return entries, tuple(accumulate(w for _p, _s, w in names.SURNAMES))


def draw_area(rng: random.Random) -> PostcodeArea:
    """A four-digit postcode area, drawn in proportion to its residents."""
    table = _weighted_areas()
    point = rng.random() * table.cumulative[-1]
    return table.areas[bisect_right(table.cumulative, point)]


def draw_postcode(rng: random.Random, pc4: str) -> str:
    while True:
        letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
        if letters not in _FORBIDDEN_PAIRS:
            return f"{pc4} {letters}"


def street_for(postcode: str) -> str:
    """One street per six-position postcode, as in reality (a postcode is a street part)."""
    return names.STREETS[zlib.crc32(postcode.encode()) % len(names.STREETS)]


def draw_address(rng: random.Random) -> AddressSpec:
    area = draw_area(rng)
    postcode = draw_postcode(rng, area.pc4)
    number = int(rng.paretovariate(1.2) * 4) if rng.random() < 0.9 else rng.randint(1, 400)
    suffix = rng.choice(_HOUSE_SUFFIXES) if rng.random() < 0.1 else ""
    return AddressSpec(
        street=street_for(postcode),
        house_number=max(1, min(number, 999)),
        house_number_suffix=suffix,
        postcode=postcode,
        city=area.place,
        municipality_name=area.municipality,
    )


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def draw_mobile(rng: random.Random) -> str:
    """A valid Dutch mobile number in E.164: +31 6 followed by 8 digits (06-1… to 06-5…)."""
    return f"+316{rng.randint(1, 5)}{rng.randrange(10**7):07d}"


def draw_email(rng: random.Random, given: str, prefix: str, surname: str, year: int) -> str:
    domain_table = names.EMAIL_DOMAINS
    domain = rng.choices([d for d, _w in domain_table], weights=[w for _d, w in domain_table])[0]
    first, last = _ascii(given), _ascii(prefix + surname)
    style = rng.randrange(4)
    local = (
        f"{first}.{last}"
        if style == 0
        else f"{first[0]}{last}"
        if style == 1
        else f"{first}{year % 100:02d}"
        if style == 2
        else f"{first}.{last}{rng.randint(1, 99)}"
    )
    return f"{local}@{domain}"


def _given_name(rng: random.Random, age: int) -> str:
    pool = (
        names.GIVEN_NAMES_OLD
        if age >= 62
        else names.GIVEN_NAMES_MIDDLE
        if age >= 35
        else names.GIVEN_NAMES_YOUNG
    )
    return rng.choice(pool)


def _initials(rng: random.Random, given: str) -> str:
    extra = rng.choices((0, 1, 2), weights=(45, 40, 15))[0]
    letters = [given[0].upper()] + [rng.choice(names.EXTRA_INITIALS) for _ in range(extra)]
    return "".join(f"{letter}." for letter in letters)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _birth_date(rng: random.Random, age: int, on: date) -> date:
    """A date of birth that makes the person exactly ``age`` on ``on``."""
    latest = _years_before(on, age)
    earliest = _years_before(on, age + 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def _channels_and_window(
    rng: random.Random, age: int, has_email: bool, has_mobile: bool, works: bool
) -> tuple[tuple[str, ...], tuple[time, time] | None]:
    if age < 35:
        ranked = [Channel.WHATSAPP, Channel.SMS, Channel.EMAIL]
    elif age < 67:
        ranked = [Channel.EMAIL, Channel.SMS, Channel.WHATSAPP, Channel.PHONE]
    else:
        ranked = [Channel.LETTER, Channel.PHONE, Channel.EMAIL]
    usable = [
        c
        for c in ranked
        if (c != Channel.EMAIL or has_email)
        and (c not in (Channel.SMS, Channel.WHATSAPP, Channel.PHONE) or has_mobile)
    ]
    if rng.random() < 0.3:
        rng.shuffle(usable)
    channels = tuple(str(c) for c in usable[: rng.randint(1, 2)]) if rng.random() < 0.55 else ()
    window = None
    if rng.random() < 0.4:
        window = (time(18, 0), time(21, 0)) if works else (time(9, 0), time(17, 0))
        if rng.random() < 0.3:
            window = (time(8, 0), time(12, 0))
    return channels, window


def draw_person(
    rng: random.Random,
    *,
    age: int,
    on: date,
    surname: tuple[str, str],
    behaviour: Behaviour,
    works: bool,
) -> PersonSpec:
    prefix, last = surname
    given = _given_name(rng, age)
    dob = _birth_date(rng, age, on)
    has_email = rng.random() < (0.9 if age < 67 else 0.6)
    has_mobile = rng.random() < (0.95 if age < 75 else 0.7)
    channels, window = _channels_and_window(rng, age, has_email, has_mobile, works)
    vulnerable = behaviour.kind == BehaviourKind.VULNERABLE
    chronic = behaviour.kind == BehaviourKind.CHRONIC_ARREARS
    in_debt_help = rng.random() < (0.3 if vulnerable else 0.12 if chronic else 0.01)
    medical = rng.random() < (0.1 if vulnerable else 0.01)
    share = None
    roll = rng.random()
    if roll < 0.08:
        share = True
    elif roll < 0.10:
        share = False
    digital = (rng.random() < 0.75) if (has_email or has_mobile) else None
    return PersonSpec(
        initials=_initials(rng, given),
        given_name=given,
        surname_prefix=prefix,
        surname=last,
        date_of_birth=dob,
        language="en" if rng.random() < 0.04 else "nl",
        email=draw_email(rng, given, prefix, last, dob.year) if has_email else "",
        mobile=draw_mobile(rng) if has_mobile else "",
        preferred_channels=channels,
        contact_window=window,
        medical_necessity=medical,
        in_debt_help=in_debt_help,
        consent_share_with_municipality=share,
        consent_digital_contact=digital,
    )


def draw_household(
    rng: random.Random, index: int, *, first_month: date, months: int
) -> HouseholdSpec:
    """One household, as of ``first_month`` (the first simulated month)."""
    behaviour = draw_behaviour(rng, months=months)
    low, high, _w = rng.choices(_AGE_BANDS, weights=[w for _l, _h, w in _AGE_BANDS])[0]
    if behaviour.kind in HARDSHIP and low >= 67 and rng.random() < 0.5:
        low, high = 25, 54  # arrears are rarer among pensioners
    age = rng.randint(low, high)
    size_weights = (
        _SIZE_WEIGHTS_YOUNG
        if age < 30
        else _SIZE_WEIGHTS_FAMILY
        if age < 50
        else _SIZE_WEIGHTS_OLDER
        if age < 67
        else _SIZE_WEIGHTS_RETIRED
    )
    size = rng.choices((1, 2, 3, 4, 5), weights=size_weights)[0]
    # A quarter of households with children have one parent.
    adults = 1 if size >= 3 and rng.random() < 0.25 else min(size, 2)
    income = draw_income(
        rng, age=age, adults=adults, hardship=behaviour.kind in HARDSHIP, first_month=first_month
    )
    entries, cumulative = _surname_table()
    surname = entries[bisect_right(cumulative, rng.random() * cumulative[-1])]
    works = not income.is_benefit
    persons = [
        draw_person(rng, age=age, on=first_month, surname=surname, behaviour=behaviour, works=works)
    ]
    if adults == 2:
        partner_age = max(18, min(99, age + rng.randint(-6, 6)))
        partner_surname = (
            surname
            if rng.random() < 0.3
            else entries[bisect_right(cumulative, rng.random() * cumulative[-1])]
        )
        persons.append(
            draw_person(
                rng,
                age=partner_age,
                on=first_month,
                surname=partner_surname,
                behaviour=behaviour,
                works=works,
            )
        )
    return HouseholdSpec(
        index=index,
        address=draw_address(rng),
        size=size,
        persons=tuple(persons),
        income=income,
        behaviour=behaviour,
        responsiveness=round(rng.uniform(0.3, 1.5), 2),
    )
