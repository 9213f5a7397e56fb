"""``{% account_plans account %}`` and ``{% account_costs account %}`` for the account page.

Inclusion tags, so the workspace account page needs one line each and no view change.
"""

from __future__ import annotations

from typing import Any

from django import template

from vangnet.arrangements import selectors

register = template.Library()


@register.inclusion_tag("arrangements/_account_plans.html", takes_context=True)
def account_plans(context: dict[str, Any], account: Any) -> dict[str, Any]:
    return {
        "plans": selectors.plans_for_account(account_id=account.pk),
        "request": context.get("request"),
    }


@register.inclusion_tag("arrangements/_account_costs.html", takes_context=True)
def account_costs(context: dict[str, Any], account: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "charges": selectors.charges_for_account(account_id=account.pk),
        "can_waive": bool(user and user.has_perm("arrangements.change_chargedcost")),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
