"""Reads for the template pages."""

from __future__ import annotations

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from vangnet.messaging.content.models import MessageTemplate, TemplateVersion

PAGE_SIZE = 25


def template_list(*, channel: str = "", q: str = "") -> QuerySet[MessageTemplate]:
    """Templates with their version count and latest version number and subject."""
    latest = TemplateVersion.objects.filter(template=OuterRef("pk")).order_by("-number")
    qs = MessageTemplate.objects.annotate(
        version_count=Count("versions"),
        latest_number=Max("versions__number"),
        latest_subject=Subquery(latest.values("subject")[:1]),
    ).order_by("code", "channel", "language", "segment", "variant")
    if channel:
        qs = qs.filter(channel=channel)
    if q:
        qs = qs.filter(code__icontains=q)
    return qs


def template_latest_version(template: MessageTemplate) -> TemplateVersion | None:
    return template.versions.order_by("-number").first()


def preview_cases(*, limit: int = 25):
    """Recent open cases to preview with (id and a short label)."""
    from vangnet.strategy.models import Case

    return (
        Case.objects.exclude(status="closed")
        .select_related("account__customer__person")
        .order_by("-pk")[:limit]
    )
