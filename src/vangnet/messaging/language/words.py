"""The bundled list of difficult or loaded words and their B1 alternatives.

The list lives in ``data/difficult_words.csv`` so that a communication adviser can change
it without touching code. ``textstat``'s ``difficult_words`` uses an English list even in
Dutch mode (STYLE.md pitfalls), hence our own.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WORDS_FILE = Path(__file__).parent / "data" / "difficult_words.csv"


@dataclass(frozen=True)
class ListedWord:
    word: str  # lower case; may be a phrase of several words
    alternative: str
    kind: str  # "loaded" (threatening, stigmatising) or "difficult" (officialese)
    prefix: bool  # also matches plurals and compounds that start with the word


@dataclass(frozen=True)
class WordList:
    exact: dict[str, ListedWord]
    prefixes: tuple[ListedWord, ...]
    phrases: tuple[tuple[re.Pattern[str], ListedWord], ...]

    def __len__(self) -> int:
        return len(self.exact) + len(self.phrases)  # prefix entries are also in ``exact``

    def lookup(self, token: str) -> ListedWord | None:
        """The entry a single word matches, if any (case-insensitive)."""
        lower = token.lower()
        found = self.exact.get(lower)
        if found is not None:
            return found
        for entry in self.prefixes:
            if lower.startswith(entry.word):
                return entry
        return None


def parse(lines: list[str]) -> WordList:
    """Parse the CSV (``word,alternative,kind,match``; ``#`` lines are comments)."""
    rows = csv.DictReader(line for line in lines if line.strip() and not line.startswith("#"))
    exact: dict[str, ListedWord] = {}
    prefixes: list[ListedWord] = []
    phrases: list[tuple[re.Pattern[str], ListedWord]] = []
    for row in rows:
        word = row["word"].strip().lower()
        if not word:
            continue
        entry = ListedWord(
            word=word,
            alternative=row["alternative"].strip(),
            kind=(row.get("kind") or "difficult").strip(),
            prefix=(row.get("match") or "exact").strip() == "prefix",
        )
        if " " in word:
            pattern = r"\b" + r"\s+".join(re.escape(p) for p in word.split()) + r"\b"
            phrases.append((re.compile(pattern, re.IGNORECASE), entry))
        elif entry.prefix:
            prefixes.append(entry)
            exact[word] = entry
        else:
            exact[word] = entry
    # Longest prefix first, so "aanmaningskosten" is named rather than "aanmaning".
    prefixes.sort(key=lambda e: -len(e.word))
    return WordList(exact, tuple(prefixes), tuple(phrases))


@lru_cache(maxsize=1)
def default_words() -> WordList:
    return parse(WORDS_FILE.read_text(encoding="utf-8").splitlines())
