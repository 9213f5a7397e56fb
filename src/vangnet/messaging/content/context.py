"""The variables a template can use (``constants.TEMPLATE_VARIABLES``), from the database.

``context_for_case`` reads one case with a handful of queries: the case with its
account, customer, person, address and organisation in one join, the open invoices, the
help desk and the organisation's strategy policy. Amounts and dates come ready-formatted
in Dutch so templates stay simple; raw values sit next to them for conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from vangnet.messaging.content import conf, links
from vangnet.messaging.content.models import HelpDesk
from vangnet.rules.fourteen_day_letter import letter_deadline, letter_received_on
from vangnet.rules.text import date_nl, eur_nl
from vangnet.strategy.guardrails import euros, settings_from, stated_costs_cents


def _eur(cents: int) -> str:
    return eur_nl(euros(cents))


@dataclass(frozen=True)
class HelpInfo:
    name: str
    phone: str
    url: str
    hours: str
    text: str


def help_for(*, municipality_code: str, municipality_name: str) -> HelpInfo:
    """The free help desk for the person's municipality, or the configured fallback.

    Without a known help desk the text points to the municipality by name (every Dutch
    municipality must offer free help with money matters, Wgs art. 2); we never print a
    phone number that nobody entered.
    """
    desk = (
        HelpDesk.objects.filter(municipality_code=municipality_code).first()
        if municipality_code
        else None
    )
    if desk is not None:
        text = f"{desk.name} helpt u gratis bij geldzaken."
        if desk.phone:
            text += f" Bel {desk.phone}"
            text += f" ({desk.opening_hours})." if desk.opening_hours else "."
        if desk.url:
            text += f" Of kijk op {desk.url}."
        return HelpInfo(desk.name, desk.phone, desk.url, desk.opening_hours, text)
    name, phone, url = (
        conf.helpdesk_fallback_name(),
        conf.helpdesk_fallback_phone(),
        conf.helpdesk_fallback_url(),
    )
    place = f"de gemeente {municipality_name}" if municipality_name else "uw gemeente"
    text = f"Bel {place}. De gemeente helpt u gratis bij geldzaken."
    if name:
        text += f" U kunt ook terecht bij {name}"
        text += f" ({phone})." if phone else "."
        if url:
            text += f" Kijk op {url}."
    return HelpInfo(name or place, phone, url, "", text)


def contact_text(*, phone: str, email: str, website: str) -> str:
    """One ready sentence on how to reach the creditor, from what is on file."""
    if phone:
        return f"Bel ons op {phone}." + (f" Of mail naar {email}." if email else "")
    if email:
        return f"Mail ons op {email}."
    if website:
        return f"Kijk op {website}."
    return "Neem contact met ons op."


def _person_names(person) -> dict[str, str]:
    given = person.given_name or person.initials
    surname = " ".join(p for p in (person.surname_prefix, person.surname) if p)
    full = " ".join(p for p in (given, surname) if p)
    return {
        "salutation": f"Beste {full}" if full else "Beste klant",
        "given_name": given,
        "surname": surname,
        "full_name": full,
    }


def _municipality(address) -> tuple[str, str]:
    if address is None:
        return "", ""
    name = address.municipality_name
    if not name and address.postcode:
        from vangnet.parties.geography import area_for_postcode

        area = area_for_postcode(address.postcode)
        name = area.municipality if area else ""
    return address.municipality_code, name


def _address_lines(full_name: str, address) -> list[str]:
    lines = [full_name] if full_name else []
    if address is not None:
        suffix = f"-{address.house_number_suffix}" if address.house_number_suffix else ""
        lines.append(f"{address.street} {address.house_number}{suffix}")
        lines.append(f"{address.postcode} {address.city.upper()}")
    return lines


def _local_date(now: datetime | date) -> date:
    if isinstance(now, datetime):
        return timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    return now


def context_for_case(*, case, channel: str, now: datetime | date, action=None) -> dict[str, Any]:
    """All documented variables for one case (``action``: use what the run decided).

    For a 14-day letter the principal and the costs come from the action when given
    (the run stored exactly what the guardrails checked), otherwise from the case's
    arrears and the organisation's policy (``strategy.guardrails.stated_costs_cents``).
    """
    from vangnet.ledger.models import Invoice
    from vangnet.strategy.models import Case, StrategyPolicy

    today = _local_date(now)
    case = (
        Case.objects.select_related(
            "organisation",
            "account__customer__person__address",
            "account__supply_address",
        ).get(pk=case.pk)
        if not _loaded(case)
        else case
    )
    account = case.account
    customer = account.customer
    person = customer.person
    organisation = case.organisation
    address = person.address or account.supply_address
    invoices = list(
        Invoice.objects.filter(account_id=account.pk, open_amount_cents__gt=0, due_date__lt=today)
        .order_by("due_date", "pk")
        .values("number", "description", "due_date", "open_amount_cents")
    )
    arrears = sum(i["open_amount_cents"] for i in invoices) or int(case.arrears_cents or 0)
    policy = StrategyPolicy.objects.filter(organisation_id=organisation.pk).first()
    engine = settings_from(policy.guardrail_policy if policy else None)
    letter = (action.explanation or {}).get("letter", {}) if action is not None else {}
    principal = int(letter.get("principal_cents") or arrears)
    stated = letter.get("stated_costs_cents")
    if stated is None:
        stated = stated_costs_cents(principal, settings=engine) if principal > 0 else 0
    names = _person_names(person)
    code, municipality = _municipality(address)
    help_info = help_for(municipality_code=code, municipality_name=municipality)
    months = conf.plan_max_months()
    send_on = today
    received = letter_received_on(send_on, postal_days=engine.policy.postal_days)
    deadline = letter_deadline(send_on, postal_days=engine.policy.postal_days)
    return {
        **names,
        "address_lines": _address_lines(names["full_name"], address),
        "municipality_name": municipality,
        "customer_number": customer.number,
        "account_number": account.number,
        "arrears_total": _eur(arrears),
        "arrears_total_cents": arrears,
        "invoices": [
            {
                "number": i["number"],
                "description": i["description"],
                "due_date": date_nl(i["due_date"]),
                "due_on": i["due_date"],
                "amount": _eur(i["open_amount_cents"]),
                "amount_cents": i["open_amount_cents"],
            }
            for i in invoices
        ],
        "oldest_due_date": date_nl(invoices[0]["due_date"]) if invoices else "",
        "costs_stated": _eur(int(stated)),
        "costs_stated_cents": int(stated),
        "total_with_costs": _eur(arrears + int(stated)),
        "pay_url": links.pay_url(account.pk),
        "portal_url": links.portal_url(customer.pk),
        "plan_max_months": months,
        "plan_example_instalment": _eur(-(-arrears // months) if arrears else 0),
        "creditor_name": organisation.name,
        "creditor_phone": organisation.contact_phone,
        "creditor_email": organisation.contact_email,
        "creditor_website": organisation.website,
        "contact_text": contact_text(
            phone=organisation.contact_phone,
            email=organisation.contact_email,
            website=organisation.website,
        ),
        "helpdesk_name": help_info.name,
        "helpdesk_phone": help_info.phone,
        "helpdesk_url": help_info.url,
        "helpdesk_hours": help_info.hours,
        "help_text": help_info.text,
        "letter_date": date_nl(today),
        "letter_send_date": date_nl(send_on),
        "letter_send_on": send_on,
        "letter_receipt_date": date_nl(received),
        "letter_receipt_on": received,
        "letter_deadline": date_nl(deadline),
        "letter_deadline_on": deadline,
        "today": date_nl(today),
        "today_on": today,
        "channel": channel,
    }


def _loaded(case) -> bool:
    state = getattr(case, "_state", None)
    cache = getattr(state, "fields_cache", {}) if state else {}
    return "account" in cache and "organisation" in cache


def sample_context(*, channel: str = "email", today: date | None = None) -> dict[str, Any]:
    """A made-up person for previews and checks when there is no case to hand.

    Phone numbers start with 000 and sites end in .invalid, so a sample can never be
    mistaken for (or reach) a real desk.

    The amounts are consistent: € 150,00 arrears gives € 40,00 WIK costs (the minimum),
    and the dates follow the 14-day letter rules.
    """
    today = today or timezone.localdate()
    received = letter_received_on(today)
    deadline = letter_deadline(today)
    arrears, costs, months = 15000, 4000, conf.plan_max_months()
    return {
        "salutation": "Beste Anna de Vries",
        "given_name": "Anna",
        "surname": "de Vries",
        "full_name": "Anna de Vries",
        "address_lines": ["Anna de Vries", "Dorpsstraat 12", "3511 AB UTRECHT"],
        "municipality_name": "Utrecht",
        "customer_number": "K-1001",
        "account_number": "A-1001",
        "arrears_total": _eur(arrears),
        "arrears_total_cents": arrears,
        "invoices": [
            {
                "number": "F-2024-001",
                "description": "Waterrekening maart",
                "due_date": date_nl(today - timedelta(days=40)),
                "due_on": today - timedelta(days=40),
                "amount": _eur(10000),
                "amount_cents": 10000,
            },
            {
                "number": "F-2024-002",
                "description": "Waterrekening april",
                "due_date": date_nl(today - timedelta(days=10)),
                "due_on": today - timedelta(days=10),
                "amount": _eur(5000),
                "amount_cents": 5000,
            },
        ],
        "oldest_due_date": date_nl(today - timedelta(days=40)),
        "costs_stated": _eur(costs),
        "costs_stated_cents": costs,
        "total_with_costs": _eur(arrears + costs),
        "pay_url": links.pay_url(1),
        "portal_url": links.portal_url(1),
        "plan_max_months": months,
        "plan_example_instalment": _eur(-(-arrears // months)),
        "creditor_name": "Waterbedrijf Voorbeeld",
        "creditor_phone": "000 000 00 00",
        "creditor_email": "klantenservice@voorbeeld.invalid",
        "creditor_website": "https://www.voorbeeld.invalid",
        "contact_text": "Bel ons op 000 000 00 00. Of mail naar klantenservice@voorbeeld.invalid.",
        "helpdesk_name": "Geldloket Voorbeeld",
        "helpdesk_phone": "000 000 00 01",
        "helpdesk_url": "https://geldpunt.voorbeeld.invalid",
        "helpdesk_hours": "maandag tot en met vrijdag van 9 tot 17 uur",
        "help_text": "Geldloket Voorbeeld helpt u gratis bij geldzaken. Bel 000 000 00 01 "
        "(maandag tot en met vrijdag van 9 tot 17 uur).",
        "letter_date": date_nl(today),
        "letter_send_date": date_nl(today),
        "letter_send_on": today,
        "letter_receipt_date": date_nl(received),
        "letter_receipt_on": received,
        "letter_deadline": date_nl(deadline),
        "letter_deadline_on": deadline,
        "today": date_nl(today),
        "today_on": today,
        "channel": channel,
    }
