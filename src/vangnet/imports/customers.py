"""Customers and their accounts (one row per account) with the person behind them.

Rules that keep a re-import a no-op and never lose data:

- the natural key is the account number; a customer number seen again in the file is a
  second account of the same customer and reuses the same person;
- person data (name, birth date, BSN, address, contact points, consent) is taken from the
  *first* row of a customer in the file; later rows only add their account;
- an empty cell never erases what is stored about a person (billing exports often leave
  out what they do not know); account fields are taken as given;
- contact points are added, never removed; a changed address becomes a new ``Address``
  row (the old one may be shared, and history matters for signals);
- a BSN is validated with the 11-test, may belong to one person only, and is never
  written in full into a rejection reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from vangnet.core.errors import Invalid
from vangnet.imports.columns import Column, as_text, choice, parse_bool, parse_date, text
from vangnet.imports.records import BatchOutcome, ParsedRow
from vangnet.ledger.constants import AccountKind
from vangnet.ledger.models import Account, Customer
from vangnet.parties import validation
from vangnet.parties.constants import Channel, ConsentPurpose, ContactKind, Language
from vangnet.parties.geography import area_for_postcode
from vangnet.parties.models import Address, Consent, ContactPoint, Organisation, Person

ACCOUNT_KINDS = {
    "drinkwater": AccountKind.DRINKING_WATER,
    "water": AccountKind.DRINKING_WATER,
    "energie": AccountKind.ENERGY,
    "huur": AccountKind.RENT,
    "zorgverzekering": AccountKind.HEALTH_INSURANCE,
    "zorg": AccountKind.HEALTH_INSURANCE,
    "overig": AccountKind.OTHER,
    **{value: value for value in AccountKind.values},
    "drinking water": AccountKind.DRINKING_WATER,
    "health insurance": AccountKind.HEALTH_INSURANCE,
}
LANGUAGES = {
    "nl": Language.DUTCH,
    "nederlands": Language.DUTCH,
    "dutch": Language.DUTCH,
    "en": Language.ENGLISH,
    "engels": Language.ENGLISH,
    "english": Language.ENGLISH,
}
CHANNELS = {
    **{value: value for value in Channel.values},
    "e-mail": Channel.EMAIL,
    "mail": Channel.EMAIL,
    "brief": Channel.LETTER,
    "post": Channel.LETTER,
    "telefoon": Channel.PHONE,
    "bellen": Channel.PHONE,
    "huisbezoek": Channel.VISIT,
    "app": Channel.WHATSAPP,
}
_HOUSE_NUMBER = re.compile(r"^(\d{1,6})\s*[-/ ]?\s*([A-Za-z0-9][A-Za-z0-9 \-]{0,15})?$")


def parse_house_number(raw: object) -> tuple[int, str]:
    """'12' -> (12, ''); '12a' / '12 A' / '12-1' / '12 bis' -> (12, 'a' / 'A' / '1' / 'bis')."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = str(raw).strip()
    match = _HOUSE_NUMBER.match(value)
    if not match or int(match.group(1)) == 0:
        raise Invalid(
            "house_number",
            f"ongeldig huisnummer {value!r}",
            f"invalid house number {value!r}",
        )
    return int(match.group(1)), (match.group(2) or "").strip()


def parse_channels(raw: object) -> list[str]:
    channels: list[str] = []
    for part in re.split(r"[,;|/ ]+", str(raw).strip().lower()):
        if not part:
            continue
        if part not in CHANNELS:
            raise Invalid(
                "channel",
                f"onbekend kanaal {part!r}; kies uit {', '.join(Channel.values)}",
                f"unknown channel {part!r}; choose from {', '.join(Channel.values)}",
            )
        if CHANNELS[part] not in channels:
            channels.append(CHANNELS[part])
    return channels


def parse_birth_date(raw: object) -> Any:
    return validation.check_birth_date(parse_date(raw))


