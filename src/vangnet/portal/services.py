"""What a person can do in the portal; each action lands on the case timeline at once.

The heavy lifting belongs to the apps that own it — payment links, payment plans,
mandates, tasks, holds, referrals. These functions check that the account is the
signed-in customer's own, call that app's service, and write one ``CaseEvent`` (or an
audit line when the account has no open case) saying it came from the portal.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from vangnet.core.errors import Invalid
from vangnet.core.money import format_euro
from vangnet.core.services import audit_record
from vangnet.ledger.models import Account, Customer
from vangnet.parties.constants import Channel
from vangnet.portal import nudges
from vangnet.portal.constants import (
    CAUSE_CALLBACK,
    CAUSE_HELP,
    CAUSE_PAY,
    CAUSE_PREFERENCES,
    CAUSE_SITUATION,
    CAUSE_VISIT,
    SLOT_TIMES,
    SituationKind,
)
from vangnet.portal.models import PortalReferral
from vangnet.portal.selectors import active_case
from vangnet.rules.calendar_nl import add_working_days
from vangnet.strategy.constants import CaseEventKind, CaseStatus, HoldKind
from vangnet.strategy.models import Case, CaseEvent

logger = logging.getLogger(__name__)

HELP_CONSENT_NL = (
    "Ik wil gratis hulp bij geldzaken. Ik geef toestemming om mijn naam, adres, "
    "telefoonnummer en het bedrag dat openstaat door te geven aan de gemeente."
)


def _own(customer: Customer, account: Account) -> Account:
    if account.customer_id != customer.pk:
        # Views only pass the customer's own accounts; this is the second lock.
        raise Invalid("portal_not_yours", "Dit contract hoort niet bij u.", "not your account")
    return account


def portal_event(
    *,
    customer: Customer,
    case: Case | None,
    cause: str,
    text: str,
    kind: str = CaseEventKind.NOTE,
    details: dict[str, Any] | None = None,
    key: str | None = None,
    on: date | None = None,
) -> CaseEvent | None:
    """One timeline line "via het portaal" (or an audit record without an open case)."""
    details = {"via": "portal", **(details or {})}
    if case is None:
        audit_record(
            action=cause,
            process="portal",
            object_type="customer",
            object_id=customer.pk,
            summary=text,
            details=details,
        )
        return None
    fields = {
        "case": case,
        "on": on or timezone.localdate(),
        "at": timezone.now(),
        "kind": kind,
        "cause": cause,
        "text": text[:300],
        "details": details,
    }
    if key is None:
        return CaseEvent.objects.create(**fields)
    try:
        with transaction.atomic():
            return CaseEvent.objects.create(key=key, **fields)
    except IntegrityError:
        return None


def _open_cases(customer: Customer) -> list[Case]:
    return list(Case.objects.filter(account__customer=customer).exclude(status=CaseStatus.CLOSED))


def portal_visit_record(*, customer: Customer, via: str, now: datetime | None = None) -> int:
    """A sign-in: a contact line on each open case (once a day) and the bandit's reward
    for the messages that brought the person here."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cases = _open_cases(customer)
    for case in cases:
        portal_event(
            customer=customer,
            case=case,
            cause=CAUSE_VISIT,
            kind=CaseEventKind.CONTACT,
            text="Klant heeft het klantportaal geopend.",
            details={"signin": via},
            key=f"portal_visit:{case.pk}:{today.isoformat()}",
            on=today,
        )
    nudges.reward(case_ids=[c.pk for c in cases], at=now)
    return len(cases)


# ---------------------------------------------------------------------------------------
# Paying


def portal_pay_start(*, customer: Customer, account: Account, amount_raw: str) -> Any:
    """Start paying all or part through the account's pay link; returns the provider
    payment (redirect to its ``checkout_url``). Raises ``Invalid`` / ``LinkUnavailable`` /
    ``ProviderError`` like the pay page does."""
    from vangnet.payments import services as pay

    _own(customer, account)
    cents = pay.amount_parse(amount_raw)
    link = pay.paymentlink_for_account(account=account)
    pp = pay.paymentlink_start(link=link, amount_cents=cents)
    case = active_case(account)
    portal_event(
        customer=customer,
        case=case,
        cause=CAUSE_PAY,
        text=f"Klant start in het portaal een betaling van {format_euro(cents)}.",
        details={"amount_cents": cents, "provider_payment": pp.pk},
    )
    nudges.reward(case_ids=[case.pk] if case else [], at=timezone.now())
    return pp


