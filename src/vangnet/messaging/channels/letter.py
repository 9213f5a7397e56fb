"""Letters: render a message as an A4 PDF in the creditor's house style, queue it for print.

``render_pdf`` is the one function that turns a ``RenderedMessage`` into a letter; the
14-day letter test (content) and the letter adapter both use it, so what is tested is
what is printed. The adapter renders at once — the PDF is the record of what was sent —
and queues it for the day's print batch (``printing.py``) instead of printing it.

Layout: A4 for the common Dutch left-window envelope (address window 22 mm from the
left and 50 mm from the top, 85 × 35 mm, with the return address in small type on its
top edge), letterhead with logo, date, reference and customer number, running footer
with contact details and KvK number, and "Pagina x van y" on every page.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vangnet.messaging.channels import conf
from vangnet.messaging.channels.models import (
    DEFAULT_FONT,
    DEFAULT_PRIMARY_COLOUR,
    HouseStyle,
    LetterQueueItem,
)
from vangnet.messaging.registry import register
from vangnet.messaging.types import (
    OutgoingMessage,
    PermanentFailure,
    RenderedMessage,
    SendResult,
    TemporaryFailure,
)

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)
_FONT_OK = re.compile(r"^[A-Za-z0-9 \-]{1,100}$")
_COLOUR_OK = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Style:
    """The house style as plain values (a default when the organisation has none)."""

    name: str
    logo_uri: str
    primary_colour: str
    font_family: str
    return_address: str
    footer_lines: list[str]
    kvk_number: str
    signature_name: str


def style_for(organisation: Any) -> Style:
    """The organisation's ``HouseStyle``, or a sober default built from its contact data."""
    house = HouseStyle.objects.filter(organisation=organisation).first() if organisation else None
    name = getattr(organisation, "name", "") or "vangnet"
    logo_uri = ""
    if house and house.logo_svg.strip():
        encoded = base64.b64encode(house.logo_svg.encode()).decode()
        logo_uri = f"data:image/svg+xml;base64,{encoded}"
    elif house and house.logo:
        # Read the bytes ourselves: WeasyPrint only gets data: URIs (no file or network).
        with house.logo.open("rb") as fh:
            raw = fh.read()
        ext = Path(house.logo.name).suffix.lower().lstrip(".")
        mime = {"svg": "image/svg+xml", "jpg": "image/jpeg", "jpeg": "image/jpeg"}.get(
            ext, f"image/{ext or 'png'}"
        )
        logo_uri = f"data:{mime};base64,{base64.b64encode(raw).decode()}"
    contact = [
        getattr(organisation, "contact_phone", ""),
        getattr(organisation, "contact_email", ""),
        getattr(organisation, "website", ""),
    ]
    footer = house.footer.splitlines() if house and house.footer.strip() else []
    if not footer:
        footer = [" · ".join(c for c in contact if c)]
    font = house.font_family if house and _FONT_OK.match(house.font_family) else DEFAULT_FONT
    return Style(
        name=name,
        logo_uri=logo_uri,
        primary_colour=(
            house.primary_colour
            if house and _COLOUR_OK.match(house.primary_colour)
            else DEFAULT_PRIMARY_COLOUR
        ),
        font_family=font,
        return_address=house.return_address.strip() if house else name,
        footer_lines=[line.strip() for line in footer if line.strip()],
        kvk_number=house.kvk_number if house else "",
        signature_name=house.signature_name if house else "",
    )


def _body_html(rendered: RenderedMessage) -> SafeString:
    """The letter text as HTML: the renderer's HTML (already escaped by its sandbox),
    or the plain text as paragraphs."""
    if rendered.html.strip():
        match = _BODY.search(rendered.html)
        return mark_safe(match.group(1) if match else rendered.html)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", rendered.text) if p.strip()]
    return mark_safe(
        "".join(
            f"<p>{'<br>'.join(escape(line) for line in p.splitlines())}</p>" for p in paragraphs
        )
    )


def address_lines(recipient_address: Sequence[str] | str) -> list[str]:
    """The address block: a string with newlines or a list of lines (name first)."""
    lines = (
        recipient_address.splitlines() if isinstance(recipient_address, str) else recipient_address
    )
    return [str(line).strip() for line in lines if str(line).strip()][:6]


