"""People, households, addresses and how to reach them.

Only what collection and help need is stored (AVG data minimisation): no sex,
nationality or marital status; BSN optional and shown masked.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.errors import Invalid
from vangnet.parties import validation
from vangnet.parties.constants import (
    Channel,
    ConsentPurpose,
    ContactKind,
    Language,
    OrganisationKind,
    Sector,
)


def _as_django_error(fn, value) -> None:
    try:
        fn(value)
    except Invalid as exc:
        raise ValidationError(exc.nl, code=exc.code) from exc


def validate_postcode(value: str) -> None:
    _as_django_error(validation.normalise_postcode, value)


def validate_bsn(value: str) -> None:
    _as_django_error(validation.normalise_bsn, value)


class Organisation(models.Model):
    """The creditor (or municipality) whose data this is; natural keys are per organisation."""

    name = models.CharField(_("naam"), max_length=200)
    slug = models.SlugField(_("code"), unique=True)
    kind = models.CharField(
        _("soort"), max_length=16, choices=OrganisationKind.choices, default="creditor"
    )
    sector = models.CharField(
        _("sector"), max_length=24, choices=Sector.choices, default=Sector.DRINKING_WATER
    )
    municipality_code = models.CharField(_("gemeentecode"), max_length=6, blank=True)
    contact_phone = models.CharField(_("telefoon klantenservice"), max_length=32, blank=True)
    contact_email = models.EmailField(_("e-mail klantenservice"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Address(models.Model):
    street = models.CharField(_("straat"), max_length=200)
    house_number = models.PositiveIntegerField(_("huisnummer"))
    house_number_suffix = models.CharField(_("toevoeging"), max_length=16, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[validate_postcode])
    city = models.CharField(_("woonplaats"), max_length=100)
    municipality_code = models.CharField(_("gemeentecode"), max_length=6, blank=True)
    municipality_name = models.CharField(_("gemeente"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("adres")
        verbose_name_plural = _("adressen")
        indexes = [models.Index(fields=["postcode", "house_number"])]

    def __str__(self) -> str:
        suffix = f"-{self.house_number_suffix}" if self.house_number_suffix else ""
        return f"{self.street} {self.house_number}{suffix}, {self.postcode} {self.city}"


class Household(models.Model):
    """People who share an address and a budget; signals are bundled per household."""

    address = models.ForeignKey(
        Address, verbose_name=_("adres"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("huishouden")
        verbose_name_plural = _("huishoudens")

    def __str__(self) -> str:
        return f"{_('Huishouden')} {self.pk}"


class Person(models.Model):
    initials = models.CharField(_("voorletters"), max_length=20, blank=True)
    given_name = models.CharField(_("roepnaam"), max_length=100, blank=True)
    surname_prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    surname = models.CharField(_("achternaam"), max_length=200)
    date_of_birth = models.DateField(_("geboortedatum"), null=True, blank=True)
    bsn = models.CharField(_("BSN"), max_length=9, null=True, blank=True, validators=[validate_bsn])
    household = models.ForeignKey(
        Household,
        verbose_name=_("huishouden"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    address = models.ForeignKey(
        Address,
        verbose_name=_("woonadres"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    language = models.CharField(
        _("taal"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    preferred_channels = models.JSONField(
        _("voorkeurskanalen"),
        default=list,
        blank=True,
        help_text=_('Volgorde van voorkeur, bijvoorbeeld ["sms", "email"].'),
    )
    contact_window_start = models.TimeField(_("bereikbaar vanaf"), null=True, blank=True)
    contact_window_end = models.TimeField(_("bereikbaar tot"), null=True, blank=True)
    # Vulnerability flags: each one changes what the engine may do (DOMAIN.md).
    medical_necessity = models.BooleanField(
        _("medische noodzaak"),
        default=False,
        help_text=_("Verklaring van een niet-behandelend arts: niet afsluiten."),
    )
    in_debt_help = models.BooleanField(_("in schuldhulp"), default=False)
    moratorium_until = models.DateField(_("moratorium tot"), null=True, blank=True)
    deceased_on = models.DateField(_("overleden op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        constraints = [
            models.UniqueConstraint(
                fields=["bsn"], condition=models.Q(bsn__isnull=False), name="person_bsn_unique"
            ),
        ]
        indexes = [models.Index(fields=["surname", "date_of_birth"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        first = self.given_name or self.initials
        return " ".join(p for p in (first, self.surname_prefix, self.surname) if p)

    @property
    def bsn_masked(self) -> str:
        return validation.mask_bsn(self.bsn)

    @property
    def is_vulnerable(self) -> bool:
        return bool(self.medical_necessity or self.in_debt_help or self.deceased_on)

    def clean(self) -> None:
        for channel in self.preferred_channels or []:
            if channel not in Channel.values:
                raise ValidationError(
                    {"preferred_channels": _("Onbekend kanaal: %(c)s") % {"c": channel}}
                )


class ContactPoint(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("persoon"), on_delete=models.CASCADE, related_name="contact_points"
    )
    kind = models.CharField(_("soort"), max_length=16, choices=ContactKind.choices)
    value = models.CharField(
        _("waarde"),
        max_length=254,
        help_text=_("E-mailadres, of telefoonnummer in E.164 (+31612345678)."),
    )
    is_primary = models.BooleanField(_("voorkeur"), default=True)
    verified_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    invalid_since = models.DateTimeField(_("onbruikbaar sinds"), null=True, blank=True)
    invalid_reason = models.CharField(_("reden onbruikbaar"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contactgegeven")
        verbose_name_plural = _("contactgegevens")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "value"], name="contactpoint_unique_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self) -> None:
        try:
            if self.kind == ContactKind.EMAIL:
                self.value = validation.normalise_email(self.value)
            else:
                self.value = validation.normalise_phone(self.value)
        except Invalid as exc:
            raise ValidationError({"value": exc.nl}) from exc


class Consent(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("persoon"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("doel"), max_length=32, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("gegeven"))
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    source = models.CharField(_("bron"), max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {'ja' if self.granted else 'nee'}"