# ---------------------------------------------------------------------------------------
# Payment plan


def _budget(income: dict[str, Any] | None) -> Any:
    if not income or income.get("net_income") in (None, ""):
        return None
    from vangnet.rules.affordability import Budget, Household

    def money(name: str) -> Decimal:
        value = income.get(name)
        return Decimal(value) if value not in (None, "") else Decimal("0")

    return Budget(
        net_income=money("net_income"),
        household=Household.COUPLE if income.get("couple") else Household.SINGLE,
        children=int(income.get("children") or 0),
        housing_costs=money("housing_costs"),
        fixed_costs=money("fixed_costs"),
        other_debt_payments=money("other_debt_payments"),
    )


def portal_plan_propose(
    *,
    customer: Customer,
    account: Account,
    months: int | None = None,
    instalment_cents: int | None = None,
    income: dict[str, Any] | None = None,
    phone: str = "",
    today: date | None = None,
) -> tuple[Any, Any]:
    """Propose a plan; returns ``(plan, callback task or None)``.

    Affordable and inside policy: the plan is active at once (its payment-plan hold makes
    the next run pause the case). Otherwise it waits for staff, and a call-back task due
    within two working days is made ("we bellen u binnen twee werkdagen").
    """
    from vangnet.arrangements.constants import PlanSource, PlanStatus
    from vangnet.arrangements.plans import plan_propose

    _own(customer, account)
    today = today or timezone.localdate()
    plan = plan_propose(
        account=account,
        months=months,
        instalment_cents=instalment_cents,
        income=_budget(income),
        source=PlanSource.PORTAL,
        today=today,
    )
    task = None
    if plan.status != PlanStatus.ACTIVE:
        task = _task(
            kind="callback",
            key=f"portal:plan:{plan.pk}",
            title="Bel klant terug over betalingsregeling (portaal)",
            due_on=add_working_days(today, 2),
            case=plan.case,
            customer=customer,
            phone=phone,
            description=f"Regeling REG{plan.pk} wacht op goedkeuring: {plan.affordability_text}",
            priority=2,
        )
    case = plan.case
    nudges.reward(case_ids=[case.pk] if case else [], at=timezone.now())
    return plan, task


# ---------------------------------------------------------------------------------------
# Direct debit


def portal_mandate_sign(
    *,
    customer: Customer,
    account: Account,
    iban: str,
    holder_name: str,
    collection_day: int,
    agreed: bool,
    today: date | None = None,
) -> Any:
    """Sign a SEPA mandate online (the mandate service checks IBAN and day and writes
    the timeline event)."""
    from vangnet.banking.directdebit.constants import MandateChannel
    from vangnet.banking.directdebit.services import mandate_sign

    _own(customer, account)
    if not agreed:
        raise Invalid(
            "mandate_not_agreed",
            "Zet een vinkje als u akkoord gaat met de automatische incasso.",
            "the customer did not agree",
        )
    with transaction.atomic():
        mandate = mandate_sign(
            account=account,
            iban=iban,
            holder_name=holder_name,
            collection_day=int(collection_day),
            signed_on=today or timezone.localdate(),
            channel=MandateChannel.PORTAL,
        )
    case = active_case(account)
    nudges.reward(case_ids=[case.pk] if case else [], at=timezone.now())
    return mandate


# ---------------------------------------------------------------------------------------
# Preferences


def portal_preferences_set(
    *,
    customer: Customer,
    channels: list[str],
    window_start: time | None,
    window_end: time | None,
) -> None:
    """Store the person's channel order and contact window (used by send planning)."""
    allowed = [c for c in Channel.values if c != Channel.VISIT]
    clean: list[str] = []
    for c in channels:
        if c not in allowed:
            raise Invalid("portal_channel", "Kies een kanaal uit de lijst.", f"unknown {c!r}")
        if c not in clean:
            clean.append(c)
    if (window_start is None) != (window_end is None):
        raise Invalid(
            "portal_window_half",
            "Vul allebei de tijden in, of laat allebei leeg.",
            "give both times or none",
        )
    if window_start and window_end and window_end <= window_start:
        raise Invalid(
            "portal_window_order",
            "De eindtijd moet later zijn dan de begintijd.",
            "window ends before it starts",
        )
    from vangnet.parties.models import Person

    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=customer.person_id)
        person.preferred_channels = clean
        person.contact_window_start = window_start
        person.contact_window_end = window_end
        person.save(
            update_fields=[
                "preferred_channels",
                "contact_window_start",
                "contact_window_end",
                "updated_at",
            ]
        )
        when = (
            f" tussen {window_start:%H:%M} en {window_end:%H:%M}"
            if window_start and window_end
            else ""
        )
        text = f"Klant kiest in het portaal: {', '.join(clean) or 'geen voorkeur'}{when}."
        for case in _open_cases(customer) or [None]:
            portal_event(
                customer=customer,
                case=case,
                cause=CAUSE_PREFERENCES,
                text=text,
                details={
                    "channels": clean,
                    "start": str(window_start or ""),
                    "end": str(window_end or ""),
                },
            )


