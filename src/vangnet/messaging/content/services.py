"""Rendering messages and writing templates.

Interfaces other parts rely on: ``message_render``, ``render_for_action`` and
``context_for_case`` (re-exported from ``context``).

Which version a message uses is resolved per (code, channel, language, segment,
variant): the person's language before Dutch, then the requested variant wherever it
exists, the case's segment before the generic template, the default variant before any
other active variant, and within the chosen template its highest published version.
The answer is remembered per process for ``VANGNET_TEMPLATE_CACHE_SECONDS`` and
forgotten at once when a template is saved in this process, so a run of 100,000
messages asks the database once per slot.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max

from vangnet.core.services import audit_record
from vangnet.messaging.content import conf
from vangnet.messaging.content.constants import Channel, Language
from vangnet.messaging.content.context import context_for_case, sample_context
from vangnet.messaging.content.models import MessageTemplate, TemplateVersion
from vangnet.messaging.content.rendering import (
    CompiledVersion,
    TemplateInvalid,
    compile_parts,
    compiled_version,
    render_compiled,
)
from vangnet.messaging.types import RenderedMessage

__all__ = [
    "TemplateInvalid",
    "TemplateMissing",
    "context_for_case",
    "message_render",
    "render_for_action",
    "resolve_cache_clear",
    "template_create",
    "template_test_send",
    "template_version_create",
    "template_version_validate",
    "version_render",
]


class TemplateMissing(LookupError):
    """No active, published template for this code and channel (in any fallback)."""

    def __init__(self, *, template_code: str, channel: str, language: str, segment: str) -> None:
        self.template_code = template_code
        self.channel = channel
        super().__init__(
            f"No published template '{template_code}' for channel '{channel}' "
            f"(language {language or 'nl'}, segment {segment or 'generic'}, also tried "
            "Dutch and the generic segment). Run 'vangnet templates defaults' or write one "
            "at /messaging/templates/."
        )


@dataclass(frozen=True)
class Resolved:
    compiled: CompiledVersion
    template_code: str
    variant: str
    language: str


_RESOLVED: dict[tuple[str, str, str, str, str], tuple[float, Resolved]] = {}


def resolve_cache_clear(**_: Any) -> None:
    """Forget which versions to use (connected to saves of templates and versions)."""
    _RESOLVED.clear()


def _rank(template: MessageTemplate, language: str, segment: str, variant: str) -> tuple:
    """Sort key, best first: the person's language; the requested variant (an experiment
    arm is honoured wherever it exists, so what the bandit chose is what is sent); the
    case's segment before the generic text; the default variant before other ones."""
    return (
        template.language != language,
        template.variant != variant,
        template.segment != segment,
        template.variant != "",
        template.variant,
    )


def _resolve(code: str, channel: str, language: str, segment: str, variant: str) -> Resolved:
    key = (code, channel, language, segment, variant)
    now = time.monotonic()
    hit = _RESOLVED.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    versions = list(
        TemplateVersion.objects.filter(
            template__code=code,
            template__channel=channel,
            template__active=True,
            template__language__in={language, Language.DUTCH},
            template__segment__in={segment, ""},
            published=True,
        ).select_related("template")
    )
    if not versions:
        raise TemplateMissing(
            template_code=code, channel=channel, language=language, segment=segment
        )
    best = min(
        versions,
        key=lambda v: (_rank(v.template, language, segment, variant), -v.number),
    )
    resolved = Resolved(
        compiled=compiled_version(best),
        template_code=best.template.code,
        variant=best.template.variant,
        language=best.template.language,
    )
    _RESOLVED[key] = (now + conf.resolve_cache_seconds(), resolved)
    return resolved


def message_render(
    *,
    template_code: str,
    channel: str,
    language: str = "nl",
    segment: str = "",
    variant: str = "",
    context: dict[str, Any],
) -> RenderedMessage:
    """Render the template that fits best; ``TemplateMissing`` when there is none."""
    resolved = _resolve(template_code, channel, language or "nl", segment or "", variant or "")
    subject, text, html = render_compiled(resolved.compiled, context)
    return RenderedMessage(
        subject=subject,
        text=text,
        html=html,
        template_code=resolved.template_code,
        template_version_id=resolved.compiled.version_id,
        variant=resolved.variant,
        language=resolved.language,
    )


