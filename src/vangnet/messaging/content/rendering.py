"""The Jinja2 sandbox, the per-process cache of compiled versions, and text → HTML.

Templates are written by staff, so they run in a ``SandboxedEnvironment`` (no attribute
access to internals, no imports). ``StrictUndefined`` makes a misspelt variable an error
when the template is saved or previewed, never an empty gap in a letter. Subject and
text are rendered without escaping; HTML bodies with autoescape.

Each ``TemplateVersion`` is immutable, so its compiled form is cached by version id for
the life of the process: rendering is then three calls into compiled Python code.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from vangnet.messaging.content.constants import HTML_CHANNELS, Channel
from vangnet.rules.text import date_nl, eur_nl

LAYOUT_DIR = Path(__file__).parent / "templates" / "messaging_content" / "layouts"


class TemplateInvalid(ValueError):
    """A template does not compile or does not render with the documented variables."""

    def __init__(self, message: str, *, field: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line


def _euro(cents: int | Decimal | None) -> str:
    if cents is None:
        return ""
    return eur_nl((Decimal(int(cents)) / 100).quantize(Decimal("0.01")))


def _datum(day: date | None) -> str:
    return date_nl(day) if day else ""


def _environment(*, autoescape: bool) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        cache_size=0,
    )
    env.filters["euro"] = _euro
    env.filters["datum"] = _datum
    return env


TEXT_ENV = _environment(autoescape=False)
HTML_ENV = _environment(autoescape=True)
_GLOBALS = dict(TEXT_ENV.globals)  # the same in both environments


@dataclass(frozen=True)
class CompiledVersion:
    version_id: int | None
    channel: str
    subject: Template | None  # None: no subject (SMS, WhatsApp)
    text: Template
    html: Template | None  # e-mail: the whole page; letter: the body; else None


@lru_cache(maxsize=2048)
def _from_string(autoescape: bool, source: str) -> Template:
    """Compiling costs milliseconds; validation, preview and sending share the result."""
    return (HTML_ENV if autoescape else TEXT_ENV).from_string(source)


def _compile(env: SandboxedEnvironment, source: str, field: str) -> Template:
    try:
        return _from_string(env is HTML_ENV, source)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (regel {line})" if line else ""
        raise TemplateInvalid(
            f"{field}: {exc.message or exc}{where}", field=field, line=line
        ) from exc


def compile_parts(
    *, channel: str, subject: str, text_body: str, html_body: str, version_id: int | None = None
) -> CompiledVersion:
    """Compile a version's parts.

    HTML (e-mail and letters): the written HTML body, or — when none is written — an HTML
    template derived from the text template (``html_source_from_text``), so that no
    per-message text → HTML conversion is needed. For e-mail the body is placed in the
    e-mail layout here, once, and the whole page is one compiled template.
    """
    html: Template | None = None
    if channel in HTML_CHANNELS:
        body = html_body if html_body.strip() else html_source_from_text(text_body or "")
        if channel == Channel.EMAIL:
            body = email_layout_source().replace("{{ body }}", body)
        html = _compile(HTML_ENV, body, "html_body" if html_body.strip() else "text_body")
    return CompiledVersion(
        version_id=version_id,
        channel=channel,
        subject=_compile(TEXT_ENV, subject, "subject") if subject.strip() else None,
        text=_compile(TEXT_ENV, text_body or "", "text_body"),
        html=html,
    )


_COMPILED: dict[tuple[int, int], CompiledVersion] = {}


def compiled_version(version) -> CompiledVersion:
    """The compiled form of a ``TemplateVersion``, cached for the life of the process.

    Versions never change, so the id would do as key; the hash of the sources is added
    because SQLite hands out an id again after a rolled-back insert (tests, a failed
    import), and a cached template must never answer for different text.
    """
    key = (
        version.pk,
        hash((version.template.channel, version.subject, version.text_body, version.html_body)),
    )
    found = _COMPILED.get(key)
    if found is None:
        found = compile_parts(
            channel=version.template.channel,
            subject=version.subject,
            text_body=version.text_body,
            html_body=version.html_body,
            version_id=version.pk,
        )
        _COMPILED[key] = found
    return found


@lru_cache(maxsize=1)
def email_layout_source() -> str:
    """The e-mail page around the body; ``{{ body }}`` marks where the body goes."""
    return (LAYOUT_DIR / "email.jinja.html").read_text(encoding="utf-8")


_JINJA_TAG_RE = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.DOTALL)
_URL_VAR_RE = re.compile(r"^\{\{\s*(\w*_url)\s*\}\}$")
_STATEMENT_LINE_RE = re.compile(r"^\s*\{%.*%\}\s*$")


def _html_line(line: str) -> str:
    """Escape the literal text of one template line; keep Jinja tags; link URL variables."""
    out = []
    for part in _JINJA_TAG_RE.split(line):
        if not part:
            continue
        if part.startswith(("{{", "{%", "{#")):
            url = _URL_VAR_RE.match(part)
            out.append(f'<a href="{part}">{part}</a>' if url else part)
        else:
            out.append(_inline(part))
    return "".join(out)


def html_source_from_text(source: str) -> str:
    """An HTML template from a text template: paragraphs from blank lines, ``<ul>`` from
    lines starting with '- ', ``{{ …_url }}`` variables as links. Literal text is escaped
    here; variables are escaped at render time by the autoescaping environment. A line
    holding only a ``{% … %}`` statement stays as it is, so a loop that writes list
    items still ends up inside its list."""
    blocks: list[str] = []
    for chunk in re.split(r"\n\s*\n", source.strip()):
        lines = [raw.strip() for raw in chunk.splitlines() if raw.strip()]
        run: list[str] = []
        items: list[str] = []
        for i, line in enumerate(lines):
            if _STATEMENT_LINE_RE.match(line):
                # Belongs to the list when the next text line is a list item or a list
                # is open and no text line follows.
                following = next((x for x in lines[i + 1 :] if not _STATEMENT_LINE_RE.match(x)), "")
                if following.startswith(("- ", "• ")) or (items and not following):
                    if run:
                        blocks.append(_paragraph(run))
                        run = []
                    items.append(line)
                else:
                    run.append(line)
                continue
            if line.startswith(("- ", "• ")):
                if run:
                    blocks.append(_paragraph(run))
                    run = []
                items.append(f"<li>{_html_line(line[2:])}</li>")
            else:
                if items:
                    blocks.append("<ul>" + "\n".join(items) + "</ul>")
                    items = []
                run.append(line)
        if run:
            blocks.append(_paragraph(run))
        if items:
            blocks.append("<ul>" + "\n".join(items) + "</ul>")
    return "\n".join(blocks)


def _paragraph(lines: list[str]) -> str:
    parts: list[str] = []
    for line in lines:
        if _STATEMENT_LINE_RE.match(line):
            parts.append(line + "\n")
        else:
            parts.append(_html_line(line) + "<br>\n")
    body = "".join(parts)
    if body.endswith("<br>\n"):
        body = body[: -len("<br>\n")]
    return f"<p>{body}</p>"


_URL_RE = re.compile(r"(https?://[^\s<]+[^\s<.,;:!?)])")


def _inline(line: str) -> str:
    return _URL_RE.sub(r'<a href="\1">\1</a>', html.escape(line, quote=False))


def text_to_html(text: str) -> str:
    """Paragraphs from blank lines, lists from lines starting with '- ', links clickable."""
    blocks: list[str] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        run: list[str] = []  # the current paragraph's lines
        items: list[str] = []  # the current list's items
        for line in lines:
            if line.startswith(("- ", "• ")):
                if run:
                    blocks.append("<p>" + "<br>\n".join(run) + "</p>")
                    run = []
                items.append(f"<li>{_inline(line[2:])}</li>")
            else:
                if items:
                    blocks.append("<ul>" + "".join(items) + "</ul>")
                    items = []
                run.append(_inline(line))
        if run:
            blocks.append("<p>" + "<br>\n".join(run) + "</p>")
        if items:
            blocks.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(blocks)


def _render(template: Template | None, context: dict[str, Any], field: str) -> str:
    """Render with a context that already holds the environment's globals.

    ``Template.render`` copies the whole context into a new dict on every call (three
    times per e-mail); ``render_compiled`` merges the globals once and each part renders
    on that dict directly (``shared=True``) — a measurable share of the time per message.
    """
    if template is None:
        return ""
    try:
        return "".join(template.root_render_func(template.new_context(context, shared=True)))
    except TemplateError as exc:
        raise TemplateInvalid(f"{field}: {exc.message or exc}", field=field) from exc


def render_compiled(compiled: CompiledVersion, context: dict[str, Any]) -> tuple[str, str, str]:
    """``(subject, text, html)``.

    E-mail: a complete HTML page (the e-mail layout around the body). Letter: the body
    only, as HTML — the letter renderer (``messaging.channels.letter.render_pdf``) owns
    the page: letterhead, address window, date, footer. Other channels: no HTML.
    """
    ctx = {**_GLOBALS, **context}
    subject = _render(compiled.subject, ctx, "subject").strip()
    text = _render(compiled.text, ctx, "text_body").strip()
    if compiled.channel == Channel.SMS:
        return subject, sms_normalise(text), ""
    if compiled.channel not in HTML_CHANNELS:
        return subject, text, ""
    ctx["subject"] = subject
    return subject, text, _render(compiled.html, ctx, "html_body")


# GSM 03.38: the basic set costs one septet, the extension table two; anything else
# forces UCS-2 (70 characters per message, 67 per part).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€")
_NON_GSM_RE = re.compile("[^" + re.escape("".join(sorted(_GSM_BASIC | _GSM_EXTENDED))) + "]")
_SMS_REPLACEMENTS = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "}
)


def sms_normalise(text: str) -> str:
    """Keep an SMS in the GSM-7 alphabet: one character outside it (ë in a name, â in
    Súdwest-Fryslân) would switch the whole message to UCS-2 and more than double the
    number of parts. Accents are dropped (ë → e) and typographic quotes made plain."""
    if not _NON_GSM_RE.search(text):
        return text
    out = []
    for char in text.translate(_SMS_REPLACEMENTS):
        if char in _GSM_BASIC or char in _GSM_EXTENDED:
            out.append(char)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(base if base and all(c in _GSM_BASIC for c in base) else "?")
    return "".join(out)


def sms_segments(text: str) -> int:
    """How many SMS parts the text needs (GSM-7 153 per part, UCS-2 67 per part)."""
    if not _NON_GSM_RE.search(text):
        septets = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        return 1 if septets <= 160 else -(-septets // 153)
    units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
    return 1 if units <= 70 else -(-units // 67)