COLUMNS: tuple[Column, ...] = (
    Column(
        "customer_number",
        ("klantnummer", "klantnr", "debiteurnummer", "relatienummer", "customer", "customer_no"),
        text(32),
        required=True,
    ),
    Column(
        "account_number",
        ("contractnummer", "contract", "contract_number", "account", "aansluitnummer"),
        text(32),
    ),
    Column("kind", ("soort", "product", "type"), choice(ACCOUNT_KINDS, "soort", "kind")),
    Column("start_date", ("startdatum", "ingangsdatum", "begindatum"), parse_date),
    Column("end_date", ("einddatum",), parse_date),
    Column(
        "sepa_mandate_reference",
        ("machtigingskenmerk", "mandaatkenmerk", "mandaatreferentie", "mandate_reference"),
        text(35),
    ),
    Column("initials", ("voorletters",), text(20)),
    Column("given_name", ("roepnaam", "voornaam", "first_name"), text(100)),
    Column("surname_prefix", ("tussenvoegsel", "voorvoegsel", "prefix"), text(20)),
    Column("surname", ("achternaam", "geslachtsnaam", "last_name", "family_name"), text(200), True),
    Column("date_of_birth", ("geboortedatum", "birth_date", "dob"), parse_birth_date),
    Column("bsn", ("burgerservicenummer",), as_text(validation.normalise_bsn)),
    Column("street", ("straat", "straatnaam", "street_name"), text(200)),
    Column("house_number", ("huisnummer", "huisnr", "number"), parse_house_number),
    Column(
        "house_number_suffix",
        ("toevoeging", "huisnummertoevoeging", "huisletter", "suffix"),
        text(16),
    ),
    Column("postcode", ("postal_code", "zip", "zipcode"), as_text(validation.normalise_postcode)),
    Column("city", ("woonplaats", "plaats", "town"), text(100)),
    Column(
        "email",
        ("e-mail", "e-mailadres", "emailadres", "mail"),
        as_text(validation.normalise_email),
    ),
    Column(
        "mobile",
        ("mobiel", "mobiel_nummer", "mobielnummer", "gsm", "mobile_phone"),
        as_text(validation.normalise_phone),
    ),
    Column(
        "phone",
        ("telefoon", "telefoonnummer", "telephone", "phone_number"),
        as_text(validation.normalise_phone),
    ),
    Column(
        "preferred_channels", ("voorkeurskanalen", "voorkeurskanaal", "channels"), parse_channels
    ),
    Column("language", ("taal",), choice(LANGUAGES, "taal", "language")),
    Column(
        "consent_municipality",
        (
            "toestemming_gemeente",
            "toestemming_delen_gemeente",
            "consent_share_municipality",
            "share_with_municipality",
        ),
        parse_bool,
    ),
)

_PERSON_FIELDS = (
    "initials",
    "given_name",
    "surname_prefix",
    "surname",
    "date_of_birth",
    "bsn",
    "language",
    "preferred_channels",
)
_ACCOUNT_FIELDS = ("kind", "start_date", "end_date", "sepa_mandate_reference")
_ADDRESS_PARTS = ("street", "house_number", "postcode", "city")

AddressKey = tuple[str, int, str, str, str]


def check_row(values: dict[str, Any]) -> list[tuple[str, Invalid]]:
    """Account number defaults to the customer number; an address is all or nothing."""
    values["account_number"] = values.get("account_number") or values["customer_number"]
    if values.get("house_number") is not None:
        number, suffix = values["house_number"]
        values["house_number"] = number
        if values.get("house_number_suffix") is None:
            values["house_number_suffix"] = suffix
    if not any(values.get(part) is not None for part in _ADDRESS_PARTS):
        values["address"] = None
        return []
    if values.get("city") is None and values.get("postcode"):
        area = area_for_postcode(values["postcode"])
        values["city"] = area.place if area else None
    for part in _ADDRESS_PARTS:
        if values.get(part) is None:
            return [
                (
                    part,
                    Invalid(
                        "address",
                        "adres onvolledig: straat, huisnummer, postcode en woonplaats zijn "
                        "samen verplicht",
                        "incomplete address: street, house number, postcode and city go together",
                    ),
                )
            ]
    values["address"] = (
        values["street"],
        values["house_number"],
        values.get("house_number_suffix") or "",
        values["postcode"],
        values["city"],
    )
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        return [("end_date", Invalid("period", "einddatum vóór startdatum", "end before start"))]
    return []