def render_pdf(
    rendered: RenderedMessage,
    *,
    organisation: Any,
    recipient_address: Sequence[str] | str,
    on: date | None = None,
    reference: str = "",
    customer_number: str = "",
) -> bytes:
    """Render one letter as PDF bytes.

    ``recipient_address`` is the address block, name first (``person_address_lines``
    builds it from a person). ``rendered.subject`` is the letter's subject line; its
    ``text`` (or ``html``) the body. WeasyPrint is imported here: it is heavy and only
    letter workers need it. It may fetch nothing but ``data:`` URIs — no files, no
    network — whatever a template contains.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    style = style_for(organisation)
    with translation.override("nl"):
        html = render_to_string(
            "messaging_channels/letter.html",
            {
                "style": style,
                "subject": rendered.subject,
                "body": _body_html(rendered),
                "address": address_lines(recipient_address),
                "on": on or timezone.localdate(),
                "reference": reference,
                "customer_number": customer_number,
                "template_code": rendered.template_code,
            },
        )
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        pdf_identifier=hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    )


def person_address_lines(person: Any, address: Any) -> list[str]:
    """Name + street + postcode/city, the way PostNL wants it (postcode two spaces)."""
    name = " ".join(p for p in (person.initials, person.surname_prefix, person.surname) if p)
    suffix = f"-{address.house_number_suffix}" if address.house_number_suffix else ""
    return [
        name or person.full_name,
        f"{address.street} {address.house_number}{suffix}",
        f"{address.postcode}  {address.city.upper()}",
    ]


def page_count(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def letter_queue(
    *,
    idempotency_key: str,
    rendered: RenderedMessage,
    case: Any = None,
    organisation: Any = None,
    on: date | None = None,
) -> tuple[LetterQueueItem, bool]:
    """Render the letter for a case's customer and queue it for the next print batch.

    Idempotent on the key: a retry returns the queued letter, so a letter is never
    rendered or printed twice for one outbox row.
    """
    existing = LetterQueueItem.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    if case is None:
        raise PermanentFailure("een brief heeft een dossier nodig", code="configuration")
    customer = case.account.customer
    person = customer.person
    address = person.address or case.account.supply_address
    if address is None:
        raise PermanentFailure("geen adres bekend voor deze brief", code="invalid_recipient")
    organisation = organisation or case.organisation
    today = on or timezone.localdate()
    pdf = render_pdf(
        rendered,
        organisation=organisation,
        recipient_address=person_address_lines(person, address),
        on=today,
        reference=f"D{case.pk}",
        customer_number=customer.number,
    )
    digest = hashlib.sha256(pdf).hexdigest()
    # Key and content in the name: a (rare) concurrent retry of the same row writes its
    # own file instead of overwriting the one the winning row's checksum describes.
    name = f"{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}-{digest[:12]}.pdf"
    _write_atomic(conf.letter_store_dir() / name[:2] / name, pdf)
    try:
        with transaction.atomic():
            item = LetterQueueItem.objects.create(
                organisation=organisation,
                case=case,
                idempotency_key=idempotency_key,
                template_code=rendered.template_code,
                customer_number=customer.number,
                name=person.full_name[:200],
                postcode=address.postcode,
                pages=page_count(pdf),
                file_name=f"{name[:2]}/{name}",
                sha256=digest,
                queued_on=today,
            )
    except IntegrityError:
        return LetterQueueItem.objects.get(idempotency_key=idempotency_key), False
    return item, True


class LetterAdapter:
    """``@register("letter")``: render now, print with the day's batch.

    Reads ``metadata["case_id"]`` (required) and ``metadata["template_code"]``.
    """

    channel = "letter"

    def send(self, message: OutgoingMessage) -> SendResult:
        from vangnet.strategy.models import Case

        meta = message.metadata or {}
        case = (
            Case.objects.select_related(
                "organisation", "account__customer__person__address", "account__supply_address"
            )
            .filter(pk=meta.get("case_id"))
            .first()
            if meta.get("case_id")
            else None
        )
        rendered = RenderedMessage(
            subject=message.subject,
            text=message.text,
            html=message.html,
            template_code=str(meta.get("template_code") or meta.get("template") or ""),
        )
        try:
            item, created = letter_queue(
                idempotency_key=message.idempotency_key, rendered=rendered, case=case
            )
        except OSError as exc:  # disk full, print folder gone: try again later
            raise TemporaryFailure(f"brief niet opgeslagen: {exc}", code="storage") from exc
        return SendResult(
            provider_id=f"letter:{item.pk}",
            detail=("in printwachtrij" if created else "stond al in printwachtrij")
            + f" ({item.pages} p.)",
        )


@register("letter")
def letter_adapter() -> LetterAdapter:
    return LetterAdapter()
