"""Setting up the demo: the fictional water company, its data and the demo logins."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from vangnet.core.services import audit_record
from vangnet.parties.models import Organisation
from vangnet.simulation.generator import Horizon
from vangnet.simulation.loader import (
    LoadStats,
    Progress,
    population_exists,
    population_load,
    population_purge,
)
from vangnet.simulation.water import COMPANY

# For the demo only: printed on screen by `vangnet demo`, never use in production.
DEMO_PASSWORD = "vangnet-demo"
# App labels whose records demo staff may view.
_VIEW_APPS = ("parties", "ledger", "core")
# Extra permissions by codename (app_label.codename); missing ones are skipped, because
# the apps that define them may not exist yet in this version.
_EXTRA_PERMISSIONS = ("imports.add_importjob", "imports.view_importjob")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str  # Dutch, shown on screen


DEMO_USERS: tuple[tuple[str, str, bool, str], ...] = (
    # username, role (Dutch), superuser, group
    ("beheerder", "beheerder (alle rechten)", True, ""),
    ("kredietbeheerder", "kredietbeheerder", False, "Kredietbeheer"),
    ("incassomedewerker", "incassomedewerker", False, "Incasso"),
)


def demo_organisation_ensure() -> Organisation:
    organisation, _created = Organisation.objects.update_or_create(
        slug=COMPANY["slug"],
        defaults={k: v for k, v in COMPANY.items() if k != "slug"},
    )
    return organisation


def _staff_permissions() -> list[Permission]:
    perms = list(
        Permission.objects.filter(
            content_type__app_label__in=_VIEW_APPS, codename__startswith="view_"
        )
    )
    for dotted in _EXTRA_PERMISSIONS:
        app_label, codename = dotted.split(".")
        perms.extend(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    return perms


@transaction.atomic
def demo_users_ensure(*, password: str = DEMO_PASSWORD) -> list[DemoLogin]:
    """Create or reset the demo logins: a superuser plus one login per staff role.

    Idempotent: a re-run resets the passwords and the role groups (``roles_ensure``).
    The roles themselves live in ``vangnet.accounts.roles``; the demo only shows them.
    """
    from vangnet.accounts.services import demo_role_users_ensure

    User = get_user_model()
    user, _created = User.objects.get_or_create(username="beheerder")
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.save()
    logins = [DemoLogin("beheerder", password, "beheerder (alle rechten)")]
    logins += [
        DemoLogin(login.username, login.password, login.role)
        for login in demo_role_users_ensure(password=password)
    ]
    return logins


@dataclass
class DemoResult:
    organisation: Organisation
    built: bool
    existing_accounts: int
    stats: LoadStats | None


def demo_build(
    *,
    households: int,
    horizon: Horizon,
    seed: int,
    reset: bool = False,
    chunk_size: int = 5000,
    progress: Progress | None = None,
) -> DemoResult:
    """Build the demo organisation's data unless it is there already (or ``reset``)."""
    organisation = demo_organisation_ensure()
    existing = population_exists(organisation=organisation)
    if existing and not reset:
        return DemoResult(organisation, False, existing, None)
    if existing:
        population_purge(organisation=organisation)
    stats = population_load(
        organisation=organisation,
        households=households,
        horizon=horizon,
        seed=seed,
        chunk_size=chunk_size,
        progress=progress,
    )
    audit_record(
        action="demo_build",
        process="demo",
        object_type="organisation",
        object_id=organisation.pk,
        summary=(
            f"{stats.households} huishoudens, {stats.invoices} facturen, "
            f"{stats.payments} betalingen (seed {seed}, {horizon.months} maanden "
            f"t/m {horizon.today.isoformat()})"
        ),
    )
    return DemoResult(organisation, True, existing, stats)
