"""Readability of Dutch text: syllables, sentences, words and the Flesch–Douma score.

Flesch–Douma (Douma 1960) is Flesch's reading ease re-weighted for Dutch:
``206.835 − 0.93 · words/sentence − 77 · syllables/word``. Around 60 and above reads
easily for most adults, which is what B1 aims at; it is a rough measure, so the word
list and the sentence hints in ``check`` matter as much as the number.

Two syllable counters: pyphen's ``nl_NL`` hyphenation patterns (the default: they know
compounds) and a vowel-group counter (no dependency; used when pyphen is missing and as a
cross-check in the tests).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

VOWELS = frozenset("aeiouyàáâäèéêëìíîïòóôöùúûü")
# A vowel with a diaeresis (or an accent) starts a new syllable: ide-eën, co-öperatie.
NEW_SYLLABLE_VOWELS = frozenset("äëïöüé")

WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)

_JINJA_RE = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_BLOCK_TAG_RE = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|header|footer|blockquote)\b[^>]*>",
    re.IGNORECASE,
)
_TAG_RE = re.compile(r"<[^>]+>")
_ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_LINK_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_HTML_HINT_RE = re.compile(r"<(?:p|div|br|html|body|span|a|strong|li)\b", re.IGNORECASE)


def _blank(match: re.Match[str]) -> str:
    """Same length, newlines kept: positions in the clean text are positions in the source."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _block(match: re.Match[str]) -> str:
    return "\n" + " " * (len(match.group(0)) - 1)


def _entity(match: re.Match[str]) -> str:
    char = html.unescape(match.group(0))[:1] or " "
    return char + " " * (len(match.group(0)) - 1)


def strip_markup(text: str) -> str:
    """Remove Jinja tags, HTML tags, entities, links and e-mail addresses.

    Every removed piece becomes spaces of the same length (block-level HTML tags start a
    line), so a finding's position in the clean text is its position in the template the
    editor shows.
    """
    is_html = bool(_HTML_HINT_RE.search(text))
    text = _JINJA_RE.sub(_blank, text)
    if is_html:
        text = re.sub(r"<(script|style)\b.*?</\1>", _blank, text, flags=re.DOTALL | re.I)
        text = text.replace("\n", " ")  # in HTML a line break inside text is a space
        text = _BLOCK_TAG_RE.sub(_block, text)
        text = _TAG_RE.sub(_blank, text)
        text = _ENTITY_RE.sub(_entity, text)
    return _LINK_RE.sub(_blank, text)


@lru_cache(maxsize=1)
def _pyphen():
    try:
        import pyphen
    except ImportError:  # pragma: no cover - pyphen is a dependency
        return None
    return pyphen.Pyphen(lang="nl_NL", left=1, right=1)


def syllables_vowel_groups(word: str) -> int:
    """Count groups of vowels; a vowel with a diaeresis starts a new group (ideeën = 3)."""
    count = 0
    previous_vowel = False
    for char in word.lower():
        vowel = char in VOWELS
        if vowel and (not previous_vowel or char in NEW_SYLLABLE_VOWELS):
            count += 1
        previous_vowel = vowel
    return max(count, 1)


def syllables_pyphen(word: str) -> int:
    """Hyphenation points + 1 using the ``nl_NL`` patterns (falls back to vowel groups)."""
    dic = _pyphen()
    if dic is None:  # pragma: no cover
        return syllables_vowel_groups(word)
    return len(dic.positions(word.lower())) + 1


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables of one word: pyphen, but never fewer than the vowel groups.

    The hyphenation patterns do not break inside some vowel sequences that are separate
    syllables (``ideeën``); the vowel-group count catches those.
    """
    return max(syllables_pyphen(word), syllables_vowel_groups(word))


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    words: tuple[tuple[int, int, str], ...]  # (start, end, word) in source positions


_SENTENCE_END_RE = re.compile(r"[.!?]+(?=\s|$)|[:;](?=\s*\n)|\n")


def sentences(clean: str) -> list[Sentence]:
    """Split clean text into sentences (positions kept).

    A sentence ends at ``. ! ?`` before white space, or at a line break — unless the line
    break sits inside a hard-wrapped sentence (lower-case letter or comma before, lower-case
    letter after), so a salutation, a heading or a list item counts as its own sentence.
    """
    out: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(clean):
        if match.group(0) == "\n":
            before = clean[start : match.start()].rstrip(" \t")
            after = clean[match.end() :].lstrip(" \t")
            if (
                before
                and after
                and (before[-1].islower() or before[-1] == ",")
                and after[:1].islower()
            ):
                continue
        _add_sentence(out, clean, start, match.end())
        start = match.end()
    _add_sentence(out, clean, start, len(clean))
    return out


def _add_sentence(out: list[Sentence], clean: str, start: int, end: int) -> None:
    words = tuple(
        (start + m.start(), start + m.end(), m.group(0)) for m in WORD_RE.finditer(clean[start:end])
    )
    if words:
        out.append(Sentence(words[0][0], end, clean[words[0][0] : end].strip(), words))


def flesch_douma(*, words: int, sentences: int, syllables: int) -> float:
    """206.835 − 0.93 · words/sentence − 77 · syllables/word (0 words: 100, nothing to read)."""
    if words == 0 or sentences == 0:
        return 100.0
    return 206.835 - 0.93 * (words / sentences) - 77.0 * (syllables / words)
