"""Portal access (magic-link tokens, sign-in attempts, one-time codes) and referrals.

Nothing here holds money or case state: that stays with the ledger, the arrangements and
the case timeline. These tables exist so access can be revoked, rate limited and
audited, and so a person's consent to a warm referral is kept with its moment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.ledger.models import Customer
from vangnet.portal.constants import AttemptScope, TokenPurpose


class PortalToken(models.Model):
    """One magic link: the signed value carries ``jti``; this row makes it revocable."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("klant"), on_delete=models.CASCADE, related_name="+"
    )
    jti = models.CharField(_("kenmerk"), max_length=32, unique=True)
    purpose = models.CharField(
        _("doel"), max_length=16, choices=TokenPurpose.choices, default=TokenPurpose.MESSAGE
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    expires_at = models.DateTimeField(_("verloopt"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("portaallink")
        verbose_name_plural = _("portaallinks")
        indexes = [models.Index(fields=["customer", "created_at"], name="portaltoken_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.jti[:8]}…"


class PortalLinkRevocation(models.Model):
    """ "Every link made before this moment stops working" — also the legacy links
    without ``jti`` that have no row of their own."""

    customer = models.OneToOneField(
        Customer, verbose_name=_("klant"), on_delete=models.CASCADE, related_name="+"
    )
    revoked_at = models.DateTimeField(_("ingetrokken op"))

    class Meta:
        verbose_name = _("intrekking portaallinks")
        verbose_name_plural = _("intrekkingen portaallinks")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.revoked_at:%Y-%m-%d %H:%M}"


class PortalAttempt(models.Model):
    """A failed sign-in (or a code sent), counted per hashed key for rate limiting.

    The key is an HMAC of the customer number or IP address: enough to count, without
    keeping who tried (AVG data minimisation). Old rows are purged by
    ``portal_attempts_purge``.
    """

    scope = models.CharField(_("soort"), max_length=16, choices=AttemptScope.choices)
    key = models.CharField(_("sleutel"), max_length=64)
    at = models.DateTimeField(_("tijdstip"))

    class Meta:
        verbose_name = _("inlogpoging portaal")
        verbose_name_plural = _("inlogpogingen portaal")
        indexes = [models.Index(fields=["scope", "key", "at"], name="portalattempt_key_at")]

    def __str__(self) -> str:
        return f"{self.scope} {self.at:%Y-%m-%d %H:%M}"


class PortalCode(models.Model):
    """A one-time sign-in code sent by e-mail or SMS; only its HMAC is stored."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("klant"), on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(_("code (hash)"), max_length=64)
    channel = models.CharField(_("kanaal"), max_length=16)
    created_at = models.DateTimeField(_("aangemaakt"))
    expires_at = models.DateTimeField(_("verloopt"))
    used_at = models.DateTimeField(_("gebruikt op"), null=True, blank=True)
    outbox_message_id = models.BigIntegerField(_("bericht"), null=True, blank=True)

    class Meta:
        verbose_name = _("inlogcode portaal")
        verbose_name_plural = _("inlogcodes portaal")
        indexes = [models.Index(fields=["customer", "expires_at"], name="portalcode_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel} {self.created_at:%Y-%m-%d %H:%M}"


class PortalReferral(models.Model):
    """A person asked for help and agreed to a warm referral (with the moment of consent).

    Kept even when the signals app makes the referral too, so the consent is on record
    here; ``signal_id`` points to ``signals_outgoing.OutgoingSignal`` when one was made.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("klant"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "strategy.Case",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("toestemming gegeven op"))
    consent_text = models.CharField(_("tekst toestemming"), max_length=400)
    note = models.CharField(_("toelichting klant"), max_length=500, blank=True)
    phone = models.CharField(_("telefoon"), max_length=32, blank=True)
    signal_id = models.BigIntegerField(_("signaal"), null=True, blank=True)
    signal_error = models.CharField(_("fout bij signaal"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("doorverwijzing vanuit portaal")
        verbose_name_plural = _("doorverwijzingen vanuit portaal")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.consent_at:%Y-%m-%d}"
