"""Choices and the documented template variables of messaging_content."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Channels a template is written for.

    ``phone`` and ``visit`` hold the short script staff use for a call or a home visit
    (the visit text doubles as the note left behind when nobody opens the door).
    """

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LETTER = "letter", _("Brief")
    PHONE = "phone", _("Belscript")
    VISIT = "visit", _("Huisbezoek")


class Language(models.TextChoices):
    DUTCH = "nl", _("Nederlands")
    ENGLISH = "en", _("Engels")


# Channels whose message has an HTML body (made from the text when none is written).
HTML_CHANNELS: frozenset[str] = frozenset({Channel.EMAIL, Channel.LETTER})

# The variables every template can use; context_for_case fills all of them, and the
# editor shows this list. Amounts and dates are ready-formatted Dutch strings; the
# ``*_cents`` and ``*_on`` twins are raw values for conditions and the filters
# ``euro`` (cents -> "€ 1.234,56") and ``datum`` (date -> "1 oktober 2024").
TEMPLATE_VARIABLES: dict[str, str] = {
    "salutation": "Aanhef, bijvoorbeeld 'Beste Anna de Vries'",
    "given_name": "Roepnaam (of voorletters als die onbekend is)",
    "surname": "Achternaam met tussenvoegsel, bijvoorbeeld 'de Vries'",
    "full_name": "Volledige naam",
    "address_lines": "Adresregels voor een brief (lijst)",
    "municipality_name": "Gemeente van het woonadres",
    "customer_number": "Klantnummer",
    "account_number": "Contractnummer",
    "arrears_total": "Totaal achterstand, bijvoorbeeld '€ 125,00'",
    "arrears_total_cents": "Totaal achterstand in centen",
    "invoices": "Lijst van open facturen: number, description, due_date, amount",
    "oldest_due_date": "Vervaldatum van de oudste open factuur",
    "costs_stated": "Precieze extra kosten die de veertiendagenbrief noemt",
    "costs_stated_cents": "Die kosten in centen",
    "total_with_costs": "Achterstand plus die kosten",
    "pay_url": "Betaallink",
    "portal_url": "Link naar de persoonlijke pagina",
    "plan_max_months": "Hoogste aantal maanden voor een betalingsregeling",
    "plan_example_instalment": "Voorbeeld van een bedrag per maand",
    "creditor_name": "Naam van de organisatie",
    "creditor_phone": "Telefoonnummer klantenservice",
    "creditor_email": "E-mailadres klantenservice",
    "creditor_website": "Website van de organisatie",
    "contact_text": "Kant-en-klare zin hoe de klant ons bereikt (telefoon, e-mail of website)",
    "helpdesk_name": "Gratis hulp bij geldzaken van de gemeente: naam",
    "helpdesk_phone": "Telefoonnummer (leeg als onbekend)",
    "helpdesk_url": "Website (leeg als onbekend)",
    "helpdesk_hours": "Openingstijden (leeg als onbekend)",
    "help_text": "Kant-en-klare zin waar de klant gratis hulp krijgt",
    "letter_date": "Datum van de brief",
    "letter_send_date": "Verzenddatum (veertiendagenbrief)",
    "letter_receipt_date": "Dag waarop de brief aankomt (verzenddatum plus postdagen)",
    "letter_deadline": "Laatste dag om te betalen zonder extra kosten",
    "today": "Datum van vandaag",
}
