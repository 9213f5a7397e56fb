"""Staff pages for message templates: list, edit (new version), preview, test-send, B1.

Views are thin: they read the request, call services/selectors and render. Every page
needs ``messaging_content.change_messagetemplate`` (403 for logged-in users without it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.core.services import access_record
from vangnet.messaging.content import selectors
from vangnet.messaging.content.constants import TEMPLATE_VARIABLES, Channel
from vangnet.messaging.content.context import context_for_case, sample_context
from vangnet.messaging.content.forms import NewTemplateForm, VersionForm
from vangnet.messaging.content.models import MessageTemplate, TemplateVersion
from vangnet.messaging.content.rendering import TemplateInvalid, sms_segments
from vangnet.messaging.content.services import (
    NoAddress,
    template_create,
    template_test_send,
    template_version_create,
    version_render,
)
from vangnet.messaging.language import check_text

PERMISSION = "messaging_content.change_messagetemplate"
MAX_CHECK_CHARS = 50_000


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


@staff_view
def template_list(request: HttpRequest) -> HttpResponse:
    channel = request.GET.get("channel", "")
    if channel not in Channel.values:
        channel = ""
    q = request.GET.get("q", "").strip()[:64]
    page = Paginator(selectors.template_list(channel=channel, q=q), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "messaging_content/list.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "channel": channel,
            "channels": Channel.choices,
            "q": q,
        },
    )


@staff_view
def template_new(request: HttpRequest) -> HttpResponse:
    form = NewTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = template_create(**form.cleaned_data, actor=request.user)
        return redirect("messaging_content:edit", pk=template.pk)
    return render(request, "messaging_content/new.html", {"form": form})


@staff_view
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(MessageTemplate, pk=pk)
    latest = selectors.template_latest_version(template)
    if request.method == "POST":
        form = VersionForm(request.POST, channel=template.channel)
        if form.is_valid():
            version = template_version_create(
                template=template, actor=request.user, validate=False, **form.cleaned_data
            )
            report = check_text(f"{version.subject}\n{version.text_body}")
            messages.success(
                request,
                _("Versie %(n)s opgeslagen. Taalniveau: %(level)s (score %(score).0f).")
                % {"n": version.number, "level": report.level, "score": report.score},
            )
            return redirect("messaging_content:edit", pk=template.pk)
    else:
        initial = (
            {
                "subject": latest.subject,
                "text_body": latest.text_body,
                "html_body": latest.html_body,
                "published": True,
            }
            if latest
            else {"published": True}
        )
        form = VersionForm(initial=initial, channel=template.channel)
    source = form["text_body"].value() or ""
    report = check_text(f"{form['subject'].value() or ''}\n{source}")
    return render(
        request,
        "messaging_content/edit.html",
        {
            "template": template,
            "form": form,
            "versions": template.versions.select_related("created_by").order_by("-number")[:20],
            "latest": latest,
            "report": report,
            "variables": TEMPLATE_VARIABLES.items(),
        },
    )


def _preview_context(request: HttpRequest, template: MessageTemplate):
    case_id = request.GET.get("case") or request.POST.get("case") or ""
    if case_id.isdigit():
        from vangnet.strategy.models import Case

        case = Case.objects.filter(pk=int(case_id)).first()
        if case is not None:
            access_record(
                user=request.user, object_type="case", object_id=case.pk, purpose="preview"
            )
            return context_for_case(case=case, channel=template.channel, now=timezone.now()), case
    return sample_context(channel=template.channel), None


@staff_view
def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(MessageTemplate, pk=pk)
    versions = list(template.versions.order_by("-number"))
    version = _pick_version(versions, request.GET.get("version", ""))
    context, case = _preview_context(request, template)
    rendered = error = None
    if version is not None:
        try:
            rendered = version_render(version, context)
        except TemplateInvalid as exc:
            error = exc.message
    report = check_text(f"{rendered.subject}\n{rendered.text}") if rendered else None
    return render(
        request,
        "messaging_content/preview.html",
        {
            "template": template,
            "versions": versions,
            "version": version,
            "case": case,
            "cases": selectors.preview_cases(),
            "rendered": rendered,
            "error": error,
            "report": report,
            "segments": sms_segments(rendered.text)
            if rendered and template.channel == "sms"
            else None,
        },
    )


def _pick_version(versions: list[TemplateVersion], wanted: str) -> TemplateVersion | None:
    if wanted.isdigit():
        for v in versions:
            if v.pk == int(wanted):
                return v
    return versions[0] if versions else None


@staff_view
@require_POST
def template_test_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(MessageTemplate, pk=pk)
    version = _pick_version(
        list(template.versions.order_by("-number")), request.POST.get("version", "")
    )
    if version is None:
        messages.error(request, _("Dit sjabloon heeft nog geen versie."))
        return redirect("messaging_content:edit", pk=pk)
    context, _case = _preview_context(request, template)
    try:
        template_test_send(version=version, user=request.user, context=context)
    except NoAddress:
        messages.error(request, _("Uw account heeft geen e-mailadres. Vul het eerst in."))
    except (TemplateInvalid, OSError) as exc:
        messages.error(request, _("Versturen mislukt: %(e)s") % {"e": exc})
    else:
        messages.success(
            request, _("Testbericht verstuurd naar %(email)s.") % {"email": request.user.email}
        )
    params = {"version": version.pk}
    if _case is not None:
        params["case"] = _case.pk
    return redirect(f"{reverse('messaging_content:preview', args=[pk])}?{urlencode(params)}")


@staff_view
@require_POST
def b1_check(request: HttpRequest) -> JsonResponse:
    """The live B1 check of the editor: JSON in (``text``) or a form post, JSON out."""
    if request.content_type == "application/json":
        try:
            text = str(json.loads(request.body or b"{}").get("text", ""))
        except (ValueError, AttributeError):
            return JsonResponse({"error": _("Ongeldige invoer.")}, status=400)
    else:
        text = request.POST.get("text", "")
    if len(text) > MAX_CHECK_CHARS:
        return JsonResponse({"error": _("De tekst is te lang om te controleren.")}, status=400)
    return JsonResponse(check_text(text).as_dict())