# ---------------------------------------------------------------------------------------
# Call back, help, reporting a dispute or a change


def _task(
    *,
    kind: str,
    key: str,
    title: str,
    due_on: date,
    case: Case | None,
    customer: Customer,
    phone: str = "",
    description: str = "",
    priority: int = 3,
    window: tuple[time, time] | None = None,
) -> Any:
    from vangnet.workspace.worklist import task_create

    task, _created = task_create(
        kind=kind,
        idempotency_key=key,
        title=title,
        due_on=due_on,
        organisation_id=customer.organisation_id,
        case=case,
        person_id=customer.person_id,
        priority=priority,
        description=description,
        phone=phone[:32],
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
    )
    return task


def _first_case(customer: Customer, account: Account | None) -> Case | None:
    if account is not None:
        return active_case(_own(customer, account))
    cases = _open_cases(customer)
    return cases[0] if cases else None


def portal_callback_request(
    *,
    customer: Customer,
    on: date,
    slot: str,
    phone: str,
    account: Account | None = None,
    today: date | None = None,
) -> Any:
    """A call back in the chosen slot: a callback task in that window and a timeline line."""
    today = today or timezone.localdate()
    if slot not in SLOT_TIMES:
        raise Invalid("portal_slot", "Kies een dagdeel.", f"unknown slot {slot!r}")
    from vangnet.portal import conf

    if on < today or (on - today).days > conf.callback_days():
        raise Invalid(
            "portal_callback_day",
            f"Kies een dag vanaf vandaag en binnen {conf.callback_days()} dagen.",
            "day out of range",
        )
    phone = (phone or "").strip()
    if phone:
        from vangnet.parties.validation import normalise_phone

        phone = normalise_phone(phone)  # raises Invalid with a Dutch reason
    else:
        cp = customer.person.contact_points.filter(
            kind__in=["mobile", "landline"], invalid_since__isnull=True
        ).first()
        phone = cp.value if cp else ""
    if not phone:
        raise Invalid("portal_phone", "Vul uw telefoonnummer in.", "phone missing")
    start, end = SLOT_TIMES[slot]
    case = _first_case(customer, account)
    task = _task(
        kind="callback",
        key=f"portal:callback:{customer.pk}:{on.isoformat()}:{slot}",
        title="Klant vraagt om terugbellen (portaal)",
        due_on=on,
        case=case,
        customer=customer,
        phone=phone,
        window=(start, end),
        priority=2,
    )
    portal_event(
        customer=customer,
        case=case,
        cause=CAUSE_CALLBACK,
        text=(
            f"Klant vraagt in het portaal om terugbellen op {on:%d-%m-%Y} "
            f"tussen {start:%H:%M} en {end:%H:%M}."
        ),
        details={"task": task.pk, "on": on.isoformat(), "slot": slot},
    )
    nudges.reward(case_ids=[case.pk] if case else [], at=timezone.now())
    return task


