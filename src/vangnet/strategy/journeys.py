"""Journeys as data: YAML import/export, validation, and the steps the run reads.

A journey file is what organisations share ("superbrieven"): the steps and the facts of
the templates those steps use (what a letter says decides whether the law allows the
next step, so it must travel with the journey). Import is versioned: importing a
journey whose content differs from the latest stored version creates a new version;
running cases keep the version they started on. Importing an identical file is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

import yaml

from vangnet.core.errors import Invalid
from vangnet.parties.constants import Sector
from vangnet.strategy.constants import (
    BEST_CHANNEL,
    ActionChannel,
    ActionType,
    JourneyStyle,
    ScoreBand,
)
from vangnet.strategy.models import Journey, JourneyStep

JOURNEY_DIR = Path(__file__).resolve().parent / "journeys"
FORMAT = "vangnet-journey/1"

# Facts a template can declare, with their type. The guardrails read them
# (``guardrails.case_facts``): e.g. water signals need a written reminder that points to
# help, offers data sharing and states the medical exception (DOMAIN.md).
TEMPLATE_FACTS: dict[str, type] = {
    "description": str,
    "written_reminder": bool,
    "payment_term_days": int,
    "points_to_help": bool,
    "offers_data_sharing": bool,
    "states_medical_exception": bool,
    "default_established": bool,
    "consequences_stated": bool,
    "term_days": int,
    "term_wording": str,
    "disconnection_announcement": bool,
    "mentions_water_containers": bool,
    "end_of_supply": bool,
}
TERM_WORDINGS = ("after_receipt", "after_letter_date", "fixed_date")


@dataclass(frozen=True)
class StepSpec:
    """A journey step as plain values, for the run's tight loops."""

    id: int
    position: int
    name: str
    day_offset: int | None
    wait_for_event: str
    action_type: str
    channel: str
    template: str
    segments: frozenset[str]
    score_bands: frozenset[str]
    guardrails: tuple[str, ...]

    def matches(self, segment: str, band: str) -> bool:
        """Does this step apply to a case in ``segment`` with score band ``band``?"""
        if self.segments and segment not in self.segments:
            return False
        return not (self.score_bands and band not in self.score_bands)


def _fail(code: str, nl: str, en: str) -> Invalid:
    return Invalid(f"journey_{code}", nl, en)


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail("list", f"{where}: een lijst met teksten is nodig", f"{where}: need a list")
    return list(value)


def template_facts_validate(code: str, facts: Any) -> dict[str, Any]:
    if facts is None:
        return {}
    if not isinstance(facts, Mapping):
        raise _fail("template", f"sjabloon {code}: ongeldig", f"template {code}: not a mapping")
    out: dict[str, Any] = {}
    for key, value in facts.items():
        kind = TEMPLATE_FACTS.get(key)
        if kind is None:
            raise _fail(
                "template_fact",
                f"sjabloon {code}: onbekend gegeven {key!r}",
                f"template {code}: unknown fact {key!r}",
            )
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            raise _fail(
                "template_fact",
                f"sjabloon {code}: {key} moet {kind.__name__} zijn",
                f"template {code}: {key} must be {kind.__name__}",
            )
        out[key] = value
    if out.get("term_wording", "after_receipt") not in TERM_WORDINGS:
        raise _fail("template_fact", f"sjabloon {code}: term_wording", "bad term_wording")
    return out


