"""Small shared helpers for the entry points (CLI, web, background job)."""

from __future__ import annotations

from vangnet.imports.errors import FileRefused
from vangnet.parties.models import Organisation
from vangnet.parties.selectors import organisation_current


def organisation_for(slug: str | None) -> Organisation:
    """The organisation named by ``slug``, or this instance's organisation."""
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise FileRefused(
                "organisation",
                f"onbekende organisatie {slug!r}",
                f"unknown organisation {slug!r}",
            )
        return organisation
    organisation = organisation_current()
    if organisation is None:
        raise FileRefused(
            "organisation",
            "er is nog geen organisatie; maak er eerst een aan (beheer > organisaties)",
            "there is no organisation yet; create one first (admin > organisations)",
        )
    return organisation
