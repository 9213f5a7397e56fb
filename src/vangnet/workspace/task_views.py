"""The staff task queue: today's calls, visits, replies and call-backs, and their outcome.

Kept small on purpose (a later issue builds the full workspace): one list with a kind
filter and pagination, and one POST per outcome that calls ``worklist.task_complete``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vangnet.core.errors import Invalid
from vangnet.parties.selectors import organisation_current
from vangnet.workspace import worklist
from vangnet.workspace.models import Task, TaskKind, TaskOutcome, TaskStatus

TASK_PERMISSION = "workspace.change_task"
PAGE_SIZE = 25


def task_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login first, then the permission as an honest 403 (see ``views.staff_view``)."""
    return login_required(permission_required(TASK_PERMISSION, raise_exception=True)(view))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Uitkomst"), choices=TaskOutcome.choices)
    promise_date = forms.DateField(
        label=gettext_lazy("Betaaldatum (bij een belofte)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Notitie"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == TaskOutcome.PROMISE_TO_PAY and not data.get("promise_date"):
            self.add_error("promise_date", _("Vul de datum in waarop de klant belooft te betalen."))
        return data


def _organisation_id() -> int | None:
    organisation = organisation_current()
    return organisation.pk if organisation else None


@task_view
def tasks(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    kind = request.GET.get("soort", "")
    if kind not in TaskKind.values:
        kind = ""
    try:
        day = date.fromisoformat(request.GET["datum"]) if request.GET.get("datum") else None
    except ValueError:
        day = None
    qs = worklist.tasks_open(
        organisation_id=_organisation_id(),
        today=today,
        flt=worklist.QueueFilter(kind=kind, day=day),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workspace/tasks.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "kind": kind,
            "day": day,
            "kinds": TaskKind.choices,
            "today": today,
            "form": OutcomeForm(),
        },
    )


@require_POST
@task_view
def task_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_id = _organisation_id()
    task = Task.objects.filter(pk=pk).select_related("person").first()
    if task is None or (
        organisation_id is not None and task.organisation_id not in (None, organisation_id)
    ):
        raise Http404
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("workspace:tasks")
    form = OutcomeForm(request.POST)
    if task.status != TaskStatus.OPEN:
        messages.error(request, _("Deze taak is al afgerond of geannuleerd."))
        return HttpResponseRedirect(back)
    if form.is_valid():
        try:
            worklist.task_complete(
                task=task,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                promise_date=form.cleaned_data["promise_date"],
                actor=request.user,
            )
        except Invalid as exc:
            form.add_error(None, exc.nl)
        else:
            messages.success(request, _("Uitkomst vastgelegd: %(title)s") % {"title": task.title})
            return HttpResponseRedirect(back)
    return render(
        request,
        "workspace/tasks_outcome.html",
        {"task": task, "form": form, "next": back},
        status=400,
    )
