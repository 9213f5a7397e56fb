"""``vangnet paylink CUSTOMER_NUMBER [--org SLUG] [--amount 12,50]``: print a pay link.

Without ``--amount`` it prints the stable signed link that messages use
(``/pay/a/<token>/``, one per account); with it, a staff link for that exact amount.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from vangnet.core.errors import Invalid
from vangnet.core.money import format_euro
from vangnet.ledger.models import Account
from vangnet.payments import conf
from vangnet.payments.selectors import account_open_cents
from vangnet.payments.services import amount_parse, paymentlink_create
from vangnet.payments.tokens import paylink_url


class Command(BaseCommand):
    help = "Toon een betaallink voor een klant (voor medewerkers en de demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer_number")
        parser.add_argument("--org", default="", help="organisatie (slug); standaard: elke")
        parser.add_argument("--amount", default="", help="vast bedrag, bijv. 12,50")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = Account.objects.filter(customer__number=options["customer_number"])
        if options["org"]:
            accounts = accounts.filter(organisation__slug=options["org"])
        accounts = list(accounts.select_related("customer").order_by("pk"))
        if not accounts:
            raise CommandError(f"no customer with number {options['customer_number']!r}")
        for account in accounts:
            if options["amount"]:
                try:
                    cents = amount_parse(options["amount"])
                except Invalid as exc:
                    raise CommandError(exc.en) from exc
                link = paymentlink_create(account=account, amount_cents=cents)
                url = conf.base_url() + reverse("payments:link", args=[link.token])
            else:
                url = paylink_url(account.pk)
            open_text = format_euro(account_open_cents(account_id=account.pk))
            self.stdout.write(f"{account.number}\t{open_text}\t{url}")
