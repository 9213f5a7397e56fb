"""The staff roles and what each may do: one map, granted as Django groups.

Each role lists permission *specs*: ``"app_label.codename"``, or a prefix ending in
``*`` (``"strategy.view_*"``, ``"messaging_content.*"``). Specs are resolved against the
permissions that exist when ``roles_ensure`` runs, so an app whose migrations are not
there yet simply contributes nothing: the missing spec is reported as a warning and the
rest of the role is still granted. Running ``vangnet roles sync`` again after the app
arrives completes the role.

The group names are Dutch because staff see them in the admin; they are the stable key
in the database, so renaming one means renaming the group too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Apps whose records staff may read; "view_*" of each is the read-only base.
READABLE_APPS: tuple[str, ...] = (
    "parties",
    "ledger",
    "strategy",
    "scoring",
    "messaging",
    "messaging_content",
    "messaging_channels",
    "messaging_engagement",
    "payments",
    "banking",
    "directdebit",
    "arrangements",
    "signals_out",
    "signals_in",
    "workspace",
    "imports",
)

# What every case-handling role needs to open the workspace and an account page.
_CASE_READ: tuple[str, ...] = (
    "ledger.view_*",
    "parties.view_*",
    "strategy.view_case",
    "strategy.view_caseevent",
    "strategy.view_hold",
    "strategy.view_action",
    "workspace.view_task",
)


@dataclass(frozen=True)
class Role:
    key: str
    group_name: str
    label: str
    specs: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    all_permissions: bool = False
    is_staff: bool = False  # may open /admin/
    demo_username: str = ""


ROLES: dict[str, Role] = {
    role.key: role
    for role in (
        Role(
            key="credit_manager",
            group_name="Kredietbeheer",
            label=_("kredietbeheerder"),
            demo_username="kredietbeheerder",
            specs=(
                *_CASE_READ,
                *(f"{app}.view_*" for app in ("strategy", "scoring", "messaging", "arrangements")),
                # Journeys, segments and the strategy policy.
                "strategy.add_journey",
                "strategy.change_journey",
                "strategy.add_journeystep",
                "strategy.change_journeystep",
                "strategy.delete_journeystep",
                "strategy.add_segment",
                "strategy.change_segment",
                "strategy.change_strategypolicy",
                # Message templates and experiments.
                "messaging_content.*",
                "messaging_engagement.*",
                "messaging_channels.view_*",
                "messaging_channels.change_housestyle",
                # Payment-plan and cost policies.
                "arrangements.change_planpolicy",
                "arrangements.change_costpolicy",
                "directdebit.view_directdebitprofile",
                "staff_accounts.view_reports",
                # Billing-system files in (customers, invoices, payments).
                "imports.add_importjob",
                "imports.view_importjob",
            ),
        ),
        Role(
            key="collector",
            group_name="Incasso",
            label=_("incassomedewerker"),
            demo_username="incassomedewerker",
            specs=(
                *_CASE_READ,
                "parties.change_person",
                "parties.add_contactpoint",
                "parties.change_contactpoint",
                "parties.add_consent",
                "parties.change_consent",
                "strategy.add_hold",
                "strategy.change_hold",
                "strategy.add_caseevent",
                "workspace.change_task",
                # Call list and outcomes; the outbox read-only.
                "messaging.view_outboxmessage",
                "messaging.view_deliveryevent",
                "messaging_channels.view_inboundmessage",
                "messaging_content.view_*",
                # Plans within policy: propose, not approve.
                "arrangements.view_paymentplan",
                "arrangements.add_paymentplan",
                "arrangements.view_instalment",
                "arrangements.view_chargedcost",
                "payments.view_paymentlink",
                "payments.add_paymentlink",
                "directdebit.view_mandate",
                "signals_out.view_outgoingsignal",
                # "Refer to the municipality" on the case page (a warm referral).
                "signals_out.add_outgoingsignal",
            ),
        ),
        Role(
            key="field_worker",
            group_name="Buitendienst",
            label=_("buitendienstmedewerker"),
            demo_username="buitendienst",
            specs=(
                *_CASE_READ,
                "strategy.add_caseevent",
                "workspace.change_task",
                "signals_in.view_melding",
                "signals_in.view_contactattempt",
                "signals_in.add_contactattempt",
            ),
        ),
        Role(
            key="team_lead",
            group_name="Teamleiding",
            label=_("teamleider"),
            demo_username="teamleider",
            includes=("collector",),
            specs=(
                # Approvals: plans outside policy and waiving costs.
                "arrangements.change_paymentplan",
                "arrangements.change_chargedcost",
                "messaging.change_outboxmessage",
                "banking.view_*",
                "banking.change_statemententry",
                "directdebit.view_*",
                "workspace.add_task",
                "signals_in.view_*",
                "signals_in.change_melding",
                "staff_accounts.assign_queues",
                "staff_accounts.approve_exceptions",
                "staff_accounts.view_reports",
            ),
        ),
        Role(
            key="auditor",
            group_name="Privacy en audit",
            label=_("auditor / privacy officer"),
            demo_username="auditor",
            specs=(
                *(f"{app}.view_*" for app in READABLE_APPS),
                "core.view_accesslogentry",
                "core.view_auditevent",
                "staff_accounts.search_access_log",
                "staff_accounts.export_personal_data",
                "staff_accounts.view_reports",
            ),
        ),
        Role(
            key="administrator",
            group_name="Beheer",
            label=_("beheerder"),
            demo_username="applicatiebeheerder",
            all_permissions=True,
            is_staff=True,
        ),
    )
}


@dataclass
class Resolved:
    permission_ids: set[int] = field(default_factory=set)
    missing: list[str] = field(default_factory=list)


def _index() -> dict[str, dict[str, int]]:
    """app_label → codename → id, in one query."""
    index: dict[str, dict[str, int]] = {}
    rows = Permission.objects.values_list("id", "content_type__app_label", "codename")
    for pk, app_label, codename in rows:
        index.setdefault(app_label, {})[codename] = pk
    return index


def specs_resolve(
    specs: Iterable[str], *, index: dict[str, dict[str, int]] | None = None
) -> Resolved:
    index = _index() if index is None else index
    resolved = Resolved()
    for spec in specs:
        app_label, _sep, codename = spec.partition(".")
        if not codename:
            raise ValueError(f"permission spec {spec!r} must be app_label.codename")
        available = index.get(app_label, {})
        if codename.endswith("*"):
            prefix = codename[:-1]
            found = [pk for name, pk in available.items() if name.startswith(prefix)]
        else:
            found = [available[codename]] if codename in available else []
        if not found:
            resolved.missing.append(spec)
        resolved.permission_ids.update(found)
    return resolved


def role_resolve(key: str, *, index: dict[str, dict[str, int]] | None = None) -> Resolved:
    """The permission ids of one role, its included roles' permissions too."""
    index = _index() if index is None else index
    role = ROLES[key]
    if role.all_permissions:
        every = {pk for codenames in index.values() for pk in codenames.values()}
        return Resolved(permission_ids=every)
    resolved = specs_resolve(role.specs, index=index)
    for included in role.includes:
        inner = role_resolve(included, index=index)
        resolved.permission_ids |= inner.permission_ids
        resolved.missing.extend(inner.missing)
    return resolved
