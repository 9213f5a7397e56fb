"""The role map: groups are created idempotently; missing permissions are skipped."""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

import pytest

from vangnet.accounts import roles as roles_module
from vangnet.accounts.roles import ROLES, specs_resolve
from vangnet.accounts.services import demo_role_users_ensure, roles_ensure
from vangnet.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_every_role_becomes_a_group_with_permissions(roles):
    assert set(roles.created) == {role.group_name for role in ROLES.values()}
    for key, role in ROLES.items():
        group = Group.objects.get(name=role.group_name)
        assert group.permissions.count() == roles.permissions[key] > 0


def test_sync_is_idempotent():
    first = roles_ensure()
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    second = roles_ensure()
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert second.created == [] and first.created
    assert before == after
    assert AuditEvent.objects.filter(action="roles.sync").count() == 2


def test_sync_resets_a_hand_edited_group(roles):
    group = Group.objects.get(name=ROLES["field_worker"].group_name)
    group.permissions.add(Permission.objects.get(codename="purge_data"))
    roles_ensure()
    assert not group.permissions.filter(codename="purge_data").exists()


def test_missing_permissions_are_skipped_with_a_warning(monkeypatch, caplog):
    role = ROLES["field_worker"]
    patched = roles_module.Role(
        key=role.key,
        group_name=role.group_name,
        label=role.label,
        specs=(*role.specs, "notyetanapp.view_thing", "workspace.frobnicate_task"),
    )
    monkeypatch.setitem(ROLES, "field_worker", patched)
    with caplog.at_level(logging.WARNING):
        report = roles_ensure()
    assert report.missing["field_worker"] == ["notyetanapp.view_thing", "workspace.frobnicate_task"]
    assert "notyetanapp.view_thing" in caplog.text
    # The rest of the role is still granted.
    group = Group.objects.get(name=role.group_name)
    assert group.permissions.filter(codename="change_task").exists()


def test_spec_wildcards_and_bad_specs():
    resolved = specs_resolve(["ledger.view_*"])
    codenames = set(
        Permission.objects.filter(pk__in=resolved.permission_ids).values_list("codename", flat=True)
    )
    assert codenames == {
        "view_account",
        "view_customer",
        "view_invoice",
        "view_payment",
        "view_allocation",
    }
    with pytest.raises(ValueError):
        specs_resolve(["no-dot"])


def test_auditor_is_read_only():
    roles_ensure()
    perms = Group.objects.get(name=ROLES["auditor"].group_name).permissions
    codenames = set(perms.values_list("codename", flat=True))
    writes = {c for c in codenames if c.split("_")[0] in {"add", "change", "delete"}}
    assert writes == set()
    assert {"search_access_log", "export_personal_data"} <= codenames
    assert "purge_data" not in codenames


def test_administrator_has_every_permission(roles):
    group = Group.objects.get(name=ROLES["administrator"].group_name)
    assert group.permissions.count() == Permission.objects.count()


def test_demo_role_users_one_per_role():
    logins = demo_role_users_ensure(password="demo-wachtwoord-1")
    assert len(logins) == len(ROLES)
    again = demo_role_users_ensure(password="demo-wachtwoord-1")
    assert [x.username for x in again] == [x.username for x in logins]
    from django.contrib.auth.models import User

    for role in ROLES.values():
        user = User.objects.get(username=role.demo_username)
        assert list(user.groups.values_list("name", flat=True)) == [role.group_name]
        assert user.check_password("demo-wachtwoord-1")
        assert user.is_staff == role.is_staff


def test_roles_command(capsys):
    call_command("roles", "sync")
    out = capsys.readouterr().out
    assert "Teamleiding" in out
    assert Group.objects.filter(name="Teamleiding").exists()