def render_for_action(action) -> RenderedMessage:
    """The message for a planned ``strategy.Action``: its template and channel, the case's
    segment, the person's language and the variant the bandit chose
    (``action.explanation["variant"]``)."""
    from vangnet.strategy.models import Case

    case = Case.objects.select_related(
        "organisation", "account__customer__person__address", "account__supply_address"
    ).get(pk=action.case_id)
    context = context_for_case(
        case=case, channel=action.channel, now=action.scheduled_for, action=action
    )
    person = case.account.customer.person
    return message_render(
        template_code=action.template,
        channel=action.channel,
        language=person.language or "nl",
        segment=case.segment or "",
        variant=(action.explanation or {}).get("variant", ""),
        context=context,
    )


def version_render(version: TemplateVersion, context: dict[str, Any]) -> RenderedMessage:
    """Render one given version (preview, test-send): no resolution."""
    subject, text, html = render_compiled(compiled_version(version), context)
    return RenderedMessage(
        subject=subject,
        text=text,
        html=html,
        template_code=version.template.code,
        template_version_id=version.pk,
        variant=version.template.variant,
        language=version.template.language,
    )


def template_version_validate(
    *, channel: str, subject: str, text_body: str, html_body: str = ""
) -> RenderedMessage:
    """Compile and render with the sample person: a typo or an unknown variable fails
    here, at save or preview, never when the message is sent."""
    if not text_body.strip():
        raise TemplateInvalid("De tekst is leeg.", field="text_body")
    if channel in (Channel.EMAIL, Channel.LETTER) and not subject.strip():
        raise TemplateInvalid("Een e-mail of brief heeft een onderwerp nodig.", field="subject")
    compiled = compile_parts(
        channel=channel, subject=subject, text_body=text_body, html_body=html_body
    )
    subject_out, text, html = render_compiled(compiled, sample_context(channel=channel))
    return RenderedMessage(subject=subject_out, text=text, html=html)


def template_create(
    *,
    code: str,
    channel: str,
    language: str = "nl",
    segment: str = "",
    variant: str = "",
    description: str = "",
    actor: Any = None,
) -> MessageTemplate:
    template = MessageTemplate.objects.create(
        code=code,
        channel=channel,
        language=language,
        segment=segment,
        variant=variant,
        description=description,
    )
    audit_record(
        action="messaging_template.created",
        summary=f"Sjabloon {template} aangemaakt",
        actor=actor,
        object_type="messagetemplate",
        object_id=template.pk,
    )
    return template


def template_version_create(
    *,
    template: MessageTemplate,
    subject: str,
    text_body: str,
    html_body: str = "",
    note: str = "",
    published: bool = True,
    actor: Any = None,
    validate: bool = True,
) -> TemplateVersion:
    """Write the next version (editing never changes an existing one)."""
    if validate:
        template_version_validate(
            channel=template.channel, subject=subject, text_body=text_body, html_body=html_body
        )
    with transaction.atomic():
        locked = MessageTemplate.objects.select_for_update().get(pk=template.pk)
        last = locked.versions.aggregate(n=Max("number"))["n"] or 0
        version = TemplateVersion.objects.create(
            template=locked,
            number=last + 1,
            subject=subject,
            text_body=text_body,
            html_body=html_body,
            note=note,
            published=published,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        MessageTemplate.objects.filter(pk=locked.pk).update(updated_at=version.created_at)
        audit_record(
            action="messaging_template.version_created",
            summary=f"Sjabloon {locked} versie {version.number}",
            actor=actor,
            object_type="templateversion",
            object_id=version.pk,
            details={"template_id": locked.pk, "number": version.number, "published": published},
        )
    transaction.on_commit(resolve_cache_clear)
    resolve_cache_clear()
    return version


class NoAddress(ValueError):
    """The logged-in user has no e-mail address to send a test to."""


def template_test_send(
    *, version: TemplateVersion, user: Any, context: dict[str, Any] | None = None
) -> RenderedMessage:
    """Send the rendered version to the staff member's own address (any channel as
    e-mail, so an SMS or letter can be read on screen as it will go out)."""
    if not getattr(user, "email", ""):
        raise NoAddress("Uw account heeft geen e-mailadres. Vul het in bij uw gegevens.")
    message = version_render(version, context or sample_context(channel=version.template.channel))
    subject = f"[Test] {message.subject or version.template.code}"
    mail = EmailMultiAlternatives(subject=subject, body=message.text, to=[user.email])
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    mail.send(fail_silently=False)
    audit_record(
        action="messaging_template.test_sent",
        summary=f"Test van {version} naar {user.email}",
        actor=user,
        object_type="templateversion",
        object_id=version.pk,
    )
    return message
