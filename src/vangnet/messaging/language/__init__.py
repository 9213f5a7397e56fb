"""The B1 language check for everything a customer reads (pure Python, no Django).

``check_text(text)`` strips Jinja and HTML, computes the Flesch–Douma score, looks for
difficult or loaded words (``data/difficult_words.csv``), long sentences and the passive
voice, and says whether the text is B1. Used by the template editor (live), the
``vangnet lint-text`` command and the test that every shipped template passes.
"""

from __future__ import annotations

from vangnet.messaging.language.check import (
    LEVEL_OK,
    LEVEL_TOO_DIFFICULT,
    Finding,
    LanguageReport,
    Thresholds,
    check_text,
)
from vangnet.messaging.language.readability import (
    flesch_douma,
    strip_markup,
    syllables,
    syllables_pyphen,
    syllables_vowel_groups,
)
from vangnet.messaging.language.words import default_words

__all__ = [
    "LEVEL_OK",
    "LEVEL_TOO_DIFFICULT",
    "Finding",
    "LanguageReport",
    "Thresholds",
    "check_text",
    "default_words",
    "flesch_douma",
    "strip_markup",
    "syllables",
    "syllables_pyphen",
    "syllables_vowel_groups",
]
