"""Matching an incoming signal's client to a known resident.

BSN when present (and valid); otherwise name + date of birth + address with tolerance
for the spelling differences creditors' files really contain ("Dijk"/"Dyk", "Jansen"/
"Janssen", missing prefix, diacritics). A match never rests on a name alone: the date of
birth must be equal and the address must agree, so two different residents are not
merged. The BRP check (manual or a real connection) confirms afterwards.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from stdnum.nl import bsn as stdnum_bsn

PREFIXES = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "ten",
        "ter",
        "te",
        "op",
        "in",
        "t",
        "'t",
        "la",
        "le",
        "du",
        "da",
        "di",
        "el",
        "al",
    }
)
SIMILARITY_THRESHOLD = 0.92  # Jaro-Winkler on normalised surnames


def fold(text: str) -> str:
    """Lowercase, no diacritics, letters only; "ij" as "y" (Dijk = Dyk)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = plain.replace("ij", "y")
    return re.sub(r"[^a-z ]", "", plain)


def surname_key(prefix: str, surname: str) -> str:
    """The surname without prefixes, wherever the sender put them."""
    words = [w for w in fold(f"{prefix} {surname}").split() if w]
    core = [w for w in words if w not in PREFIXES]
    return "".join(core or words)


def jaro_winkler(a: str, b: str) -> float:
    """Jaro–Winkler similarity in [0, 1] (the standard record-linkage measure for names)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_hit = [False] * len(a)
    b_hit = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not b_hit[j] and b[j] == ch:
                a_hit[i] = b_hit[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_chars = [ch for ch, hit in zip(a, a_hit, strict=True) if hit]
    b_chars = [ch for ch, hit in zip(b, b_hit, strict=True) if hit]
    transpositions = sum(x != y for x, y in zip(a_chars, b_chars, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


@dataclass(frozen=True)
class ClientData:
    bsn: str = ""
    initials: str = ""
    prefix: str = ""
    surname: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    house_number: str = ""


@dataclass(frozen=True)
class Candidate:
    person_id: int
    data: ClientData


@dataclass(frozen=True)
class MatchResult:
    person_id: int | None
    method: str  # "bsn", "name_dob_address" or "none"
    score: float
    reason: str


def _address(data: ClientData) -> tuple[str, str]:
    return ("".join(data.postcode.split()).upper(), str(data.house_number).strip().lstrip("0"))


def _initials_agree(a: str, b: str) -> bool:
    fa, fb = fold(a).replace(" ", ""), fold(b).replace(" ", "")
    return not fa or not fb or fa[0] == fb[0]


def match(client: ClientData, candidates: Iterable[Candidate]) -> MatchResult:
    """The best candidate for ``client``, or none with the reason why."""
    candidates = list(candidates)
    if client.bsn and stdnum_bsn.is_valid(client.bsn):
        for c in candidates:
            if c.data.bsn == client.bsn:
                return MatchResult(c.person_id, "bsn", 1.0, "BSN gelijk")
    if client.date_of_birth is None:
        return MatchResult(None, "none", 0.0, "geen geldig BSN en geen geboortedatum")
    key = surname_key(client.prefix, client.surname)
    best: tuple[float, Candidate] | None = None
    for c in candidates:
        if c.data.date_of_birth != client.date_of_birth:
            continue
        if _address(c.data) != _address(client):
            continue
        if not _initials_agree(client.initials, c.data.initials):
            continue
        score = jaro_winkler(key, surname_key(c.data.prefix, c.data.surname))
        if score >= SIMILARITY_THRESHOLD and (best is None or score > best[0]):
            best = (score, c)
    if best is None:
        return MatchResult(None, "none", 0.0, "geen inwoner met deze naam, geboortedatum en adres")
    return MatchResult(
        best[1].person_id,
        "name_dob_address",
        round(best[0], 4),
        "naam lijkt genoeg, geboortedatum en adres gelijk",
    )
