"""Small formatting helpers for the Dutch and English explanations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

_MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def eur_nl(amount: Decimal) -> str:
    """Dutch notation: ``€ 1.234,56``."""
    text = f"{amount:,.2f}"
    return "€ " + text.replace(",", "_").replace(".", ",").replace("_", ".")


def eur_en(amount: Decimal) -> str:
    """English notation: ``€1,234.56``."""
    return f"€{amount:,.2f}"


def date_nl(day: date) -> str:
    """``1 oktober 2024``."""
    return f"{day.day} {_MONTHS_NL[day.month - 1]} {day.year}"
