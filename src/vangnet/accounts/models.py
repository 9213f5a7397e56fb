"""Permissions that belong to no single table: privacy work and staff management.

``StaffPermission`` has no database table (``managed = False``); it exists so Django
creates the custom permissions below and the role map can grant them like any other.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffPermission(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("medewerkersrecht")
        verbose_name_plural = _("medewerkersrechten")
        permissions = [
            ("export_personal_data", _("Kan persoonsgegevens exporteren (AVG-inzageverzoek)")),
            ("search_access_log", _("Kan het inzagelog doorzoeken")),
            ("purge_data", _("Kan persoonsgegevens anonimiseren na de bewaartermijn")),
            ("assign_queues", _("Kan werkvoorraden en taken toewijzen")),
            ("approve_exceptions", _("Kan uitzonderingen buiten beleid goedkeuren")),
            ("view_reports", _("Kan rapportages bekijken")),
            ("manage_staff", _("Kan medewerkers en rollen beheren")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
