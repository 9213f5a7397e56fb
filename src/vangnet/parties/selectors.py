"""Reads about organisations and people."""

from __future__ import annotations

from vangnet.parties.models import Organisation


def organisation_current() -> Organisation | None:
    """The organisation this instance serves (the first one; most instances have one).

    Instances that serve several creditors (a collection agency) pass the organisation
    explicitly to services; pages default to this one.
    """
    return Organisation.objects.order_by("pk").first()
