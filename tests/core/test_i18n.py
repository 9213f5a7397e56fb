"""The English catalog: complete, not fuzzy, compiled, and used by the pages.

Dutch is the gettext source language (docs/decisions.md §1); ``locale/en`` holds the
English translation. An empty or fuzzy entry would show Dutch on an English page, and a
stale ``django.mo`` would show whatever the last compilation held.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from dataclasses import dataclass, field
from pathlib import Path

from django.urls import reverse
from django.utils import translation

import pytest

import vangnet

LC_MESSAGES = Path(vangnet.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    """The value of one quoted PO string, with its C escapes resolved."""
    assert text.startswith('"') and text.endswith('"'), text
    out, chars = [], iter(text[1:-1])
    for char in chars:
        out.append(_ESCAPES[next(chars)] if char == "\\" else char)
    return "".join(out)


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}


def parse_po(path: Path) -> list[Entry]:
    """A minimal PO reader: flags, msgctxt/msgid/msgid_plural/msgstr[n], continuations."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, key = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert key is not None, f"{path}:{number}: continuation without a keyword"
            entry.fields[key] += _unquote(line)
        else:
            key, _, value = line.partition(" ")
            entry.fields[key] = _unquote(value)
    return [e for e in entries if "msgid" in e.fields and not e.obsolete]


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_PATH)


def test_catalog_has_a_header_and_messages(entries):
    assert entries[0].msgid == ""
    assert "Language: en\n" in entries[0].fields["msgstr"]
    assert len(entries) > 100


def test_every_entry_is_translated(entries):
    untranslated = [
        f"line {e.line}: {e.msgid!r}"
        for e in entries[1:]
        if not e.translations or any(not value for value in e.translations.values())
    ]
    assert untranslated == []


def test_no_entry_is_fuzzy(entries):
    assert [f"line {e.line}: {e.msgid!r}" for e in entries if "fuzzy" in e.flags] == []


def test_compiled_catalog_matches_the_po_file(entries):
    """django.mo holds exactly what django.po says: recompile after every edit."""
    with MO_PATH.open("rb") as mo:
        compiled = stdlib_gettext.GNUTranslations(mo)
    stale = []
    for e in entries[1:]:
        if "msgid_plural" in e.fields:
            for n, form in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                got = compiled.ngettext(e.msgid, e.fields["msgid_plural"], n)
                if got != e.fields[form]:
                    stale.append((e.msgid, form, got))
        elif compiled.gettext(e.msgid) != e.fields["msgstr"]:
            stale.append((e.msgid, "msgstr", compiled.gettext(e.msgid)))
    assert stale == [], "django.mo is out of date; run msgfmt (see docs)"


ENGLISH = {
    "Achterstanden": "Arrears",
    "Klantnummer": "Customer number",
    "Nog niet vervallen": "Not yet due",
    "machtigingskenmerk": "mandate reference",
    "Inloggen": "Log in",
}


@pytest.mark.parametrize(("dutch", "english"), ENGLISH.items())
def test_django_serves_the_english_translation(dutch, english):
    with translation.override("en"):
        assert translation.gettext(dutch) == english
    with translation.override("nl"):
        assert translation.gettext(dutch) == dutch


def test_plural_forms_in_both_languages():
    singular = "%(n)s contract met een achterstand"
    plural = "%(n)s contracten met een achterstand"
    with translation.override("en"):
        assert translation.ngettext(singular, plural, 1) % {"n": 1} == "1 contract in arrears"
        assert translation.ngettext(singular, plural, 3) % {"n": 3} == "3 contracts in arrears"
    with translation.override("nl"):
        assert translation.ngettext(singular, plural, 3) % {"n": 3} == (
            "3 contracten met een achterstand"
        )


def test_placeholders_survive_translation():
    with translation.override("en"):
        text = translation.gettext("Pagina %(n)s van %(total)s") % {"n": 2, "total": 5}
    assert text == "Page 2 of 5"


@pytest.mark.django_db
def test_login_page_in_english_uses_our_catalog(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Log in</h1>" in html
    assert "<title>Log in · vangnet</title>" in html
    assert "Skip to content" in html
    assert "Inloggen" not in html


@pytest.mark.django_db
def test_login_page_in_dutch_keeps_the_source_text(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<h1>Inloggen</h1>" in html
    assert "Direct naar de inhoud" in html
    assert "Log in" not in html
