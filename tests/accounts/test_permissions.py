"""Per role: the pages it must reach (200) and the ones it must not (403).

Table-driven over the real URL names; a role's permissions come from ``roles_ensure``,
so this checks the role map against the permission each view actually demands.
"""

from __future__ import annotations

from django.urls import reverse

import pytest

from tests.accounts.conftest import make_role_user

PAGES = {
    "overview": ("workspace:overview", {}),
    "arrears": ("workspace:arrears", {}),
    "account": ("workspace:account", "ACCOUNT"),
    "tasks": ("workspace:tasks", {}),
    "outbox": ("messaging:outbox", {}),
    "templates": ("messaging_content:list", {}),
    "approvals": ("arrangements:approvals", {}),
    "unmatched": ("banking:unmatched", {}),
    "mandates": ("directdebit:mandates", {}),
    "paylinks": ("payments:links", {}),
    "access_log": ("privacy:access-log", {}),
    "export": ("privacy:export", {}),
    "admin": ("admin:index", {}),
}

ALLOWED = {
    "credit_manager": {"overview", "arrears", "account", "outbox", "templates"},
    "collector": {"overview", "arrears", "account", "tasks", "outbox", "mandates", "paylinks"},
    "field_worker": {"overview", "arrears", "account", "tasks"},
    "team_lead": {
        "overview",
        "arrears",
        "account",
        "tasks",
        "outbox",
        "mandates",
        "paylinks",
        "approvals",
        "unmatched",
    },
    "auditor": {
        "overview",
        "arrears",
        "account",
        "outbox",
        "mandates",
        "paylinks",
        "access_log",
        "export",
    },
    "administrator": set(PAGES),
}


@pytest.mark.parametrize("role", list(ALLOWED))
def test_role_reaches_only_its_pages(client, roles, ledger, role):
    """One test per role; every page is checked and all mismatches reported together."""
    client.force_login(make_role_user(f"u-{role}", role))
    wrong = []
    for page, (name, kwargs) in PAGES.items():
        if kwargs == "ACCOUNT":
            kwargs = {"pk": ledger.jansen.pk}
        response = client.get(reverse(name, kwargs=kwargs))
        if page in ALLOWED[role]:
            expected = 200
        elif page == "admin":
            # The admin sends non-staff users to its own login page instead of a 403.
            expected = 302
            assert response.status_code != 302 or reverse("admin:login") in response["Location"]
        else:
            expected = 403
        if response.status_code != expected:
            wrong.append(f"{page}: {response.status_code}, expected {expected}")
    assert wrong == []