def _address_key(address: Address) -> AddressKey:
    return (
        address.street,
        address.house_number,
        address.house_number_suffix,
        address.postcode,
        address.city,
    )


def _new_address(key: AddressKey) -> Address:
    area = area_for_postcode(key[3])
    return Address(
        street=key[0],
        house_number=key[1],
        house_number_suffix=key[2],
        postcode=key[3],
        city=key[4],
        municipality_name=area.municipality if area else "",
    )


def _bsn_taken(bsn: str) -> Invalid:
    masked = validation.mask_bsn(bsn)
    return Invalid(
        "bsn_taken",
        f"BSN {masked} hoort al bij een andere persoon",
        f"BSN {masked} already belongs to another person",
    )


@dataclass
class _Batch:
    """What one batch loaded and what it will write; rows are applied to it in order."""

    organisation: Organisation
    customers: dict[str, Customer]
    accounts: dict[str, Account]
    persons: dict[int, Person]
    addresses: dict[int, Address]
    contacts: dict[int, set[tuple[str, str]]]
    consent: dict[int, bool | None]
    bsn_owner: dict[str, int]  # BSN -> person id (any organisation)
    bsn_person_here: dict[str, Person]  # BSN -> person who is a customer here
    claimed_bsn: dict[str, Person]  # BSN -> person given it by an earlier row of the batch
    new_addresses: list[Address]
    new_persons: list[Person]
    dirty_persons: dict[int, Person]
    new_customers: list[Customer]
    new_accounts: list[Account]
    dirty_accounts: dict[int, Account]
    new_contacts: list[ContactPoint]
    new_consents: list[Consent]


def _load(organisation: Organisation, rows: list[ParsedRow]) -> _Batch:
    """Everything the batch may touch, one query per table."""
    customer_numbers = {r.values["customer_number"] for r in rows}
    account_numbers = {r.values["account_number"] for r in rows}
    bsns = {r.values["bsn"] for r in rows if r.values.get("bsn")}
    customers = {
        c.number: c
        for c in Customer.objects.filter(organisation=organisation, number__in=customer_numbers)
    }
    accounts = {
        a.number: a
        for a in Account.objects.filter(organisation=organisation, number__in=account_numbers)
    }
    bsn_owner = dict(Person.objects.filter(bsn__in=bsns).values_list("bsn", "id")) if bsns else {}
    here_ids = (
        set(
            Customer.objects.filter(
                organisation=organisation, person_id__in=bsn_owner.values()
            ).values_list("person_id", flat=True)
        )
        if bsn_owner
        else set()
    )
    person_ids = {c.person_id for c in customers.values()} | here_ids
    persons = {p.pk: p for p in Person.objects.filter(pk__in=person_ids)}
    address_ids = {p.address_id for p in persons.values() if p.address_id} | {
        a.supply_address_id for a in accounts.values() if a.supply_address_id
    }
    addresses = {a.pk: a for a in Address.objects.filter(pk__in=address_ids)}
    contacts: dict[int, set[tuple[str, str]]] = {pid: set() for pid in persons}
    for pid, kind, value in ContactPoint.objects.filter(person_id__in=persons).values_list(
        "person_id", "kind", "value"
    ):
        contacts[pid].add((kind, value))
    consent: dict[int, bool | None] = {}
    for pid, granted, withdrawn in (
        Consent.objects.filter(
            person_id__in=persons, purpose=ConsentPurpose.SHARE_WITH_MUNICIPALITY
        )
        .order_by("person_id", "-recorded_at", "-id")
        .values_list("person_id", "granted", "withdrawn_at")
    ):
        consent.setdefault(pid, granted and withdrawn is None)
    return _Batch(
        organisation=organisation,
        customers=customers,
        accounts=accounts,
        persons=persons,
        addresses=addresses,
        contacts=contacts,
        consent=consent,
        bsn_owner=bsn_owner,
        bsn_person_here={b: persons[pid] for b, pid in bsn_owner.items() if pid in here_ids},
        claimed_bsn={},
        new_addresses=[],
        new_persons=[],
        dirty_persons={},
        new_customers=[],
        new_accounts=[],
        dirty_accounts={},
        new_contacts=[],
        new_consents=[],
    )


