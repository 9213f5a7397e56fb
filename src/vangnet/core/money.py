"""Money: integer cents in the database, ``Decimal`` at the edges, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


class AmountError(ValueError):
    """An amount that cannot be read as euros and cents."""


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(CENT)


def decimal_to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def parse_amount(raw: str, *, decimal_separator: str | None = None) -> Decimal:
    """Read a Dutch or English written amount ("1.234,56", "1,234.56", "€ 12,5", "-3").

    Billing exports mix decimal comma and point; when the separator is not given it is
    inferred from the last separator in the text. More than two decimals is refused,
    because silently rounding a money amount hides an export error.
    """
    text = raw.strip().replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        raise AmountError("empty amount")
    negative = False
    if text.startswith("-"):
        negative, text = True, text[1:]
    elif text.endswith("-"):
        negative, text = True, text[:-1]
    if decimal_separator is None:
        last_comma, last_dot = text.rfind(","), text.rfind(".")
        if last_comma == -1 and last_dot == -1:
            decimal_separator = "."
        elif last_comma > last_dot:
            # "1.234,56" or "12,5"; but "1,234" alone is ambiguous: three digits after a
            # lone comma in Dutch is still a decimal comma only if no dot appears.
            decimal_separator = ","
        else:
            decimal_separator = "."
    thousands = "." if decimal_separator == "," else ","
    integer_part, _, fraction = text.partition(decimal_separator)
    if thousands in fraction or decimal_separator in fraction:
        raise AmountError(f"cannot read {raw!r} as an amount")
    integer_part = integer_part.replace(thousands, "")
    if not integer_part:
        integer_part = "0"
    if not integer_part.isdigit() or (fraction and not fraction.isdigit()):
        raise AmountError(f"cannot read {raw!r} as an amount")
    if len(fraction) > 2:
        raise AmountError(f"{raw!r} has more than two decimals")
    try:
        value = Decimal(f"{integer_part}.{fraction or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - guarded by isdigit above
        raise AmountError(f"cannot read {raw!r} as an amount") from exc
    return -value if negative else value


def format_euro(cents: int | None) -> str:
    """Dutch notation: € 1.234,56 (used in staff pages and exports meant for people)."""
    if cents is None:
        return ""
    value = cents_to_decimal(cents)
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}€ {'.'.join(groups)},{frac}"
