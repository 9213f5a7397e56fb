"""``vangnet portal-link CUSTOMER_NUMBER [--org SLUG] [--days N]``: print a magic link.

The module name has a hyphen on purpose: Django names a command after its module file
(``pkgutil.iter_modules``) and imports it with ``importlib.import_module``, neither of
which requires a Python identifier, so ``vangnet portal-link`` works as the brief names
it. (It cannot be imported with an ``import`` statement, which nothing needs.)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from vangnet.ledger.models import Customer
from vangnet.portal.constants import TokenPurpose
from vangnet.portal.tokens import portal_link_create


class Command(BaseCommand):
    help = "Print a magic link to the customer portal for a customer number."

    def add_arguments(self, parser) -> None:
        parser.add_argument("number", help="customer number")
        parser.add_argument("--org", default="", help="organisation slug (when numbers clash)")
        parser.add_argument("--days", type=int, default=None, help="days the link works")

    def handle(self, *args, number: str, org: str, days: int | None, **options) -> None:
        qs = Customer.objects.filter(number=number.strip())
        if org:
            qs = qs.filter(organisation__slug=org)
        customers = list(qs.select_related("organisation")[:2])
        if not customers:
            raise CommandError(f"Klantnummer {number} niet gevonden.")
        if len(customers) > 1:
            raise CommandError(
                f"Klantnummer {number} bestaat bij meer organisaties; geef --org SLUG."
            )
        try:
            url = portal_link_create(customer=customers[0], purpose=TokenPurpose.COMMAND, days=days)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(url)
