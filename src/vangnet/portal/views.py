"""Portal pages: thin — read the form, call a service, render Dutch B1 text."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.core.errors import Invalid
from vangnet.ledger.models import Account, Customer
from vangnet.portal import access, conf, nudges, selectors, services, tokens
from vangnet.portal.constants import SESSION_CODE_NUMBER, SESSION_NUDGED
from vangnet.portal.forms import (
    CallbackForm,
    CodeForm,
    CodeRequestForm,
    HelpForm,
    MandateForm,
    PayForm,
    PlanForm,
    PreferencesForm,
    SignInForm,
    SituationForm,
)

logger = logging.getLogger(__name__)

REASON_NL = {
    "idle": "U was een tijd niet actief. Log opnieuw in om verder te gaan.",
    "revoked": "Deze link werkt niet meer. Log opnieuw in om verder te gaan.",
}  # translated where shown


def portal_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        customer, reason = access.session_customer(request)
        if customer is None:
            url = reverse("portal:index")
            return redirect(f"{url}?reden={reason}" if reason else url)
        request.portal_customer = customer  # type: ignore[attr-defined]
        return view(request, customer, *args, **kwargs)

    return never_cache(wrapper)


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200):
    return render(request, f"portal/{template}", context, status=status)


def _account(request: HttpRequest, customer: Customer) -> Account | None:
    """The account named in the form or query, only if it is the customer's own; without
    one, the first account (most people have one)."""
    raw = request.POST.get("account") or request.GET.get("contract")
    if raw:
        return selectors.account_for(customer, raw)
    return selectors.accounts_for(customer)[0] if selectors.accounts_for(customer) else None


def _not_found(request: HttpRequest) -> HttpResponse:
    return _render(request, "gone.html", {"reason": "unknown"}, status=404)


# ---------------------------------------------------------------------------------------
# Entry and sign-in


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """A trivial view (no database, no template): load balancers and the benchmark's
    baseline."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_http_methods(["GET", "HEAD"])
