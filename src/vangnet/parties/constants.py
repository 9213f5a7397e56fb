from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CREDITOR = "creditor", _("Schuldeiser")
    MUNICIPALITY = "municipality", _("Gemeente")


class Sector(models.TextChoices):
    DRINKING_WATER = "drinking_water", _("Drinkwater")
    ENERGY = "energy", _("Energie")
    RENT = "rent", _("Huur")
    HEALTH_INSURANCE = "health_insurance", _("Zorgverzekering")
    OTHER = "other", _("Overig")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LETTER = "letter", _("Brief")
    PHONE = "phone", _("Telefoon")
    VISIT = "visit", _("Huisbezoek")


class ContactKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    MOBILE = "mobile", _("Mobiel")
    LANDLINE = "landline", _("Vast nummer")


class Language(models.TextChoices):
    DUTCH = "nl", _("Nederlands")
    ENGLISH = "en", _("Engels")


class ConsentPurpose(models.TextChoices):
    SHARE_WITH_MUNICIPALITY = "share_with_municipality", _("Gegevens delen met gemeente")
    DIGITAL_CONTACT = "digital_contact", _("Contact via e-mail, SMS of WhatsApp")
