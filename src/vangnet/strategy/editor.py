"""The credit manager's journey editor: drafts, step edits, a trial run, and publishing.

A draft is a ``Journey`` row with ``published=False`` and the version number it would
get if published now. The daily run never reads it: ``journey_for_sector`` and the
simulator's ``journey_resolve`` filter on ``published=True``, and the editor refuses to
work on a journey that a policy or a case points to. Editing happens only on drafts;
published versions are immutable, because running cases keep the version they started
on. Publishing turns the draft into the next version (renumbered if an import took its
number meanwhile), so the history of versions stays a simple ascending list.

Step data is validated by the same ``journeys.step_validate`` that validates YAML files,
so whatever the editor accepts also round-trips through export and import.

"Try before publishing" (``draft_try``) runs the strategy simulator twice on the same
synthetic households (same seed): once with the latest published version and once with
the draft, each in its own throw-away organisation that is removed afterwards.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from vangnet.core.errors import Invalid
from vangnet.core.services import audit_record
from vangnet.strategy.journeys import (
    journey_to_dict,
    journey_validate,
    step_validate,
)
from vangnet.strategy.models import Case, Journey, JourneyStep, Segment, StrategyPolicy

# Upper bounds for a trial run inside a web request: 2 x (1000 households, 120 days)
# takes well under a minute on a laptop; bigger questions belong to `vangnet simulate`.
TRY_MAX_HOUSEHOLDS = 1000
TRY_MAX_DAYS = 120
TRY_DEFAULT_HOUSEHOLDS = 150
TRY_DEFAULT_DAYS = 60

# Step fields as the editor (and the YAML file) names them.
STEP_KEYS = (
    "name",
    "day",
    "wait_for",
    "action",
    "channel",
    "template",
    "segments",
    "score_bands",
    "guardrails",
)


def _fail(code: str, nl: str, en: str) -> Invalid:
    return Invalid(f"editor_{code}", nl, en)


# ---------------------------------------------------------------------------------------
# Reads


def published_latest(code: str) -> Journey | None:
    """The newest published version of ``code`` (what a draft is compared with)."""
    return Journey.objects.filter(code=code, published=True).order_by("-version").first()


def draft_for(code: str) -> Journey | None:
    return Journey.objects.filter(code=code, published=False).order_by("-version").first()


def draft_fingerprint(draft: Journey) -> str:
    """A short hash of the draft's content; a trial result is stale once this changes."""
    data = journey_to_dict(draft)
    data.pop("version", None)
    data.pop("published", None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Problems:
    """What stands between a draft and publishing (errors) and what deserves a look."""

    errors: list[str]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors


def draft_validate(draft: Journey) -> Problems:
    """Validate a draft the way an import would, plus checks only the database can do.

    Errors: whatever ``journey_validate`` rejects, no steps, unknown segment codes.
    Warnings: a template code that neither the journey's template facts nor the
    template library knows (the guardrails then lack the facts of that letter).
    """
    errors: list[str] = []
    warnings: list[str] = []
    try:
        parsed = journey_validate(journey_to_dict(draft))
    except Invalid as exc:
        return Problems([exc.nl], [])
    steps = parsed["steps"]
    if not steps:
        errors.append("De klantreis heeft geen stappen.")
    known_segments = set(Segment.objects.values_list("code", flat=True))
    from vangnet.messaging.content.models import MessageTemplate

    library = set(MessageTemplate.objects.values_list("code", flat=True))
    facts = set((draft.templates or {}).keys())
    for step in steps:
        where = f"stap {step['position']}"
        unknown = [s for s in step["segments"] if s not in known_segments]
        if unknown:
            errors.append(f"{where}: onbekend segment {', '.join(unknown)}")
        code = step["template"]
        if code and code not in facts and code not in library:
            warnings.append(f"{where}: sjabloon {code} is onbekend")
        elif code and code not in facts:
            warnings.append(f"{where}: van sjabloon {code} zijn geen gegevens voor de vangrails")
    return Problems(errors, warnings)


# ---------------------------------------------------------------------------------------
# Writes


def _lock_journey(pk: int) -> Journey:
    journey = Journey.objects.select_for_update().filter(pk=pk).first()
    if journey is None:
        raise _fail("gone", "Deze klantreis bestaat niet meer.", "journey no longer exists")
    return journey


def _lock_draft(pk: int) -> Journey:
    draft = _lock_journey(pk)
    if draft.published:
        raise _fail(
            "published",
            "Een gepubliceerde versie kan niet meer veranderen; maak een concept.",
            "a published version is immutable; create a draft",
        )
    if (
        Case.objects.filter(journey_id=draft.pk).exists()
        or StrategyPolicy.objects.filter(journey_id=draft.pk)
        .exclude(organisation__slug__startswith="sim-")
        .exists()
    ):
        raise _fail("in_use", "Dit concept is in gebruik.", "this draft is in use")
    return draft


def _step_fields(raw: Mapping[str, Any], position: int) -> dict[str, Any]:
    data = {k: raw.get(k) for k in STEP_KEYS}
    data["position"] = position
    return step_validate(data, position - 1)


def draft_create(*, journey: Journey, actor: Any = None) -> Journey:
    """A draft copy of a published journey (or the existing draft of that code)."""
    with transaction.atomic():
        # Lock the versions of this code so two managers cannot both take N + 1.
        versions = list(
            Journey.objects.select_for_update().filter(code=journey.code).order_by("version")
        )
        existing = [j for j in versions if not j.published]
        if existing:
            return existing[-1]
        if not journey.published:
            raise _fail("source", "Kies een gepubliceerde versie.", "source must be published")
        draft = Journey.objects.create(
            code=journey.code,
            version=versions[-1].version + 1,
            name=journey.name,
            description=journey.description,
            sector=journey.sector,
            style=journey.style,
            published=False,
            templates=dict(journey.templates or {}),
        )
        JourneyStep.objects.bulk_create(
            [
                JourneyStep(
                    journey=draft,
                    position=s.position,
                    name=s.name,
                    day_offset=s.day_offset,
                    wait_for_event=s.wait_for_event,
                    action_type=s.action_type,
                    channel=s.channel,
                    template=s.template,
                    segments=list(s.segments or []),
                    score_bands=list(s.score_bands or []),
                    guardrails=list(s.guardrails or []),
                )
                for s in journey.steps.order_by("position")
            ]
        )
        audit_record(
            action="journey_draft_create",
            summary=f"Concept {draft.code} v{draft.version} uit v{journey.version}",
            actor=actor,
            object_type="strategy.journey",
            object_id=draft.pk,
            details={"from_version": journey.version},
        )
    return draft


def _renumber(draft: Journey) -> None:
    """Positions 1..n in the current order (two passes keep the unique constraint)."""
    steps = list(draft.steps.order_by("position", "pk"))
    offset = max((s.position for s in steps), default=0) + 1
    for i, s in enumerate(steps):
        s.position = offset + i
    JourneyStep.objects.bulk_update(steps, ["position"])
    for i, s in enumerate(steps):
        s.position = i + 1
    JourneyStep.objects.bulk_update(steps, ["position"])


def _audit_step(action: str, draft: Journey, actor: Any, details: dict[str, Any]) -> None:
    audit_record(
        action=action,
        summary=f"{draft.code} v{draft.version} (concept)",
        actor=actor,
        object_type="strategy.journey",
        object_id=draft.pk,
        details=details,
    )


def step_add(*, draft: Journey, data: Mapping[str, Any], actor: Any = None) -> JourneyStep:
    """Append a validated step to the end of the draft."""
    with transaction.atomic():
        draft = _lock_draft(draft.pk)
        last = draft.steps.aggregate(m=Max("position"))["m"] or 0
        fields = _step_fields(data, last + 1)
        step = JourneyStep.objects.create(journey=draft, **fields)
        _audit_step("journey_step_add", draft, actor, {"position": step.position})
    return step


def step_update(
    *, draft: Journey, step_id: int, data: Mapping[str, Any], actor: Any = None
) -> JourneyStep:
    with transaction.atomic():
        draft = _lock_draft(draft.pk)
        step = draft.steps.filter(pk=step_id).first()
        if step is None:
            raise _fail("step", "Deze stap bestaat niet (meer).", "no such step")
        fields = _step_fields(data, step.position)
        for key, value in fields.items():
            setattr(step, key, value)
        step.save()
        _audit_step("journey_step_update", draft, actor, {"position": step.position})
    return step


def step_move(*, draft: Journey, step_id: int, up: bool, actor: Any = None) -> None:
    """Swap a step with its neighbour (no-op at either end)."""
    with transaction.atomic():
        draft = _lock_draft(draft.pk)
        steps = list(draft.steps.order_by("position"))
        index = next((i for i, s in enumerate(steps) if s.pk == step_id), None)
        if index is None:
            raise _fail("step", "Deze stap bestaat niet (meer).", "no such step")
        other = index - 1 if up else index + 1
        if not 0 <= other < len(steps):
            return
        steps[index], steps[other] = steps[other], steps[index]
        top = max(s.position for s in steps) + 1
        for i, s in enumerate(steps):
            s.position = top + i
        JourneyStep.objects.bulk_update(steps, ["position"])
        for i, s in enumerate(steps):
            s.position = i + 1
        JourneyStep.objects.bulk_update(steps, ["position"])
        _audit_step("journey_step_move", draft, actor, {"step": step_id, "up": up})


def step_delete(*, draft: Journey, step_id: int, actor: Any = None) -> None:
    with transaction.atomic():
        draft = _lock_draft(draft.pk)
        deleted, _ = draft.steps.filter(pk=step_id).delete()
        if not deleted:
            raise _fail("step", "Deze stap bestaat niet (meer).", "no such step")
        _renumber(draft)
        _audit_step("journey_step_delete", draft, actor, {"step": step_id})


def draft_update(*, draft: Journey, name: str, description: str, actor: Any = None) -> Journey:
    """Name and description of the draft (code, sector and style stay the source's)."""
    name = name.strip()
    if not name:
        raise _fail("name", "Vul een naam in.", "name is required")
    with transaction.atomic():
        draft = _lock_draft(draft.pk)
        draft.name = name[:200]
        draft.description = description.strip()
        draft.save(update_fields=["name", "description"])
        _audit_step("journey_draft_update", draft, actor, {"name": draft.name})
    return draft


def draft_publish(*, draft: Journey, actor: Any = None) -> Journey:
    """Publish the draft as the next version of its code; cases keep their old version."""
    with transaction.atomic():
        list(Journey.objects.select_for_update().filter(code=draft.code))
        draft = _lock_draft(draft.pk)
        problems = draft_validate(draft)
        if not problems.ok:
            raise _fail(
                "invalid",
                "Het concept is nog niet in orde: " + "; ".join(problems.errors),
                "draft is not valid",
            )
        latest = published_latest(draft.code)
        if latest is not None and draft_fingerprint(latest) == draft_fingerprint(draft):
            raise _fail(
                "unchanged",
                f"Het concept is gelijk aan versie {latest.version}; er is niets te publiceren.",
                "draft equals the latest published version",
            )
        newest = (
            Journey.objects.filter(code=draft.code).exclude(pk=draft.pk).aggregate(m=Max("version"))
        )["m"] or 0
        previous = draft.version
        draft.version = max(draft.version, newest + 1)
        draft.published = True
        draft.save(update_fields=["version", "published"])
        audit_record(
            action="journey_publish",
            summary=f"Klantreis {draft.code} v{draft.version} gepubliceerd",
            actor=actor,
            object_type="strategy.journey",
            object_id=draft.pk,
            details={
                "version": draft.version,
                "draft_version": previous,
                "previous_published": latest.version if latest else None,
            },
        )
    return draft


def draft_discard(*, draft: Journey, actor: Any = None) -> None:
    with transaction.atomic():
        draft = _lock_draft(draft.pk)
        code, version = draft.code, draft.version
        draft.delete()
        audit_record(
            action="journey_draft_discard",
            summary=f"Concept {code} v{version} weggegooid",
            actor=actor,
            object_type="strategy.journey",
            object_id=draft.pk or "",
            details={"code": code, "version": version},
        )


# ---------------------------------------------------------------------------------------
# Try before publishing


@dataclass(frozen=True)
class TryResult:
    households: int
    days: int
    seed: int
    fingerprint: str
    published_version: int
    draft_version: int
    published: dict[str, Any]
    draft: dict[str, Any]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _simulate(journey: Journey, *, households: int, days: int, seed: int, slug: str) -> dict:
    """One simulator run with a given journey row (``simulate_strategy`` takes a name,
    and resolves only published journeys, so it cannot run a draft)."""
    from vangnet.parties.models import Organisation
    from vangnet.simulation.metrics import collect
    from vangnet.simulation.strategy_sim import (
        COMPANY,
        SECTOR,
        SimConfig,
        StrategySimulation,
        book_build,
        organisation_delete,
    )

    config = SimConfig(households=households, days=days, journey=journey.code, seed=seed)
    old = Organisation.objects.filter(slug=slug).first()
    if old is not None:
        organisation_delete(old)
    org = Organisation.objects.create(
        slug=slug,
        name=f"Proef {journey.code} v{journey.version} (seed {seed})",
        kind=COMPANY["kind"],
        sector=SECTOR,
    )
    StrategyPolicy.objects.create(organisation=org, journey=journey)
    t0 = time.perf_counter()
    try:
        book, _stats = book_build(organisation=org, config=config)
        sim = StrategySimulation(organisation=org, journey=journey, book=book, config=config)
        sim.run()
        metrics = collect(organisation=org, config=config, log=sim.log, journey=journey)
    finally:
        organisation_delete(org)
    metrics["seconds"] = {"total": round(time.perf_counter() - t0, 1)}
    return metrics


def draft_try(
    *,
    draft: Journey,
    households: int = TRY_DEFAULT_HOUSEHOLDS,
    days: int = TRY_DEFAULT_DAYS,
    seed: int = 7,
) -> TryResult:
    """Simulate the published version and the draft on the same households.

    Nothing of the runs stays in the database; the caller keeps the returned metrics
    (the web page keeps them in the session, tagged with ``draft_fingerprint``).
    """
    from vangnet.strategy.defaults import strategy_defaults_ensure

    if not 1 <= households <= TRY_MAX_HOUSEHOLDS:
        raise _fail(
            "size",
            f"Kies 1 tot {TRY_MAX_HOUSEHOLDS} huishoudens.",
            f"households must be 1..{TRY_MAX_HOUSEHOLDS}",
        )
    if not 1 <= days <= TRY_MAX_DAYS:
        raise _fail("size", f"Kies 1 tot {TRY_MAX_DAYS} dagen.", f"days must be 1..{TRY_MAX_DAYS}")
    if draft.published:
        raise _fail("published", "Alleen een concept kan op proef.", "only drafts can be tried")
    problems = draft_validate(draft)
    if not problems.ok:
        raise _fail("invalid", "; ".join(problems.errors), "draft is not valid")
    strategy_defaults_ensure()
    base = published_latest(draft.code)
    if base is None:
        raise _fail("base", "Er is geen gepubliceerde versie.", "no published version")
    t0 = time.perf_counter()
    before = _simulate(
        base, households=households, days=days, seed=seed, slug=f"sim-try-{draft.pk}-p-s{seed}"
    )
    after = _simulate(
        draft, households=households, days=days, seed=seed, slug=f"sim-try-{draft.pk}-d-s{seed}"
    )
    return TryResult(
        households=households,
        days=days,
        seed=seed,
        fingerprint=draft_fingerprint(draft),
        published_version=base.version,
        draft_version=draft.version,
        published=before,
        draft=after,
        seconds=round(time.perf_counter() - t0, 1),
    )
