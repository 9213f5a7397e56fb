"""Staff pages (meldingen, BRP check, upload, monitor) and the resident's own page.

Views read the request, call services and render. Staff pages need login and a
permission (403, not a login loop); every look at a melding is access-logged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.core.errors import Invalid
from vangnet.core.services import access_record
from vangnet.signals import ddas
from vangnet.signals.incoming import casework, meldingen, monitoring, outreach
from vangnet.signals.incoming.constants import MeldingStatus
from vangnet.signals.incoming.intake import signals_import
from vangnet.signals.incoming.models import Melding, MeldingTask, SignalPartner
from vangnet.signals.incoming.tokens import resident_melding_id

VIEW_PERMISSION = "signals_in.view_melding"
CHANGE_PERMISSION = "signals_in.change_melding"
PAGE_SIZE = 50


def staff_view(permission: str = VIEW_PERMISSION) -> Callable:
    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return login_required(permission_required(permission, raise_exception=True)(view))

    return wrap


@staff_view()
def melding_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = Melding.objects.select_related("person").order_by("first_contact_due", "-month", "pk")
    if status in MeldingStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "signals_in/meldingen.html",
        {
            "page": page,
            "status": status,
            "statuses": MeldingStatus.choices,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "today": timezone.localdate(),
        },
    )


@staff_view()
def melding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    melding = get_object_or_404(Melding.objects.select_related("person__address"), pk=pk)
    access_record(user=request.user, object_type="melding", object_id=pk, purpose="view")
    links = MeldingTask.objects.filter(melding=melding).select_related("task")
    from vangnet.workspace.models import TaskOutcome

    return render(
        request,
        "signals_in/melding.html",
        {
            "melding": melding,
            "signals": melding.signals.select_related("partner").order_by("received_at"),
            "attempts": melding.attempts.select_related("by"),
            "links": links,
            "results": list(ddas.RESULTS.items()),
            "contact_kinds": ddas.CONTACT_KINDS,
            "outcomes": TaskOutcome.choices,
            "today": timezone.localdate(),
        },
    )


def _done(request: HttpRequest, pk: int, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("signals_in:melding", pk=pk)


def _failed(request: HttpRequest, pk: int, exc: Invalid) -> HttpResponse:
    messages.error(request, exc.nl)
    return redirect("signals_in:melding", pk=pk)


@require_POST
@staff_view(CHANGE_PERMISSION)
def melding_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    melding = get_object_or_404(Melding, pk=pk)
    access_record(user=request.user, object_type="melding", object_id=pk, purpose=action)
    post = request.POST
    try:
        if action == "brp":
            meldingen.melding_brp_decide(
                melding=melding, decision=post.get("decision", ""), actor=request.user
            )
            if post.get("next") == "brp":
                messages.success(request, _("BRP-controle vastgelegd."))
                return redirect("signals_in:brp")
            return _done(request, pk, _("BRP-controle vastgelegd."))
        if action == "attempt":
            at = timezone.make_aware(
                timezone.datetime.combine(
                    date.fromisoformat(post.get("date", "")),
                    time.fromisoformat(post.get("time", "") or "12:00"),
                )
            )
            casework.contact_attempt_record(
                melding=melding,
                kind=post.get("kind", ""),
                reached=post.get("reached") == "1",
                at=at,
                actor=request.user,
                note=post.get("note", "")[:2000],
            )
            return _done(request, pk, _("Contactpoging vastgelegd."))
        if action == "task":
            link = get_object_or_404(MeldingTask, melding=melding, task_id=post.get("task"))
            outreach.melding_task_outcome(
                link=link,
                outcome=post.get("outcome", ""),
                note=post.get("note", "")[:2000],
                actor=request.user,
            )
            return _done(request, pk, _("Uitkomst vastgelegd."))
        if action == "close":
            casework.melding_close(
                melding=melding, result=post.get("result", ""), actor=request.user
            )
            return _done(request, pk, _("Melding afgesloten."))
        if action == "refer":
            casework.melding_refer(
                melding=melding,
                to=post.get("to", "").strip() or _("Schuldhulpverlening"),
                financial=post.get("financial") == "1",
                actor=request.user,
            )
            return _done(request, pk, _("Verwijzing vastgelegd."))
        if action == "help":
            casework.melding_help_answer(
                melding=melding, accepted=post.get("accepted") == "1", actor=request.user
            )
            return _done(request, pk, _("Antwoord vastgelegd."))
    except ValueError as exc:  # Invalid is a ValueError; bad dates too
        if isinstance(exc, Invalid):
            return _failed(request, pk, exc)
        messages.error(request, _("Vul een geldige datum en tijd in."))
        return redirect("signals_in:melding", pk=pk)
    raise Http404


@staff_view()
def brp_queue(request: HttpRequest) -> HttpResponse:
    qs = (
        Melding.objects.filter(status=MeldingStatus.BRP_CHECK)
        .select_related("person__address")
        .order_by("first_contact_due", "matched_on", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for melding in page.object_list:
        access_record(user=request.user, object_type="melding", object_id=melding.pk, purpose="brp")
    return render(
        request,
        "signals_in/brp.html",
        {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)},
    )


@staff_view("signals_in.add_incomingsignal")
def upload(request: HttpRequest) -> HttpResponse:
    partners = SignalPartner.objects.filter(active=True)
    report = None
    if request.method == "POST":
        partner = partners.filter(pk=request.POST.get("partner") or 0).first()
        file = request.FILES.get("file")
        if partner is None or file is None:
            messages.error(request, _("Kies een signaalpartner en een bestand."))
        else:
            kind = "json" if file.name.lower().endswith(".json") else "csv"
            report = signals_import(
                partner=partner, data=file.read(), kind=kind, actor=request.user
            )
    return render(request, "signals_in/upload.html", {"partners": partners, "report": report})


def _bar_rows(values: dict[str, int]) -> list[dict]:
    top = max(values.values(), default=0) or 1
    return [{"label": k, "value": v, "width": round(300 * v / top)} for k, v in values.items()]


@staff_view()
def monitor_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("van", ""))
    except ValueError:
        start = (today.replace(day=1) - timedelta(days=1)).replace(day=1, month=1)
    try:
        end = date.fromisoformat(request.GET.get("tot", ""))
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    code = meldingen.municipality_code_default()
    figures = monitoring.monitor_figures(municipality_code=code, start=start, end=end)
    reach_rows = [
        (_("Bereik (alle meldingen)"), figures.reach),
        (_("Alleen schriftelijk"), figures.reach_written_only),
        (_("Minstens één keer gebeld"), figures.reach_with_phone),
        (_("Minstens één huisbezoek"), figures.reach_with_visit),
        (_("Hulp aanvaard (alle meldingen)"), figures.help_accepted),
        (_("Hulp aanvaard (bereikt)"), figures.help_accepted_of_reached),
    ]
    return render(
        request,
        "signals_in/monitor.html",
        {
            "figures": figures,
            "start": start,
            "end": end,
            "code": code,
            "reach_rows": [
                {"label": label, "share": share, "width": round(3 * (share.percent or 0))}
                for label, share in reach_rows
            ],
            "kinds": _bar_rows(figures.attempts_by_kind),
            "parts": _bar_rows(figures.attempts_by_day_part),
            "results": _bar_rows({ddas.RESULTS[k]: v for k, v in figures.results.items()}),
        },
    )


# ---------------------------------------------------------------------------------------
# The resident's own page (no login: the signed link is the key)

MOMENTS = {
    "ochtend": (time(9, 0), time(12, 0)),
    "middag": (time(13, 0), time(17, 0)),
    "avond": (time(18, 0), time(20, 0)),
}


def resident(request: HttpRequest, token: str) -> HttpResponse:
    melding_id = resident_melding_id(token)
    melding = Melding.objects.filter(pk=melding_id).first() if melding_id else None
    if melding is None:
        return render(request, "signals_in/resident_invalid.html", status=404)
    today = timezone.localdate()
    done = ""
    error = ""
    if request.method == "POST" and melding.status != MeldingStatus.CLOSED:
        choice = request.POST.get("keuze", "")
        try:
            if choice == "moment":
                day = date.fromisoformat(request.POST.get("dag", ""))
                part = request.POST.get("dagdeel", "")
                if part not in MOMENTS or not today <= day <= today + timedelta(days=30):
                    raise ValueError
                casework.callback_request(melding=melding, day=day, window=MOMENTS[part])
                done = "moment"
            elif choice == "hulp":
                casework.melding_help_answer(melding=melding, accepted=True)
                done = "hulp"
            elif choice == "geen_hulp":
                casework.melding_help_answer(melding=melding, accepted=False)
                done = "geen_hulp"
        except ValueError:
            error = "Kies een dag in de komende 30 dagen en een dagdeel."
        melding.refresh_from_db()
    return render(
        request,
        "signals_in/resident.html",
        {
            "melding": melding,
            "done": done,
            "error": error,
            "closed": melding.status == MeldingStatus.CLOSED,
            "today": today,
            "last_day": today + timedelta(days=30),
            "organisation_name": outreach._municipality_organisation(),
        },
    )