def _row_error(b: _Batch, v: dict[str, Any], *, applies_person: bool) -> tuple[str, Invalid] | None:
    """Checks against the database state, before anything of the row is applied."""
    customer = b.customers.get(v["customer_number"])
    account = b.accounts.get(v["account_number"])
    if account is not None and (customer is None or account.customer_id != customer.pk):
        return (
            "account_number",
            Invalid(
                "other_customer",
                f"contract {v['account_number']!r} hoort bij een andere klant",
                f"account {v['account_number']!r} belongs to another customer",
            ),
        )
    bsn = v.get("bsn")
    if not (bsn and applies_person):
        return None
    person: Person | None = None
    if customer is not None:
        person = customer.person if customer.pk is None else b.persons[customer.person_id]
    claimant = b.claimed_bsn.get(bsn)
    owner = b.bsn_owner.get(bsn)
    if person is None:
        # A new customer: may join the person who has this BSN here, never elsewhere.
        if claimant is None and owner is not None and bsn not in b.bsn_person_here:
            return ("bsn", _bsn_taken(bsn))
        return None
    if person.bsn and person.bsn != bsn:
        return (
            "bsn",
            Invalid(
                "bsn_changed",
                f"BSN wijkt af van het bekende BSN {validation.mask_bsn(person.bsn)}",
                f"BSN differs from the known BSN {validation.mask_bsn(person.bsn)}",
            ),
        )
    if (claimant is not None and claimant is not person) or (
        claimant is None and owner is not None and owner != person.pk
    ):
        return ("bsn", _bsn_taken(bsn))
    return None


def _apply_person(b: _Batch, person: Person, v: dict[str, Any]) -> bool:
    """Fill the person from the row (empty cells keep what is stored); True if changed."""
    changed = False
    for name in _PERSON_FIELDS:
        value = v.get(name)
        if value is None or value == getattr(person, name):
            continue
        setattr(person, name, value)
        changed = True
    if person.bsn:
        b.claimed_bsn[person.bsn] = person
    key = v.get("address")
    if key is not None:
        current = _person_address(b, person)
        if current is None or _address_key(current) != key:
            address = _new_address(key)
            b.new_addresses.append(address)
            person.address = address
            person._new_address = address  # type: ignore[attr-defined]
            changed = True
    if changed and person.pk is not None:
        b.dirty_persons[person.pk] = person
    return changed


def _person_address(b: _Batch, person: Person) -> Address | None:
    new = getattr(person, "_new_address", None)
    if new is not None:
        return new
    return b.addresses.get(person.address_id) if person.address_id else None


def _apply_contacts(b: _Batch, person: Person, v: dict[str, Any]) -> bool:
    key = person.pk if person.pk is not None else id(person)
    known = b.contacts.setdefault(key, set())
    changed = False
    for column in ("email", "mobile", "phone"):
        value = v.get(column)
        if not value:
            continue
        if column == "email":
            kind = ContactKind.EMAIL
        else:
            kind = ContactKind.MOBILE if validation.is_mobile(value) else ContactKind.LANDLINE
        if (kind, value) in known:
            continue
        primary = not any(k == kind for k, _ in known)
        known.add((kind, value))
        b.new_contacts.append(
            ContactPoint(person=person, kind=kind, value=value, is_primary=primary)
        )
        changed = True
    granted = v.get("consent_municipality")
    if granted is not None and b.consent.get(key) is not granted:
        b.consent[key] = granted
        b.new_consents.append(
            Consent(
                person=person,
                purpose=ConsentPurpose.SHARE_WITH_MUNICIPALITY,
                granted=granted,
                source="import",
            )
        )
        changed = True
    return changed


