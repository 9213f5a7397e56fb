"""``check_text``: is this text B1? A score, a verdict and findings a writer can act on.

The verdict follows the threshold (default: Flesch–Douma ≥ 60 and no listed word).
Long sentences and the passive voice are hints: they are reported but do not fail a
text on their own, because both are sometimes the clearest way to say something.
Messages in findings are Dutch (the people who write templates read them).
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from vangnet.messaging.language.readability import (
    flesch_douma,
    sentences,
    strip_markup,
    syllables,
)
from vangnet.messaging.language.words import WordList, default_words

LEVEL_OK = "B1"
LEVEL_TOO_DIFFICULT = "te moeilijk"

# "wordt/worden/werd/werden … participle": ge…d/t, ge…en, and ver-/be-/ont-/her-
# participles (wordt verzocht). With "is/zijn/was/waren" only ge…d/t, because "zijn"
# is also "his" and "is bekend" is an adjective far more often than a passive.
_WORDEN = r"wordt|worden|werd|werden"
_ZIJN = r"is|zijn|was|waren"
_GAP = r"(?:\s+[^\s.!?]+){0,6}?\s+"
_PASSIVE_RES = (
    re.compile(
        rf"\b(?:{_WORDEN})\b{_GAP}((?:ge[^\W\d_]{{2,}}(?:[dt]|en))|(?:(?:ver|be|ont|her)"
        rf"[^\W\d_]{{2,}}[dt]))\b",
        re.IGNORECASE | re.UNICODE,
    ),
    re.compile(rf"\b(?:{_ZIJN})\b{_GAP}(ge[^\W\d_]{{2,}}[dt])\b", re.IGNORECASE | re.UNICODE),
)
# Words that look like a past participle but are not (gezond, geldt) or are nouns.
_NOT_PARTICIPLES = frozenset(
    {"gezond", "geldt", "gewend", "gebied", "gebit", "gerecht", "geen", "genoeg", "gemeenten"}
)


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        return float(raw) if raw.strip() else default
    except ValueError as exc:
        raise ValueError(f"environment variable {name} must be a number, got {raw!r}") from exc


@dataclass(frozen=True)
class Thresholds:
    """When a text counts as B1.

    Defaults come from the environment when a ``Thresholds()`` is made:
    ``VANGNET_B1_MIN_SCORE`` (Flesch–Douma, default 60), ``VANGNET_B1_MAX_SENTENCE_WORDS``
    (longer sentences get a hint, default 20), ``VANGNET_B1_ALLOW_LISTED_WORDS`` (1: listed
    words are hints only; default 0: one listed word fails the text).
    """

    min_score: float = field(default_factory=lambda: _env_float("VANGNET_B1_MIN_SCORE", 60.0))
    max_sentence_words: int = field(
        default_factory=lambda: int(_env_float("VANGNET_B1_MAX_SENTENCE_WORDS", 20))
    )
    allow_listed_words: bool = field(
        default_factory=lambda: os.environ.get("VANGNET_B1_ALLOW_LISTED_WORDS", "0") == "1"
    )


@dataclass(frozen=True)
class Finding:
    """One thing to improve. ``start``/``end`` are character offsets in the checked text."""

    kind: str  # "word" | "long_sentence" | "passive"
    start: int
    end: int
    text: str  # the word, phrase or sentence
    alternative: str
    message: str  # Dutch, for the template writer
    blocking: bool = False

    def line_col(self, source: str) -> tuple[int, int]:
        before = source[: self.start]
        return before.count("\n") + 1, self.start - (before.rfind("\n") + 1) + 1


@dataclass(frozen=True)
class LanguageReport:
    score: float
    level: str
    ok: bool
    words: int
    sentences: int
    syllables: int
    avg_sentence_words: float
    avg_word_syllables: float
    avg_word_chars: float
    min_score: float
    findings: tuple[Finding, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["score"] = round(self.score, 1)
        for key in ("avg_sentence_words", "avg_word_syllables", "avg_word_chars"):
            data[key] = round(data[key], 2)
        return data


def check_text(
    text: str, *, thresholds: Thresholds | None = None, words: WordList | None = None
) -> LanguageReport:
    """Check a text (plain, HTML or a Jinja template) for B1 Dutch."""
    thresholds = thresholds or Thresholds()
    words = words or default_words()
    clean = strip_markup(text)
    parts = sentences(clean)
    findings: list[Finding] = []
    n_words = n_syllables = n_chars = 0
    for sentence in parts:
        count = len(sentence.words)
        n_words += count
        for start, end, word in sentence.words:
            n_syllables += syllables(word)
            n_chars += len(word)
            entry = words.lookup(word)
            if entry is not None:
                findings.append(_word_finding(start, end, word, entry, thresholds))
        if count > thresholds.max_sentence_words:
            findings.append(
                Finding(
                    kind="long_sentence",
                    start=sentence.start,
                    end=sentence.end,
                    text=sentence.text,
                    alternative="",
                    message=(
                        f"Deze zin heeft {count} woorden. Maak er twee zinnen van: "
                        f"hooguit {thresholds.max_sentence_words} woorden per zin."
                    ),
                )
            )
        for match in _passives(clean, sentence.start, sentence.end):
            findings.append(
                Finding(
                    kind="passive",
                    start=match.start(),
                    end=match.end(),
                    text=clean[match.start() : match.end()],
                    alternative="",
                    message="Lijdende vorm. Zeg wie het doet: 'wij sturen' in plaats van "
                    "'er wordt gestuurd'.",
                )
            )
    for pattern, entry in words.phrases:
        for match in pattern.finditer(clean):
            findings.append(
                _word_finding(match.start(), match.end(), match.group(0), entry, thresholds)
            )
    findings.sort(key=lambda f: (f.start, f.kind))
    score = flesch_douma(words=n_words, sentences=len(parts), syllables=n_syllables)
    ok = score >= thresholds.min_score and not any(f.blocking for f in findings)
    return LanguageReport(
        score=score,
        level=LEVEL_OK if ok else LEVEL_TOO_DIFFICULT,
        ok=ok,
        words=n_words,
        sentences=len(parts),
        syllables=n_syllables,
        avg_sentence_words=n_words / len(parts) if parts else 0.0,
        avg_word_syllables=n_syllables / n_words if n_words else 0.0,
        avg_word_chars=n_chars / n_words if n_words else 0.0,
        min_score=thresholds.min_score,
        findings=tuple(findings),
    )


def _passives(clean: str, start: int, end: int) -> list[re.Match[str]]:
    found: dict[int, re.Match[str]] = {}
    for pattern in _PASSIVE_RES:
        for match in pattern.finditer(clean, start, end):
            participle = match.group(1).lower()
            if participle in _NOT_PARTICIPLES or participle.endswith(("heid", "gegevens")):
                continue
            found.setdefault(match.start(), match)
    return [found[k] for k in sorted(found)]


def _word_finding(start: int, end: int, word: str, entry, thresholds: Thresholds) -> Finding:
    if entry.kind == "loaded":
        message = f"'{word}' klinkt dreigend of stempelt mensen af. Schrijf: {entry.alternative}."
    else:
        message = f"'{word}' is moeilijke of ambtelijke taal. Schrijf: {entry.alternative}."
    return Finding(
        kind="word",
        start=start,
        end=end,
        text=word,
        alternative=entry.alternative,
        message=message,
        blocking=not thresholds.allow_listed_words,
    )
