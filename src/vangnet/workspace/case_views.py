"""The case page: header, one merged timeline, and the actions staff take on a case.

Each action is its own POST (CSRF-protected by the middleware) with its own permission,
so a field worker can add a note but not waive costs. A refused action re-renders the
page with the form and its errors (status 400); nothing is half-written because every
service runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.arrangements.constants import PlanSource
from vangnet.core.errors import Invalid
from vangnet.core.services import access_record
from vangnet.parties.selectors import organisation_current
from vangnet.workspace import case_actions, selectors
from vangnet.workspace.forms import (
    ArrearsReasonForm,
    HoldForm,
    NoteForm,
    PlanForm,
    PreferencesForm,
    ReferralForm,
    WaiveForm,
)
from vangnet.workspace.timeline import SOURCE_LABELS, case_timeline

CASE_PERMISSION = "strategy.view_case"

# Action (URL part) -> (permission, form class).
ACTIONS: dict[str, tuple[str, type[forms.Form]]] = {
    "pauze": ("strategy.add_hold", HoldForm),
    "notitie": ("strategy.add_caseevent", NoteForm),
    "reden": ("strategy.add_caseevent", ArrearsReasonForm),
    "regeling": ("arrangements.add_paymentplan", PlanForm),
    "kwijtschelden": ("arrangements.change_chargedcost", WaiveForm),
    "doorverwijzen": ("signals_out.add_outgoingsignal", ReferralForm),
    "voorkeuren": ("parties.change_person", PreferencesForm),
}


def case_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login first, then the permission as an honest 403 (see ``views.staff_view``)."""
    return login_required(permission_required(CASE_PERMISSION, raise_exception=True)(view))


def _organisation_id() -> int | None:
    organisation = organisation_current()
    return organisation.pk if organisation else None


def _case_or_404(pk: int) -> Any:
    case = selectors.case_get(organisation_id=_organisation_id(), pk=pk)
    if case is None:
        raise Http404
    return case


def _auto_id(action: str) -> str:
    """Field ids unique on the page (several forms have a "reason" or a "note")."""
    return f"id_{action}_%s"


def _context(
    request: HttpRequest, case: Any, today: date, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    source = request.GET.get("bron", "")
    if source not in SOURCE_LABELS:
        source = ""
    page = selectors.case_page(case=case, today=today)
    timeline = case_timeline(case=case)
    items = [i for i in timeline.items if i.source == source] if source else timeline.items
    forms_: dict[str, forms.Form] = {
        key: form_class(auto_id=_auto_id(key))
        for key, (_perm, form_class) in ACTIONS.items()
        if key != "voorkeuren"
    }
    forms_["voorkeuren"] = PreferencesForm.for_person(page.person, auto_id=_auto_id("voorkeuren"))
    forms_.update(bound or {})
    can = {key: request.user.has_perm(perm) for key, (perm, _form) in ACTIONS.items()}
    return {
        "page": page,
        "case": case,
        "person": page.person,
        "account": page.account,
        "timeline": timeline,
        "items": items,
        "source": source,
        "sources": [(k, v, timeline.counts.get(k, 0)) for k, v in SOURCE_LABELS.items()],
        "forms": forms_,
        "can": can,
        "today": today,
    }


@case_view
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(pk)
    # AVG: every look at a person's data is recorded (who, when, which case).
    access_record(user=request.user, object_type="case", object_id=case.pk, purpose="view")
    return render(request, "workspace/case.html", _context(request, case, timezone.localdate()))


@require_POST
@case_view
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    permission, form_class = ACTIONS[action]
    if not request.user.has_perm(permission):
        raise PermissionDenied
    case = _case_or_404(pk)
    today = timezone.localdate()
    form = form_class(request.POST, auto_id=_auto_id(action))
    if form.is_valid():
        try:
            done = _perform(action, form, case=case, user=request.user, today=today)
        except Invalid as exc:
            form.add_error(None, exc.nl)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("workspace:case", args=[case.pk]) + "#tijdlijn")
    context = _context(request, case, today, bound={action: form})
    context["failed"] = action
    return render(request, "workspace/case.html", context, status=400)


def _perform(action: str, form: Any, *, case: Any, user: Any, today: date) -> str:
    """Call the service for one action; returns the Dutch confirmation."""
    data = form.cleaned_data
    if action == "pauze":
        hold = case_actions.case_hold_add(
            case=case,
            kind=data["kind"],
            reason=data["reason"],
            ends_on=data["ends_on"],
            actor=user,
            today=today,
        )
        return _("Pauze vastgelegd tot en met %(d)s.") % {"d": f"{hold.ends_on:%d-%m-%Y}"}
    if action == "notitie":
        case_actions.case_note_add(case=case, text=data["text"], actor=user, today=today)
        return _("Notitie toegevoegd.")
    if action == "reden":
        case_actions.case_arrears_reason_set(
            case=case, reason=data["reason"], note=data["note"], actor=user, today=today
        )
        return _("Reden van de achterstand vastgelegd.")
    if action == "regeling":
        plan = case_actions.case_plan_start(
            case=case,
            actor=user,
            months=data.get("months"),
            instalment_cents=form.instalment_cents,
            day_of_month=data.get("day_of_month"),
            source=PlanSource.PHONE if data.get("by_phone") else PlanSource.STAFF,
            today=today,
        )
        return _("Betalingsregeling %(ref)s: %(status)s.") % {
            "ref": plan.reference,
            "status": plan.get_status_display().lower(),
        }
    if action == "kwijtschelden":
        case_actions.case_costs_waive(
            case=case, charge_id=data["charge"], reason=data["reason"], actor=user, today=today
        )
        return _("Kosten kwijtgescholden.")
    if action == "doorverwijzen":
        case_actions.case_refer(
            case=case, consent=data["consent"], note=data["note"], actor=user, today=today
        )
        return _("Doorverwijzing naar de gemeente klaargezet.")
    if action == "voorkeuren":
        case_actions.person_preferences_change(
            case=case,
            channels=form.channels,
            window_start=data.get("window_start"),
            window_end=data.get("window_end"),
            actor=user,
            today=today,
        )
        return _("Voorkeuren opgeslagen.")
    raise Http404  # pragma: no cover - ACTIONS and this function list the same keys
