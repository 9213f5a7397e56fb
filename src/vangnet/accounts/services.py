"""Creating the role groups and giving staff members a role."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from vangnet.accounts.roles import ROLES, _index, role_resolve
from vangnet.core.errors import Invalid
from vangnet.core.services import audit_record

logger = logging.getLogger(__name__)


@dataclass
class RolesReport:
    created: list[str] = field(default_factory=list)
    permissions: dict[str, int] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)


@transaction.atomic
def roles_ensure(*, actor: Any = None) -> RolesReport:
    """Create or update every role group so it has exactly the role's permissions.

    Idempotent: a second run changes nothing. Specs that match no permission (an app
    whose migrations are not in yet) are skipped with a warning.
    """
    index = _index()
    report = RolesReport()
    for key, role in ROLES.items():
        resolved = role_resolve(key, index=index)
        group, created = Group.objects.get_or_create(name=role.group_name)
        if created:
            report.created.append(role.group_name)
        group.permissions.set(resolved.permission_ids)
        report.permissions[key] = len(resolved.permission_ids)
        if resolved.missing:
            missing = sorted(set(resolved.missing))
            report.missing[key] = missing
            logger.warning("role %s: permissions not found, skipped: %s", key, ", ".join(missing))
    audit_record(
        action="roles.sync",
        actor=actor,
        process="" if actor else "roles sync",
        summary=f"{len(ROLES)} roles synchronised, {len(report.created)} created",
        details={"permissions": report.permissions, "missing": report.missing},
    )
    return report


@transaction.atomic
def staff_role_assign(*, user: Any, role_key: str, actor: Any = None) -> None:
    """Give a user exactly one role (removing the other role groups, keeping other groups)."""
    if role_key not in ROLES:
        raise Invalid(
            code="unknown_role", nl=f"Onbekende rol: {role_key}", en=f"Unknown role: {role_key}"
        )
    role = ROLES[role_key]
    role_groups = Group.objects.filter(name__in=[r.group_name for r in ROLES.values()])
    user.groups.remove(*role_groups.exclude(name=role.group_name))
    group, _created = Group.objects.get_or_create(name=role.group_name)
    user.groups.add(group)
    if role.is_staff and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    audit_record(
        action="staff.role_assign",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        summary=f"{user.get_username()} → {role.group_name}",
    )


@dataclass(frozen=True)
class RoleLogin:
    username: str
    password: str
    role: str  # Dutch, shown on the demo's start page


@transaction.atomic
def demo_role_users_ensure(*, password: str) -> list[RoleLogin]:
    """One demo login per role (idempotent: a re-run resets the passwords and groups)."""
    roles_ensure()
    User = get_user_model()
    logins = []
    for key, role in ROLES.items():
        user, _created = User.objects.get_or_create(username=role.demo_username)
        user.is_active = True
        user.is_staff = role.is_staff
        user.set_password(password)
        user.save()
        staff_role_assign(user=user, role_key=key)
        logins.append(RoleLogin(role.demo_username, password, str(role.label)))
    return logins