def enter(request: HttpRequest, token: str) -> HttpResponse:
    """The magic link from a message: check it, start a session, go to the overview."""
    try:
        link = tokens.link_read(token)
    except tokens.LinkExpired:
        response = _render(request, "gone.html", {"reason": "expired"}, status=410)
    except tokens.LinkInvalid:
        response = _render(request, "gone.html", {"reason": "unknown"}, status=404)
    else:
        customer = Customer.objects.filter(pk=link.customer_id).first()
        if customer is None:
            response = _render(request, "gone.html", {"reason": "unknown"}, status=404)
        else:
            access.session_start(request, customer=customer, via="link", jti=link.jti)
            if link.jti:
                from vangnet.portal.models import PortalToken

                PortalToken.objects.filter(jti=link.jti).update(last_used_at=timezone.now())
            services.portal_visit_record(customer=customer, via="link")
            response = redirect("portal:overview")
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Sign in with customer number, postcode and date of birth."""
    customer, _reason = access.session_customer(request)
    if customer is not None:
        return redirect("portal:overview")
    notice = REASON_NL.get(request.GET.get("reden", ""), "")
    notice = _(notice) if notice else ""
    form = SignInForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            customer = access.signin_check(
                number=form.cleaned_data["number"],
                postcode=form.cleaned_data["postcode"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                ip=access.client_ip(request),
            )
        except access.SignInRefused as exc:
            error, status = exc.nl, (429 if exc.locked else 200)
        else:
            access.session_start(request, customer=customer, via="details")
            services.portal_visit_record(customer=customer, via="details")
            return redirect("portal:overview")
    return _render(
        request, "signin.html", {"form": form, "error": error, "notice": notice}, status=status
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def code_request(request: HttpRequest) -> HttpResponse:
    form = CodeRequestForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"]
        try:
            access.code_request(
                number=number, channel=form.cleaned_data["channel"], ip=access.client_ip(request)
            )
        except access.SignInRefused as exc:
            error, status = exc.nl, 429
        else:
            request.session[SESSION_CODE_NUMBER] = number.strip()[:32]
            return redirect("portal:code-enter")
    return _render(request, "code_request.html", {"form": form, "error": error}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def code_enter(request: HttpRequest) -> HttpResponse:
    number = request.session.get(SESSION_CODE_NUMBER)
    if not number:
        return redirect("portal:code-request")
    form = CodeForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            customer = access.code_check(
                number=number, code=form.cleaned_data["code"], ip=access.client_ip(request)
            )
        except access.SignInRefused as exc:
            error, status = exc.nl, (429 if exc.locked else 200)
        else:
            access.session_start(request, customer=customer, via="code")
            services.portal_visit_record(customer=customer, via="code")
            return redirect("portal:overview")
    context = {"form": form, "error": error, "sent": access.CODE_SENT_NL}
    return _render(request, "code_enter.html", context, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    access.session_end(request)
    return _render(request, "logged_out.html", {})


# ---------------------------------------------------------------------------------------
# Overview


@portal_required
def overview(request: HttpRequest, customer: Customer) -> HttpResponse:
    today = timezone.localdate()
    views = selectors.overview(customer=customer, today=today)
    nudge = None
    case = next((v.case for v in views if v.case is not None and v.plan is None), None)
    if case is not None and any(v.overdue_cents for v in views):
        # Chosen and recorded once per session and case: a reload is not a new trial,
        # and the overview stays cheap (no bandit, template or context queries).
        shown = dict(request.session.get(SESSION_NUDGED) or {})
        cached = shown.get(str(case.pk))
        if cached:
            nudge = nudges.Nudge(cached[0], cached[1], False)
        else:
            nudge = nudges.nudge_for(case=case, record=True)
            shown[str(case.pk)] = [nudge.variant, nudge.text]
            request.session[SESSION_NUDGED] = shown
    context = {
        "customer": customer,
        "person": customer.person,
        "accounts": views,
        "total_open": sum(v.open_cents for v in views),
        "total_overdue": sum(v.overdue_cents for v in views),
        "nudge": nudge,
        "today": today,
    }
    return _render(request, "overview.html", context)


# ---------------------------------------------------------------------------------------
# Actions


def _amount_text(cents: int) -> str:
    from vangnet.core.money import cents_to_decimal

    return f"{cents_to_decimal(cents):.2f}".replace(".", ",")


@portal_required
def pay(request: HttpRequest, customer: Customer) -> HttpResponse:
    from vangnet.payments.base import ProviderError
    from vangnet.payments.selectors import account_open_cents
    from vangnet.payments.services import LinkUnavailable

    account = _account(request, customer)
    if account is None:
        return _not_found(request)
    open_cents = account_open_cents(account_id=account.pk)
    form = PayForm(
        request.POST or None, initial={"account": account.pk, "amount": _amount_text(open_cents)}
    )
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            pp = services.portal_pay_start(
                customer=customer, account=account, amount_raw=form.cleaned_data["amount"]
            )
        except Invalid as exc:
            error = exc.nl
        except LinkUnavailable:
            error = _("Betalen kan nu niet. Probeer het later nog eens.")
        except ProviderError as exc:
            error, status = exc.message_nl, 503
        else:
            return redirect(pp.checkout_url)
    context = {"form": form, "account": account, "open_cents": open_cents, "error": error}
    return _render(request, "pay.html", context, status=status)


@portal_required
def plan(request: HttpRequest, customer: Customer) -> HttpResponse:
    account = _account(request, customer)
    if account is None:
        return _not_found(request)
    max_months, min_cents = selectors.plan_limits(account.organisation_id)
    views = {
        v.account.pk: v for v in selectors.overview(customer=customer, today=timezone.localdate())
    }
    view = views[account.pk]
    form = PlanForm(
        request.POST or None,
        max_months=max_months,
        initial={"account": account.pk, "months": min(6, max_months)},
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        income = None
        if data.get("net_income") is not None:
            income = {
                "net_income": data["net_income"],
                "housing_costs": data.get("housing_costs"),
                "fixed_costs": data.get("fixed_costs"),
                "couple": data.get("couple"),
                "children": data.get("children") or 0,
            }
        try:
            payment_plan, task = services.portal_plan_propose(
                customer=customer,
                account=account,
                months=data["months"],
                income=income,
                phone=data.get("phone") or "",
            )
        except Invalid as exc:
            error = exc.nl
        else:
            return _render(
                request,
                "plan_done.html",
                {
                    "plan": payment_plan,
                    "instalments": list(payment_plan.instalments.order_by("number"))
                    if hasattr(payment_plan, "instalments")
                    else [],
                    "task": task,
                    "active": payment_plan.status == "active",
                },
            )
    context = {
        "form": form,
        "account": account,
        "view": view,
        "max_months": max_months,
        "min_cents": min_cents,
        "error": error,
    }
    return _render(request, "plan.html", context)


@portal_required
def mandate(request: HttpRequest, customer: Customer) -> HttpResponse:
    account = _account(request, customer)
    if account is None:
        return _not_found(request)
    days = selectors.collection_days(account.organisation_id)
    form = MandateForm(
        request.POST or None,
        days=days,
        initial={"account": account.pk, "holder_name": customer.person.full_name},
    )
    error = ""
    if request.method == "POST" and days and form.is_valid():
        data = form.cleaned_data
        try:
            m = services.portal_mandate_sign(
                customer=customer,
                account=account,
                iban=data["iban"],
                holder_name=data["holder_name"],
                collection_day=data["collection_day"],
                agreed=data["agreed"],
            )
        except Invalid as exc:
            error = exc.nl
        else:
            return _render(
                request,
                "done.html",
                {
                    "title": _("Automatisch betalen is geregeld"),
                    "lines": [
                        _("We schrijven voortaan rond de %(day)se van de maand af.")
                        % {"day": m.collection_day},
                        _("Voor elke afschrijving krijgt u eerst bericht van ons."),
                    ],
                },
            )
    context = {"form": form, "account": account, "days": days, "error": error}
    return _render(request, "mandate.html", context)


@portal_required
def preferences(request: HttpRequest, customer: Customer) -> HttpResponse:
    person = customer.person
    initial = {
        "channels": person.preferred_channels or [],
        "window_start": person.contact_window_start,
        "window_end": person.contact_window_end,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.portal_preferences_set(
                customer=customer,
                channels=data["channels"],
                window_start=data["window_start"],
                window_end=data["window_end"],
            )
        except Invalid as exc:
            error = exc.nl
        else:
            return _render(
                request,
                "done.html",
                {
                    "title": _("Uw voorkeuren zijn bewaard"),
                    "lines": [_("We houden hier rekening mee als we u een bericht sturen.")],
                },
            )
    return _render(request, "preferences.html", {"form": form, "error": error})


@portal_required
def callback(request: HttpRequest, customer: Customer) -> HttpResponse:
    form = CallbackForm(request.POST or None, days=conf.callback_days())
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.portal_callback_request(
                customer=customer,
                on=data["on"],
                slot=data["slot"],
                phone=data["phone"],
            )
        except Invalid as exc:
            error = exc.nl
        else:
            from django.utils.formats import date_format

            return _render(
                request,
                "done.html",
                {
                    "title": _("We bellen u terug"),
                    "lines": [
                        _("We bellen u op %(day)s tussen %(start)s en %(end)s.")
                        % {
                            "day": date_format(task.due_on, "l j F"),
                            "start": f"{task.window_start:%H:%M}",
                            "end": f"{task.window_end:%H:%M}",
                        },
                        _("We bellen naar %(phone)s.") % {"phone": task.phone},
                    ],
                },
            )
    return _render(request, "callback.html", {"form": form, "error": error})


@portal_required
def help_view(request: HttpRequest, customer: Customer) -> HttpResponse:
    from vangnet.messaging.content.context import help_for

    address = customer.person.address
    info = help_for(
        municipality_code=getattr(address, "municipality_code", "") or "",
        municipality_name=getattr(address, "municipality_name", "") or "",
    )
    form = HelpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.portal_help_request(
                customer=customer,
                consent=data["consent"],
                note=data["note"],
                phone=data["phone"],
            )
        except Invalid as exc:
            error = exc.nl
        else:
            return _render(
                request,
                "done.html",
                {
                    "title": _("Bedankt, we geven het door"),
                    "lines": [
                        _(
                            "We geven uw gegevens door aan de gemeente. Iemand van de gemeente "
                            "neemt contact met u op."
                        ),
                        _("De hulp is gratis. U hoeft niets te doen."),
                        info.text,
                    ],
                },
            )
    return _render(request, "help.html", {"form": form, "error": error, "info": info})


@portal_required
def situation(request: HttpRequest, customer: Customer) -> HttpResponse:
    account = _account(request, customer)
    if account is None:
        return _not_found(request)
    form = SituationForm(request.POST or None, initial={"account": account.pk})
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.portal_situation_report(
                customer=customer,
                account=account,
                kind=data["kind"],
                text=data["text"],
            )
        except Invalid as exc:
            error = exc.nl
        else:
            lines = [_("Een medewerker kijkt ernaar en neemt binnen een werkdag contact met u op.")]
            if data["kind"] == "dispute":
                lines.insert(0, _("We sturen u geen herinneringen zolang we dit bekijken."))
            return _render(
                request, "done.html", {"title": _("Bedankt voor uw bericht"), "lines": lines}
            )
    return _render(request, "situation.html", {"form": form, "account": account, "error": error})