def step_validate(raw: Any, index: int) -> dict[str, Any]:
    """One step of a journey file as model field values; raises ``Invalid``."""
    where = f"stap {index + 1}"
    if not isinstance(raw, Mapping):
        raise _fail("step", f"{where}: ongeldig", f"step {index + 1}: not a mapping")
    action = raw.get("action")
    if action not in ActionType.values:
        raise _fail(
            "action", f"{where}: onbekende actie {action!r}", f"unknown action type {action!r}"
        )
    channel = raw.get("channel") or ""
    if channel and channel != BEST_CHANNEL and channel not in ActionChannel.values:
        raise _fail("channel", f"{where}: onbekend kanaal {channel!r}", f"bad channel {channel!r}")
    day = raw.get("day")
    wait_for = raw.get("wait_for") or ""
    if day is None and not wait_for:
        raise _fail("when", f"{where}: dag of gebeurtenis ontbreekt", "need day or wait_for")
    if day is not None and (not isinstance(day, int) or isinstance(day, bool) or day < 0):
        raise _fail("day", f"{where}: dag moet 0 of meer zijn", "day must be an int >= 0")
    bands = _str_list(raw.get("score_bands"), where)
    if any(b not in ScoreBand.values for b in bands):
        raise _fail(
            "band", f"{where}: onbekende scoreklasse", f"score bands must be {ScoreBand.values}"
        )
    position = raw.get("position", index + 1)
    if not isinstance(position, int) or isinstance(position, bool) or position < 1:
        raise _fail("position", f"{where}: volgnummer ongeldig", "position must be an int >= 1")
    return {
        "position": position,
        "name": str(raw.get("name") or ""),
        "day_offset": day,
        "wait_for_event": str(wait_for),
        "action_type": action,
        "channel": channel,
        "template": str(raw.get("template") or ""),
        "segments": _str_list(raw.get("segments"), where),
        "score_bands": bands,
        "guardrails": _str_list(raw.get("guardrails"), where),
    }


def journey_validate(data: Any) -> dict[str, Any]:
    """A parsed journey file as ``{"journey": fields, "steps": [fields]}``."""
    if not isinstance(data, Mapping):
        raise _fail("file", "geen klantreis", "not a journey mapping")
    code = data.get("code")
    if not isinstance(code, str) or not code or not code.replace("-", "").isalnum():
        raise _fail("code", "code ontbreekt of is ongeldig", "missing or invalid code")
    sector = data.get("sector") or ""
    if sector and sector not in Sector.values:
        raise _fail("sector", f"onbekende sector {sector!r}", f"unknown sector {sector!r}")
    style = data.get("style") or JourneyStyle.SOCIAL
    if style not in JourneyStyle.values:
        raise _fail("style", f"onbekende stijl {style!r}", f"unknown style {style!r}")
    raw_steps = data.get("steps") or []
    if not isinstance(raw_steps, list):
        raise _fail("steps", "stappen moeten een lijst zijn", "steps must be a list")
    steps = [step_validate(raw, i) for i, raw in enumerate(raw_steps)]
    positions = [s["position"] for s in steps]
    if len(set(positions)) != len(positions):
        raise _fail("position", "dubbel volgnummer", "duplicate step position")
    templates_raw = data.get("templates") or {}
    if not isinstance(templates_raw, Mapping):
        raise _fail("templates", "sjablonen ongeldig", "templates must be a mapping")
    templates = {str(k): template_facts_validate(str(k), v) for k, v in templates_raw.items()}
    version = data.get("version", 1)
    if not isinstance(version, int) or version < 1:
        raise _fail("version", "versie ongeldig", "version must be an int >= 1")
    return {
        "journey": {
            "code": code,
            "version": version,
            "name": str(data.get("name") or code),
            "description": str(data.get("description") or ""),
            "sector": sector,
            "style": style,
            "published": bool(data.get("published", True)),
            "templates": templates,
        },
        "steps": sorted(steps, key=lambda s: s["position"]),
    }


