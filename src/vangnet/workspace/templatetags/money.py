"""Template filters for money, so templates never format cents themselves."""

from __future__ import annotations

from django import template

from vangnet.core.money import format_euro

register = template.Library()


@register.filter
def euro(cents: int | None) -> str:
    """``{{ invoice.amount_cents|euro }}`` -> "€ 1.234,56" (Dutch notation, as in letters).

    One notation in every language: amounts are euros in Dutch bookkeeping, and staff
    compare them with letters and bank statements that use this notation.
    """
    if cents is None or cents == "":
        return ""
    return format_euro(int(cents))