def portal_help_request(
    *, customer: Customer, consent: bool, note: str = "", phone: str = ""
) -> PortalReferral:
    """ "Ik wil hulp": with consent, a warm referral to the municipality's free help.

    The consent and its moment are kept here; the signals app makes the referral signal
    when it is installed and the case can be routed. If it cannot, staff get a task to
    refer by hand, so the request is never lost.
    """
    if not consent:
        raise Invalid(
            "portal_help_consent",
            "Zet een vinkje als u wilt dat wij uw gegevens doorgeven. Zonder uw "
            "toestemming geven we niets door.",
            "no consent",
        )
    now = timezone.now()
    cases = _open_cases(customer)
    case = cases[0] if cases else None
    with transaction.atomic():
        referral = PortalReferral.objects.create(
            customer=customer,
            case=case,
            consent_at=now,
            consent_text=HELP_CONSENT_NL,
            note=(note or "")[:500],
            phone=(phone or "")[:32],
        )
        portal_event(
            customer=customer,
            case=case,
            cause=CAUSE_HELP,
            kind=CaseEventKind.CONTACT,
            text="Klant vraagt in het portaal om hulp bij geldzaken en geeft toestemming "
            "om gegevens aan de gemeente door te geven.",
            details={"referral": referral.pk, "consent_at": now.isoformat()},
        )
    error = ""
    if case is None:
        error = "geen open dossier"
    else:
        try:
            from vangnet.signals.outgoing.services import signal_referral_create
        except ImportError:
            signal_referral_create = None  # type: ignore[assignment]
            error = "signalen-app niet beschikbaar"
        if signal_referral_create is not None:
            try:
                with transaction.atomic():
                    signal = signal_referral_create(
                        case=case, consent_recorded_at=now, note=(note or "")[:300]
                    )
                referral.signal_id = signal.pk
            except Invalid as exc:
                error = exc.nl
            except Exception as exc:  # the signals app is young: never lose the request
                logger.exception("portal referral %s: signal failed", referral.pk)
                error = str(exc)
    if error:
        referral.signal_error = error[:300]
        _task(
            kind="callback",
            key=f"portal:help:{referral.pk}",
            title="Klant wil hulp bij geldzaken: verwijs door (portaal)",
            due_on=add_working_days(timezone.localdate(), 1),
            case=case,
            customer=customer,
            phone=phone,
            description=f"Toestemming gegeven op {now:%d-%m-%Y %H:%M}. {note}".strip(),
            priority=1,
        )
    referral.save(update_fields=["signal_id", "signal_error"])
    nudges.reward(case_ids=[case.pk] if case else [], at=now)
    return referral


SITUATION_NL = {
    SituationKind.DISPUTE: "is het niet eens met de rekening",
    SituationKind.JOB_LOSS: "is het werk kwijt",
    SituationKind.ILLNESS: "is ziek",
    SituationKind.SEPARATION: "gaat scheiden of is gescheiden",
    SituationKind.OTHER: "meldt een verandering in de situatie",
}


def portal_situation_report(
    *,
    customer: Customer,
    account: Account,
    kind: str,
    text: str,
    today: date | None = None,
) -> Any:
    """A dispute pauses collection at once (a dispute hold until staff decide); a change
    of situation (job loss, illness, separation) asks staff to look within a working day.
    Both make a review task."""
    from vangnet.strategy.cases import hold_create

    _own(customer, account)
    if kind not in SituationKind.values:
        raise Invalid("portal_situation", "Kies wat er aan de hand is.", f"unknown {kind!r}")
    text = (text or "").strip()
    if kind in (SituationKind.DISPUTE, SituationKind.OTHER) and len(text) < 5:
        raise Invalid(
            "portal_situation_text",
            "Schrijf in een paar woorden wat er is.",
            "explanation missing",
        )
    today = today or timezone.localdate()
    case = active_case(account)
    hold = None
    with transaction.atomic():
        if kind == SituationKind.DISPUTE:
            hold = hold_create(
                account=account,
                kind=HoldKind.DISPUTE,
                starts_on=today,
                reason=f"Via het portaal: {text}"[:300],
            )
        task = _task(
            kind="reply",
            key=f"portal:situation:{account.pk}:{kind}:{today.isoformat()}",
            title=f"Klant {SITUATION_NL[kind]} (portaal)",
            due_on=add_working_days(today, 1),
            case=case,
            customer=customer,
            description=text[:2000],
            priority=1,
        )
        portal_event(
            customer=customer,
            case=case,
            cause=CAUSE_SITUATION,
            kind=CaseEventKind.CONTACT,
            text=f"Klant {SITUATION_NL[kind]} (via het portaal)."
            + (" Incasso gepauzeerd tot een medewerker heeft gekeken." if hold else ""),
            details={"situation": kind, "task": task.pk, "hold": hold.pk if hold else None},
        )
    nudges.reward(case_ids=[case.pk] if case else [], at=timezone.now())
    return task