def _apply_account(b: _Batch, customer: Customer, person: Person, v: dict[str, Any]) -> str:
    """Create or update the account; returns 'imported', 'updated' or 'unchanged'."""
    account = b.accounts.get(v["account_number"])
    key = v.get("address")
    supply: Address | None = None
    if key is not None:
        home = _person_address(b, person)
        current = (
            b.addresses.get(account.supply_address_id)
            if account is not None and account.supply_address_id
            else None
        )
        if current is not None and _address_key(current) == key:
            supply = current
        elif home is not None and _address_key(home) == key:
            supply = home
        else:
            supply = _new_address(key)
            b.new_addresses.append(supply)
    if account is None:
        account = Account(
            organisation=b.organisation,
            customer=customer,
            number=v["account_number"],
            kind=v.get("kind") or _default_kind(b.organisation),
            start_date=v.get("start_date"),
            end_date=v.get("end_date"),
            sepa_mandate_reference=v.get("sepa_mandate_reference") or "",
            supply_address=supply,
        )
        b.accounts[account.number] = account
        b.new_accounts.append(account)
        return "imported"
    changed = False
    for name in _ACCOUNT_FIELDS:
        if name not in v or (name == "kind" and v[name] is None):
            continue  # column absent from the file (or no kind given): keep
        value = (
            v[name] if v[name] is not None else ("" if name == "sepa_mandate_reference" else None)
        )
        if getattr(account, name) != value:
            setattr(account, name, value)
            changed = True
    if supply is not None and (supply.pk is None or supply.pk != account.supply_address_id):
        account.supply_address = supply
        changed = True
    if changed and account.pk is not None:
        b.dirty_accounts[account.pk] = account
    return "updated" if changed else "unchanged"


def _default_kind(organisation: Organisation) -> str:
    return organisation.sector if organisation.sector in AccountKind.values else AccountKind.OTHER


def write_batch(
    *, organisation: Organisation, rows: list[ParsedRow], state: dict[str, Any]
) -> BatchOutcome:
    """Apply rows in file order to the loaded state, then write it with bulk operations."""
    seen: set[str] = state.setdefault("customers_seen", set())
    b = _load(organisation, rows)
    outcome = BatchOutcome()
    for row in rows:
        v = row.values
        applies_person = v["customer_number"] not in seen
        error = _row_error(b, v, applies_person=applies_person)
        if error is not None:
            outcome.reject(row, *error)
            continue
        customer = b.customers.get(v["customer_number"])
        person_changed = False
        if customer is None:
            person = _person_for_new_customer(b, v)
            customer = Customer(
                organisation=organisation, number=v["customer_number"], person=person
            )
            b.customers[customer.number] = customer
            b.new_customers.append(customer)
        else:
            person = customer.person if customer.pk is None else b.persons[customer.person_id]
        if applies_person:
            person_changed = _apply_person(b, person, v)
            person_changed = _apply_contacts(b, person, v) or person_changed
            seen.add(v["customer_number"])
        status = _apply_account(b, customer, person, v)
        if status == "imported":
            outcome.imported += 1
        elif status == "updated" or person_changed:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    _write(b)
    return outcome


def _person_for_new_customer(b: _Batch, v: dict[str, Any]) -> Person:
    bsn = v.get("bsn")
    if bsn and bsn in b.bsn_person_here:
        return b.bsn_person_here[bsn]
    if bsn and bsn in b.claimed_bsn:
        return b.claimed_bsn[bsn]
    person = Person(surname=v["surname"])
    b.new_persons.append(person)
    return person


def _write(b: _Batch) -> None:
    now = timezone.now()
    Address.objects.bulk_create(b.new_addresses, batch_size=1000)
    Person.objects.bulk_create(b.new_persons, batch_size=1000)
    for person in b.dirty_persons.values():
        person.updated_at = now
    Person.objects.bulk_update(
        list(b.dirty_persons.values()), [*_PERSON_FIELDS, "address", "updated_at"], batch_size=500
    )
    Customer.objects.bulk_create(b.new_customers, batch_size=1000)
    Account.objects.bulk_create(b.new_accounts, batch_size=1000)
    for account in b.dirty_accounts.values():
        account.updated_at = now
    Account.objects.bulk_update(
        list(b.dirty_accounts.values()),
        [*_ACCOUNT_FIELDS, "supply_address", "updated_at"],
        batch_size=500,
    )
    ContactPoint.objects.bulk_create(b.new_contacts, batch_size=1000)
    Consent.objects.bulk_create(b.new_consents, batch_size=1000)
