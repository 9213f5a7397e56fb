"""The journey editor pages: list, draft, step edits, "probeer uit" and publish.

Thin views over ``vangnet.strategy.editor``. Every page needs
``strategy.change_journey`` (the credit manager's permission); without it a logged-in
user gets an honest 403. The trial run happens inside the POST request, bounded by
``editor.TRY_MAX_HOUSEHOLDS``/``TRY_MAX_DAYS``; its figures are kept in the session
with the draft's content fingerprint, so the page can say when they are out of date.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vangnet.core.errors import Invalid
from vangnet.strategy import editor
from vangnet.strategy.constants import BEST_CHANNEL, ActionChannel, ActionType, ScoreBand
from vangnet.strategy.models import Journey, JourneyStep, Segment

PERMISSION = "strategy.change_journey"
PAGE_SIZE = 25
SESSION_KEY = "journey_try_{pk}"


def editor_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login first, then the permission as a 403 (see ``views.staff_view``)."""
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


# ---------------------------------------------------------------------------------------
# Forms


def _channel_choices() -> list[tuple[str, str]]:
    return [
        ("", gettext_lazy("Vast bij de soort actie")),
        (BEST_CHANNEL, gettext_lazy("Beste kanaal (per klant)")),
        *ActionChannel.choices,
    ]


class StepForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Naam"), required=False, max_length=200)
    day = forms.IntegerField(
        label=gettext_lazy("Dag"),
        required=False,
        min_value=0,
        max_value=3650,
        help_text=gettext_lazy("Dagen na de start van de klantreis."),
    )
    wait_for = forms.CharField(
        label=gettext_lazy("Of: wacht op gebeurtenis"), required=False, max_length=32
    )
    action = forms.ChoiceField(label=gettext_lazy("Soort actie"), choices=ActionType.choices)
    channel = forms.ChoiceField(label=gettext_lazy("Kanaal"), required=False, choices=())
    template = forms.SlugField(label=gettext_lazy("Sjabloon"), required=False, max_length=64)
    segments = forms.MultipleChoiceField(
        label=gettext_lazy("Alleen voor segmenten"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Niets gekozen: voor alle segmenten."),
    )
    score_bands = forms.MultipleChoiceField(
        label=gettext_lazy("Alleen voor scoreklassen"),
        required=False,
        choices=ScoreBand.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Niets gekozen: voor alle scoreklassen."),
    )
    guardrails = forms.CharField(
        label=gettext_lazy("Extra vangrails"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Codes, gescheiden door komma's."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = _channel_choices()
        self.fields["segments"].choices = list(
            Segment.objects.order_by("priority", "code").values_list("code", "name_nl")
        )

    def step_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "day": d["day"],
            "wait_for": d["wait_for"].strip(),
            "action": d["action"],
            "channel": d["channel"],
            "template": d["template"],
            "segments": list(d["segments"]),
            "score_bands": list(d["score_bands"]),
            "guardrails": [g.strip() for g in d["guardrails"].split(",") if g.strip()],
        }

    @staticmethod
    def initial_for(step: JourneyStep) -> dict[str, Any]:
        return {
            "name": step.name,
            "day": step.day_offset,
            "wait_for": step.wait_for_event,
            "action": step.action_type,
            "channel": step.channel,
            "template": step.template,
            "segments": list(step.segments or []),
            "score_bands": list(step.score_bands or []),
            "guardrails": ", ".join(step.guardrails or []),
        }


class DraftForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Naam"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Omschrijving"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TryForm(forms.Form):
    households = forms.IntegerField(
        label=gettext_lazy("Huishoudens"),
        min_value=1,
        max_value=editor.TRY_MAX_HOUSEHOLDS,
        initial=editor.TRY_DEFAULT_HOUSEHOLDS,
    )
    days = forms.IntegerField(
        label=gettext_lazy("Dagen"),
        min_value=1,
        max_value=editor.TRY_MAX_DAYS,
        initial=editor.TRY_DEFAULT_DAYS,
    )


# ---------------------------------------------------------------------------------------
# Helpers


def _detail_url(journey: Journey, anchor: str = "") -> str:
    url = reverse("workspace:journey", args=[journey.pk])
    return f"{url}#{anchor}" if anchor else url


def _template_links(steps: list[JourneyStep]) -> dict[int, str]:
    """Step id -> the template editor page (the exact channel's template if it exists)."""
    from vangnet.messaging.content.models import MessageTemplate

    codes = {s.template for s in steps if s.template}
    found: dict[str, dict[str, int]] = {}
    for pk, code, channel in MessageTemplate.objects.filter(code__in=codes).values_list(
        "pk", "code", "channel"
    ):
        found.setdefault(code, {})[channel] = pk
    out: dict[int, str] = {}
    for s in steps:
        if not s.template:
            continue
        by_channel = found.get(s.template, {})
        pk = by_channel.get(s.channel) or (
            next(iter(by_channel.values())) if len(by_channel) == 1 else None
        )
        if pk is not None:
            out[s.pk] = reverse("messaging_content:edit", args=[pk])
        else:
            out[s.pk] = f"{reverse('messaging_content:list')}?q={s.template}"
    return out


def _try_rows(result: editor.TryResult) -> list[tuple[str, str, str, bool]]:
    """The simulator command's metric rows: (label, published, draft, differs)."""
    from vangnet.simulation.management.commands.simulate import ROWS, _fmt, _get

    rows: list[tuple[str, str, str, bool]] = []
    for label, path, kind in ROWS:
        if path == "journey":
            continue
        cells = []
        for metrics in (result.published, result.draft):
            if kind == "pair":
                a, b = (_get(metrics, p) for p in path.split("|"))
                cells.append(f"{_fmt(a, 'f' if isinstance(a, float) else 'n')} / {_fmt(b, 'n')}")
            else:
                cells.append(_fmt(_get(metrics, path), kind))
        rows.append((label.strip(), cells[0], cells[1], cells[0] != cells[1]))
    return rows


def _error(request: HttpRequest, exc: Invalid) -> None:
    messages.error(request, exc.nl)


# ---------------------------------------------------------------------------------------
# Pages


@editor_view
def journey_list(request: HttpRequest) -> HttpResponse:
    """One row per journey code: newest published version, open draft, version count."""
    codes = (
        Journey.objects.values("code")
        .annotate(
            versions=Count("pk", filter=Q(published=True)),
            latest=Max("version", filter=Q(published=True)),
            draft=Max("version", filter=Q(published=False)),
        )
        .order_by("code")
    )
    page = Paginator(codes, PAGE_SIZE).get_page(request.GET.get("page"))
    wanted = Q()
    for row in page.object_list:
        if row["latest"] is not None:
            wanted |= Q(code=row["code"], version=row["latest"])
        if row["draft"] is not None:
            wanted |= Q(code=row["code"], version=row["draft"])
    rows_by = {(j.code, j.version): j for j in Journey.objects.filter(wanted)} if wanted else {}
    rows = [
        {
            "code": row["code"],
            "versions": row["versions"],
            "published": rows_by.get((row["code"], row["latest"])),
            "draft": rows_by.get((row["code"], row["draft"])),
        }
        for row in page.object_list
    ]
    return render(request, "workspace/journey_list.html", {"page": page, "rows": rows})


@editor_view
def journey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    steps = list(journey.steps.order_by("position"))
    segment_names = dict(Segment.objects.values_list("code", "name_nl"))
    links = _template_links(steps)
    for s in steps:
        s.template_url = links.get(s.pk, "")
        s.segment_labels = [segment_names.get(code, code) for code in s.segments or []]
    context: dict[str, Any] = {
        "journey": journey,
        "steps": steps,
        "versions": Journey.objects.filter(code=journey.code).order_by("-version"),
        "draft": editor.draft_for(journey.code) if journey.published else None,
    }
    if not journey.published:
        context["problems"] = editor.draft_validate(journey)
        context["step_form"] = StepForm()
        context["draft_form"] = DraftForm(
            initial={"name": journey.name, "description": journey.description}
        )
        context["try_form"] = TryForm()
        context["base"] = editor.published_latest(journey.code)
        stored = request.session.get(SESSION_KEY.format(pk=journey.pk))
        if stored:
            stored["stale"] = stored["fingerprint"] != editor.draft_fingerprint(journey)
            context["trial"] = stored
        context["try_max"] = (editor.TRY_MAX_HOUSEHOLDS, editor.TRY_MAX_DAYS)
    return render(request, "workspace/journey_detail.html", context)


@editor_view
@require_POST
def journey_draft(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    try:
        draft = editor.draft_create(journey=journey, actor=request.user)
    except Invalid as exc:
        _error(request, exc)
        return HttpResponseRedirect(_detail_url(journey))
    messages.success(request, _("Concept versie %(v)s gemaakt.") % {"v": draft.version})
    return HttpResponseRedirect(_detail_url(draft))


@editor_view
@require_POST
def journey_update(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(Journey, pk=pk)
    form = DraftForm(request.POST)
    if form.is_valid():
        try:
            editor.draft_update(
                draft=draft,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
            messages.success(request, _("Naam en omschrijving opgeslagen."))
        except Invalid as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Vul een naam in."))
    return HttpResponseRedirect(_detail_url(draft))


@editor_view
def journey_step(request: HttpRequest, pk: int, step: int | None = None) -> HttpResponse:
    """Add (``step`` is None) or edit one step of a draft; GET shows the form."""
    draft = get_object_or_404(Journey, pk=pk)
    instance = get_object_or_404(JourneyStep, pk=step, journey=draft) if step else None
    if request.method == "POST":
        form = StepForm(request.POST)
        if form.is_valid():
            try:
                if instance is None:
                    saved = editor.step_add(draft=draft, data=form.step_data(), actor=request.user)
                    messages.success(request, _("Stap %(n)s toegevoegd.") % {"n": saved.position})
                else:
                    saved = editor.step_update(
                        draft=draft, step_id=instance.pk, data=form.step_data(), actor=request.user
                    )
                    messages.success(request, _("Stap %(n)s opgeslagen.") % {"n": saved.position})
                return HttpResponseRedirect(_detail_url(draft, f"stap-{saved.pk}"))
            except Invalid as exc:
                form.add_error(None, exc.nl)
        status = 400
    else:
        form = StepForm(initial=StepForm.initial_for(instance) if instance else None)
        status = 200
    return render(
        request,
        "workspace/journey_step.html",
        {"journey": draft, "step": instance, "form": form},
        status=status,
    )


@editor_view
@require_POST
def journey_step_move(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    draft = get_object_or_404(Journey, pk=pk)
    try:
        editor.step_move(
            draft=draft, step_id=step, up=request.POST.get("direction") == "up", actor=request.user
        )
    except Invalid as exc:
        _error(request, exc)
    return HttpResponseRedirect(_detail_url(draft, f"stap-{step}"))


@editor_view
@require_POST
def journey_step_delete(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    draft = get_object_or_404(Journey, pk=pk)
    try:
        editor.step_delete(draft=draft, step_id=step, actor=request.user)
        messages.success(request, _("Stap verwijderd."))
    except Invalid as exc:
        _error(request, exc)
    return HttpResponseRedirect(_detail_url(draft, "stappen"))


@editor_view
@require_POST
def journey_try(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(Journey, pk=pk)
    form = TryForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Kies 1 tot %(h)s huishoudens en 1 tot %(d)s dagen.")
            % {"h": editor.TRY_MAX_HOUSEHOLDS, "d": editor.TRY_MAX_DAYS},
        )
        return HttpResponseRedirect(_detail_url(draft, "proef"))
    try:
        result = editor.draft_try(
            draft=draft,
            households=form.cleaned_data["households"],
            days=form.cleaned_data["days"],
        )
    except Invalid as exc:
        _error(request, exc)
        return HttpResponseRedirect(_detail_url(draft, "proef"))
    request.session[SESSION_KEY.format(pk=draft.pk)] = {
        "households": result.households,
        "days": result.days,
        "seed": result.seed,
        "fingerprint": result.fingerprint,
        "published_version": result.published_version,
        "draft_version": result.draft_version,
        "seconds": result.seconds,
        "rows": _try_rows(result),
    }
    return HttpResponseRedirect(_detail_url(draft, "proef"))


@editor_view
@require_POST
def journey_publish(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(Journey, pk=pk)
    try:
        published = editor.draft_publish(draft=draft, actor=request.user)
    except Invalid as exc:
        _error(request, exc)
        return HttpResponseRedirect(_detail_url(draft))
    request.session.pop(SESSION_KEY.format(pk=pk), None)
    messages.success(
        request,
        _("Versie %(v)s is gepubliceerd. Lopende dossiers houden hun versie.")
        % {"v": published.version},
    )
    return HttpResponseRedirect(reverse("workspace:journeys"))


@editor_view
@require_POST
def journey_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(Journey, pk=pk)
    try:
        editor.draft_discard(draft=draft, actor=request.user)
    except Invalid as exc:
        _error(request, exc)
        return HttpResponseRedirect(_detail_url(draft))
    request.session.pop(SESSION_KEY.format(pk=pk), None)
    messages.success(request, _("Concept weggegooid."))
    return HttpResponseRedirect(reverse("workspace:journeys"))