def journey_to_dict(journey: Journey) -> dict[str, Any]:
    """The journey as the YAML file's structure (round-trips through ``journey_import``)."""
    steps = []
    for step in journey.steps.order_by("position"):
        item: dict[str, Any] = {"position": step.position}
        if step.name:
            item["name"] = step.name
        if step.day_offset is not None:
            item["day"] = step.day_offset
        if step.wait_for_event:
            item["wait_for"] = step.wait_for_event
        item["action"] = step.action_type
        if step.channel:
            item["channel"] = step.channel
        if step.template:
            item["template"] = step.template
        for key in ("segments", "score_bands", "guardrails"):
            if getattr(step, key):
                item[key] = list(getattr(step, key))
        steps.append(item)
    return {
        "format": FORMAT,
        "code": journey.code,
        "version": journey.version,
        "name": journey.name,
        "description": journey.description,
        "sector": journey.sector,
        "style": journey.style,
        "published": journey.published,
        "steps": steps,
        "templates": {code: dict(facts) for code, facts in sorted(journey.templates.items())},
    }


def journey_export(journey: Journey) -> str:
    return yaml.safe_dump(journey_to_dict(journey), sort_keys=False, allow_unicode=True, width=100)


def _content(journey: dict[str, Any], steps: list[dict[str, Any]]) -> Any:
    """What makes two versions the same journey (everything but the version number)."""
    head = {k: v for k, v in journey.items() if k != "version"}
    return (head, [dict(s) for s in steps])


def _stored_content(journey: Journey) -> Any:
    data = journey_validate(journey_to_dict(journey))
    return _content(data["journey"], data["steps"])


@transaction.atomic
def journey_import(text: str) -> tuple[Journey, bool]:
    """Import a journey file; returns ``(journey, created)``.

    Identical content to the latest version of the same code: nothing is written. Other
    content: a new version (the file's version if it is free and newer, else latest + 1).
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail("yaml", f"geen geldige YAML: {exc}", f"invalid YAML: {exc}") from exc
    parsed = journey_validate(data)
    fields, steps = parsed["journey"], parsed["steps"]
    same_code = Journey.objects.filter(code=fields["code"]).order_by("-version")
    # Compare with the newest *published* version (a draft is not what runs), but
    # number after every row, drafts included, so versions stay unique.
    latest_published = same_code.filter(published=True).first()
    if latest_published is not None and _stored_content(latest_published) == _content(
        fields, steps
    ):
        return latest_published, False
    latest = same_code.first()
    if latest is not None:
        fields["version"] = max(fields["version"], latest.version + 1)
    journey = Journey.objects.create(**fields)
    JourneyStep.objects.bulk_create([JourneyStep(journey=journey, **s) for s in steps])
    return journey, True


def journey_for_sector(sector: str) -> Journey | None:
    """The published social journey for ``sector`` (latest version), else ``classic``."""
    qs = Journey.objects.filter(published=True).order_by("-version")
    return (
        qs.filter(sector=sector, style=JourneyStyle.SOCIAL).first()
        or qs.filter(code="classic").first()
        or qs.first()
    )


def steps_for(journey_ids: Iterable[int]) -> dict[int, list[StepSpec]]:
    """Steps per journey id, in position order, as ``StepSpec`` (one query)."""
    out: dict[int, list[StepSpec]] = {}
    for s in JourneyStep.objects.filter(journey_id__in=set(journey_ids)).order_by(
        "journey_id", "position"
    ):
        out.setdefault(s.journey_id, []).append(
            StepSpec(
                id=s.pk,
                position=s.position,
                name=s.name,
                day_offset=s.day_offset,
                wait_for_event=s.wait_for_event,
                action_type=s.action_type,
                channel=s.channel,
                template=s.template,
                segments=frozenset(s.segments or ()),
                score_bands=frozenset(s.score_bands or ()),
                guardrails=tuple(s.guardrails or ()),
            )
        )
    return out


def template_facts_all() -> dict[str, dict[str, Any]]:
    """Template code -> facts over all published journeys (the newest version's wins).

    Drafts (``published=False``, the journey editor) never speak for a template.
    """
    out: dict[str, dict[str, Any]] = {}
    published = Journey.objects.filter(published=True).order_by("version", "pk")
    for templates in published.values_list("templates", flat=True):
        out.update(templates or {})
    return out


def shipped_journey_files() -> list[Path]:
    return sorted(JOURNEY_DIR.glob("*.yaml"))
