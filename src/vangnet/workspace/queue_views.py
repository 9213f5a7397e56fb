"""The work queues: an overview, today's call list, visit planning and the mobile visit page.

Thin views over ``queues`` (reads) and ``queue_actions`` (writes). The visit pages are
built for a phone held in one hand on a doorstep: one column, large tap targets, the
address and phone number as links, the outcome as big buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.core.errors import Invalid
from vangnet.parties.selectors import organisation_current
from vangnet.strategy.models import Segment
from vangnet.workspace import conf, queue_actions, queues
from vangnet.workspace.constants import ArrearsReason, VisitSlot
from vangnet.workspace.forms import OutcomeForm, VisitPlanForm
from vangnet.workspace.models import Task, TaskKind, TaskOutcome, TaskStatus

WORK_PERMISSION = "workspace.change_task"
OVERVIEW_PERMISSION = "workspace.view_task"


def _guard(permission: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return login_required(permission_required(permission, raise_exception=True)(view))

    return wrap


def _organisation_id() -> int | None:
    organisation = organisation_current()
    return organisation.pk if organisation else None


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # the other app's queue is not wired (yet)
        return ""


def _back(request: HttpRequest, default: str) -> str:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return back or default


def _outcome_choices(kind: str) -> list[tuple[str, str]]:
    """At the door "not reached" reads "nobody home"; a wrong number means nothing there."""
    out = []
    for value, label in TaskOutcome.choices:
        if kind == TaskKind.VISIT and value == TaskOutcome.WRONG_NUMBER:
            continue
        if kind == TaskKind.VISIT and value == TaskOutcome.NOT_REACHED:
            label = _("Niemand thuis")
        out.append((value, str(label)))
    return out


@_guard(OVERVIEW_PERMISSION)
def work(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    counts = queues.queue_counts(organisation_id=_organisation_id(), today=today)
    return render(
        request,
        "workspace/queue.html",
        {
            "counts": counts,
            "today": today,
            "approvals_url": _url("arrangements:approvals"),
            "unmatched_url": _url("banking:unmatched"),
            "replies_url": reverse("workspace:tasks") + f"?soort={TaskKind.REPLY}",
        },
    )


@_guard(WORK_PERMISSION)
def calls(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    now = timezone.localtime()
    qs = queues.call_list(organisation_id=_organisation_id(), today=today, now=now)
    page = Paginator(qs, conf.queue_page_size()).get_page(request.GET.get("page"))
    segments = dict(Segment.objects.values_list("code", "name_nl"))
    return render(
        request,
        "workspace/queue_calls.html",
        {
            "page": page,
            "rows": queues.call_rows(page.object_list, segments=segments),
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "today": today,
            "now": now,
            "outcomes": _outcome_choices(TaskKind.CALL),
            "reasons": ArrearsReason.choices,
        },
    )


def _task_or_404(pk: int) -> Task:
    organisation_id = _organisation_id()
    task = (
        Task.objects.filter(pk=pk)
        .select_related("case__account__customer__person__address", "person__address")
        .first()
    )
    if task is None or (
        organisation_id is not None and task.organisation_id not in (None, organisation_id)
    ):
        raise Http404
    return task


def _register(request: HttpRequest, task: Task, form: OutcomeForm) -> bool:
    """Run the service for a valid form; puts a service refusal on the form."""
    if not form.is_valid():
        return False
    try:
        queue_actions.task_outcome_register(
            task=task,
            outcome=form.cleaned_data["outcome"],
            arrears_reason=form.cleaned_data["arrears_reason"],
            promise_date=form.cleaned_data["promise_date"],
            note=form.cleaned_data["note"],
            actor=request.user,
            organisation_id=_organisation_id(),
        )
    except Invalid as exc:
        form.add_error(None, exc.nl)
        return False
    return True


@require_POST
@_guard(WORK_PERMISSION)
def call_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(pk)
    back = _back(request, reverse("workspace:calls"))
    if task.status != TaskStatus.OPEN:
        messages.error(request, _("Deze taak is al afgerond of geannuleerd."))
        return HttpResponseRedirect(back)
    form = OutcomeForm(request.POST)
    if _register(request, task, form):
        messages.success(request, _("Uitkomst vastgelegd: %(title)s") % {"title": task.title})
        return HttpResponseRedirect(back)
    return render(
        request,
        "workspace/queue_outcome.html",
        {
            "task": task,
            "form": form,
            "next": back,
            "outcomes": _outcome_choices(task.kind),
            "reasons": ArrearsReason.choices,
            "today": timezone.localdate(),
        },
        status=400,
    )


# ---------------------------------------------------------------------------------------
# Home visits


@_guard(WORK_PERMISSION)
def visits(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    organisation_id = _organisation_id()
    areas = queues.visit_areas(organisation_id=organisation_id, today=today)
    area = request.GET.get("gebied", "")[:4]
    known = {a.area for a in areas}
    if area not in known:
        area = areas[0].area if areas else ""
    page = None
    form = None
    if area:
        qs = queues.visits_in_area(organisation_id=organisation_id, today=today, area=area)
        page = Paginator(qs, conf.queue_page_size()).get_page(request.GET.get("page"))
        form = VisitPlanForm(
            task_ids=[t.pk for t in page.object_list],
            workers=queues.field_workers(),
            initial={"on": today, "slot": VisitSlot.EVENING},
        )
    return render(
        request,
        "workspace/queue_visits.html",
        {
            "areas": areas,
            "area": area,
            "page": page,
            "page_range": (
                page.paginator.get_elided_page_range(page.number, on_each_side=2) if page else []
            ),
            "form": form,
            "today": today,
        },
    )


@require_POST
@_guard(WORK_PERMISSION)
def visits_plan(request: HttpRequest) -> HttpResponse:
    organisation_id = _organisation_id()
    ids = [int(v) for v in request.POST.getlist("tasks") if v.isdigit()]
    form = VisitPlanForm(request.POST, task_ids=ids, workers=queues.field_workers())
    back = _back(request, reverse("workspace:visits"))
    if form.is_valid():
        try:
            planned = queue_actions.visits_plan(
                task_ids=form.cleaned_data["tasks"],
                on=form.cleaned_data["on"],
                slot=form.cleaned_data["slot"],
                assignee=form.cleaned_data["assignee"],
                actor=request.user,
                organisation_id=organisation_id,
            )
        except Invalid as exc:
            messages.error(request, exc.nl)
        else:
            messages.success(
                request,
                _("%(n)s huisbezoek(en) gepland op %(d)s.")
                % {"n": planned, "d": f"{form.cleaned_data['on']:%d-%m-%Y}"},
            )
    else:
        problems = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("Niet gepland: %(why)s") % {"why": problems})
    return HttpResponseRedirect(back)


@_guard(WORK_PERMISSION)
def visits_mine(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        day = date.fromisoformat(request.GET["datum"]) if request.GET.get("datum") else today
    except ValueError:
        day = today
    return render(
        request,
        "workspace/visit_list.html",
        {
            "visits": list(queues.visits_for_worker(user=request.user, day=day)),
            "day": day,
            "today": today,
        },
    )


def _visit_context(task: Task, form: OutcomeForm | None) -> dict[str, Any]:
    case = task.case
    person = case.account.customer.person if case else task.person
    address = person.address if person else None
    maps_query = (
        f"{address.street} {address.house_number}{address.house_number_suffix}, "
        f"{address.postcode} {address.city}"
        if address
        else ""
    )
    return {
        "task": task,
        "case": case,
        "person": person,
        "address": address,
        "maps_query": maps_query,
        "guide": queues.guide_for(case.segment if case else ""),
        "form": form or OutcomeForm(),
        "outcomes": _outcome_choices(TaskKind.VISIT),
        "reasons": ArrearsReason.choices,
        "today": timezone.localdate(),
    }


@_guard(WORK_PERMISSION)
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(pk)
    if task.kind != TaskKind.VISIT:
        raise Http404
    if request.method == "POST":
        if task.status != TaskStatus.OPEN:
            messages.error(request, _("Dit bezoek is al vastgelegd."))
            return HttpResponseRedirect(reverse("workspace:visit", args=[task.pk]))
        form = OutcomeForm(request.POST)
        if _register(request, task, form):
            messages.success(request, _("Bezoek vastgelegd."))
            return HttpResponseRedirect(reverse("workspace:visits-mine"))
        return render(request, "workspace/visit.html", _visit_context(task, form), status=400)
    return render(request, "workspace/visit.html", _visit_context(task, None))
