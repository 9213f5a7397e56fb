"""Templates as YAML files: the shipped library, export and import.

One format for all three (``format: vangnet-templates/1``)::

    format: vangnet-templates/1
    code: water-friendly-nudge
    description: Kort bericht, betaallink
    templates:
    - channel: sms
      language: nl        # optional, default nl
      segment: ''         # optional, default '' (all segments)
      variant: A          # optional, default '' (the default variant)
      subject: ''
      text: |
        ...
      html: ''            # optional
    - channel: email
      versions:           # export writes every version (or only the latest)
      - {number: 1, subject: …, text: …, html: …, published: true, note: …}

Loading is idempotent: a version whose subject, text and HTML equal an existing version
of the same template is not written again. ``library_load`` (``vangnet templates
defaults``) only fills templates that have no version yet, so it never overrides what
staff wrote; ``templates_import`` adds every version it does not have yet as a new
version (version numbers are the importing database's own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vangnet.messaging.content.constants import Channel, Language
from vangnet.messaging.content.models import MessageTemplate, TemplateVersion
from vangnet.messaging.content.services import template_create, template_version_create

FORMAT = "vangnet-templates/1"
LIBRARY_NOTE = "Standaardbibliotheek"  # the note on versions written from the library
LIBRARY_DIR = Path(__file__).parent / "library"


class LibraryError(ValueError):
    """A template file is not in the expected format (file and reason in the message)."""


@dataclass(frozen=True)
class VersionSpec:
    subject: str
    text: str
    html: str = ""
    published: bool = True
    note: str = ""


@dataclass(frozen=True)
class TemplateSpec:
    code: str
    channel: str
    language: str
    segment: str
    variant: str
    description: str
    versions: tuple[VersionSpec, ...]
    source: str = ""

    @property
    def slot(self) -> tuple[str, str, str, str, str]:
        return (self.code, self.channel, self.language, self.segment, self.variant)


@dataclass
class LoadResult:
    templates_created: list[str] = field(default_factory=list)
    versions_created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # staff-edited: left alone


def _str(value: Any, where: str, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise LibraryError(f"{where}: '{name}' must be text")
    return str(value)


def parse_file(path: Path) -> list[TemplateSpec]:
    """Read one file; a clear ``LibraryError`` names the file and the problem."""
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LibraryError(f"{where}: cannot read: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LibraryError(f"{where}: not a template file (expected 'format: {FORMAT}')")
    code = _str(data.get("code"), where, "code")
    entries = data.get("templates")
    if not code or not isinstance(entries, list) or not entries:
        raise LibraryError(f"{where}: needs 'code' and a non-empty 'templates' list")
    specs = []
    for n, entry in enumerate(entries, start=1):
        at = f"{where} template {n}"
        if not isinstance(entry, dict):
            raise LibraryError(f"{at}: must be a mapping")
        channel = _str(entry.get("channel"), at, "channel")
        language = _str(entry.get("language") or Language.DUTCH, at, "language")
        if channel not in Channel.values:
            raise LibraryError(f"{at}: unknown channel '{channel}'")
        if language not in Language.values:
            raise LibraryError(f"{at}: unknown language '{language}'")
        raw_versions = entry.get("versions")
        if raw_versions is None:
            raw_versions = [entry]
        if not isinstance(raw_versions, list) or not raw_versions:
            raise LibraryError(f"{at}: 'versions' must be a non-empty list")
        versions = []
        for v in sorted(
            raw_versions, key=lambda v: v.get("number", 0) if isinstance(v, dict) else 0
        ):
            if not isinstance(v, dict) or not _str(v.get("text"), at, "text").strip():
                raise LibraryError(f"{at}: every version needs a 'text'")
            versions.append(
                VersionSpec(
                    subject=_str(v.get("subject"), at, "subject").strip(),
                    text=_str(v.get("text"), at, "text"),
                    html=_str(v.get("html"), at, "html"),
                    published=bool(v.get("published", True)),
                    note=_str(v.get("note"), at, "note"),
                )
            )
        specs.append(
            TemplateSpec(
                code=code,
                channel=channel,
                language=language,
                segment=_str(entry.get("segment"), at, "segment"),
                variant=_str(entry.get("variant"), at, "variant"),
                description=_str(entry.get("description") or data.get("description"), at, "d"),
                versions=tuple(versions),
                source=where,
            )
        )
    return specs


def parse_dir(directory: Path) -> list[TemplateSpec]:
    """Every ``*.yaml``/``*.yml`` file in a folder; all are checked before anything is
    written, so a bad file loses nothing and leaves the database as it was."""
    if not directory.is_dir():
        raise LibraryError(f"{directory}: not a folder")
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    specs: list[TemplateSpec] = []
    seen: dict[tuple, str] = {}
    for path in files:
        for spec in parse_file(path):
            if spec.slot in seen:
                raise LibraryError(f"{path}: {'/'.join(spec.slot)} is also in {seen[spec.slot]}")
            seen[spec.slot] = str(path)
            specs.append(spec)
    return specs


def library_specs() -> list[TemplateSpec]:
    return parse_dir(LIBRARY_DIR)


def _same(version: TemplateVersion, spec: VersionSpec) -> bool:
    return (
        version.subject == spec.subject
        and version.text_body == spec.text
        and version.html_body == spec.html
    )


def _apply(
    specs: Iterable[TemplateSpec],
    *,
    only_empty: bool,
    actor: Any,
    note: str = "",
    update_library: bool = False,
) -> LoadResult:
    from django.db import transaction

    result = LoadResult()
    with transaction.atomic():
        for spec in specs:
            name = "/".join(p for p in spec.slot if p)
            template = MessageTemplate.objects.filter(
                code=spec.code,
                channel=spec.channel,
                language=spec.language,
                segment=spec.segment,
                variant=spec.variant,
            ).first()
            if template is None:
                template = template_create(
                    code=spec.code,
                    channel=spec.channel,
                    language=spec.language,
                    segment=spec.segment,
                    variant=spec.variant,
                    description=spec.description[:200],
                    actor=actor,
                )
                result.templates_created.append(name)
            existing = sorted(template.versions.all(), key=lambda v: v.number)
            staff_edited = bool(existing) and existing[-1].note != LIBRARY_NOTE
            if only_empty and existing and (staff_edited or not update_library):
                if _same(existing[-1], spec.versions[-1]):
                    result.unchanged.append(name)
                else:
                    result.kept.append(name)
                continue
            wrote = False
            for vspec in spec.versions:
                if any(_same(v, vspec) for v in existing):
                    continue
                existing.append(
                    template_version_create(
                        template=template,
                        subject=vspec.subject,
                        text_body=vspec.text,
                        html_body=vspec.html,
                        note=note or vspec.note,
                        published=vspec.published,
                        actor=actor,
                    )
                )
                wrote = True
            (result.versions_created if wrote else result.unchanged).append(name)
    return result


def library_load(
    *, actor: Any = None, directory: Path | None = None, update: bool = False
) -> LoadResult:
    """Load the shipped library; templates staff already wrote are kept as they are.

    ``update``: a template whose latest version still is a library version gets the
    newer library text as a new version (staff edits are never overwritten).
    """
    return _apply(
        parse_dir(directory or LIBRARY_DIR),
        only_empty=True,
        actor=actor,
        note=LIBRARY_NOTE,
        update_library=update,
    )


def templates_import(*, directory: Path, actor: Any = None) -> LoadResult:
    """Import exported files: every version not present yet becomes a new version."""
    return _apply(parse_dir(directory), only_empty=False, actor=actor)


class _Literal(str):
    """Multi-line strings are written as YAML block scalars, readable in a diff."""


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=style)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def _filename(template: MessageTemplate) -> str:
    parts = [template.code, template.channel, template.language]
    if template.segment:
        parts.append(f"seg-{template.segment}")
    if template.variant:
        parts.append(f"var-{template.variant}")
    return ".".join(parts) + ".yaml"


def templates_export(*, out: Path, latest_only: bool = False) -> list[Path]:
    """One file per template with all its versions (or only the latest)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for template in MessageTemplate.objects.prefetch_related("versions").order_by("pk"):
        versions = sorted(template.versions.all(), key=lambda v: v.number)
        if latest_only and versions:
            versions = versions[-1:]
        if not versions:
            continue
        entry: dict[str, Any] = {
            "channel": template.channel,
            "language": template.language,
            "segment": template.segment,
            "variant": template.variant,
            "active": template.active,
            "versions": [
                {
                    "number": v.number,
                    "published": v.published,
                    "note": v.note,
                    "subject": v.subject,
                    "text": _Literal(v.text_body),
                    "html": _Literal(v.html_body),
                }
                for v in versions
            ],
        }
        data = {
            "format": FORMAT,
            "code": template.code,
            "description": template.description,
            "templates": [entry],
        }
        path = out / _filename(template)
        path.write_text(
            yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8",
        )
        written.append(path)
    return written
