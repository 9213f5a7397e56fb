"""The answer every rule gives: allowed or not, a stable reason code and a short explanation.

Guardrails must say *why* (DESIGN.md: "plain, tested Python functions that say why an action
is allowed or blocked"). Codes are stable, lowercase snake_case and safe to store, count and
translate; the Dutch text is B1 level (Wki, DOMAIN.md "Who is involved"), the English text is
for staff and logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def _freeze(evidence: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(evidence or {}))


@dataclass(frozen=True)
class Decision:
    """One rule's verdict.

    ``evidence`` holds the facts and figures the rule used (amounts, dates, counts);
    ``reasons`` holds the decisions this one was combined from (see :func:`combine`).
    """

    allowed: bool
    code: str
    nl: str
    en: str
    evidence: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    reasons: tuple[Decision, ...] = ()

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise ValueError(f"reason code must be lowercase snake_case: {self.code!r}")
        if not self.nl.strip() or not self.en.strip():
            raise ValueError(f"decision {self.code!r} needs a Dutch and an English text")
        object.__setattr__(self, "evidence", _freeze(self.evidence))

    @property
    def blocked(self) -> bool:
        return not self.allowed

    def walk(self) -> Iterator[Decision]:
        """This decision and every decision it was combined from, depth first."""
        yield self
        for reason in self.reasons:
            yield from reason.walk()

    def codes(self) -> tuple[str, ...]:
        """Every reason code in this decision tree (stable order, no duplicates)."""
        return tuple(dict.fromkeys(d.code for d in self.walk()))

    def blocking_codes(self) -> tuple[str, ...]:
        """The codes of the leaf decisions that block (what must be fixed first)."""
        return tuple(dict.fromkeys(d.code for d in self.walk() if d.blocked and not d.reasons))


def allow(code: str, nl: str, en: str, **evidence: Any) -> Decision:
    return Decision(True, code, nl, en, evidence)


def block(code: str, nl: str, en: str, **evidence: Any) -> Decision:
    return Decision(False, code, nl, en, evidence)


def combine(
    decisions: Iterable[Decision],
    *,
    code: str,
    nl: str,
    en: str,
    **evidence: Any,
) -> Decision:
    """All decisions must allow; the first block wins and every reason is kept.

    The result carries the first blocking decision's code and texts (so the caller sees the
    most important reason first) or, when nothing blocks, the given ``code``/``nl``/``en``.
    Put the decisions in order of importance.
    """
    reasons = tuple(decisions)
    first_block = next((d for d in reasons if d.blocked), None)
    if first_block is None:
        return Decision(True, code, nl, en, evidence, reasons)
    merged = {**first_block.evidence, **evidence}
    return Decision(False, first_block.code, first_block.nl, first_block.en, merged, reasons)
