"""The gain of acting now, worded by message templates the bandit can A/B test.

The overview shows one short text. Which variant a person sees is chosen by the
engagement app's bandit (``plan_sends`` over the variants ``A``/``B`` of the template
``VANGNET_PORTAL_NUDGE_TEMPLATE`` on channel ``VANGNET_PORTAL_NUDGE_CHANNEL``); the
showing is recorded as an assignment once per session, and an action in the portal
(pay, plan, mandate, call back, help, report) rewards it through
``reward_credit(source="portal", case_ids=…)``. Without templates a built-in Dutch text
per variant is shown; without the engagement app, variant A and nothing recorded.

Every text must be true for the person: costs are only named when the creditor's plan
policy waives them in a plan, and "water keeps running" only for drinking water.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from vangnet.portal import conf
from vangnet.portal.constants import NUDGE_VARIANTS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Nudge:
    variant: str
    text: str
    recorded: bool


def _builtin(variant: str, *, sector: str, waive_costs: bool) -> str:
    if variant == "B":
        if sector == "drinking_water":
            return "Met een betalingsregeling blijft uw water gewoon aan. Regel het vandaag."
        return "Met een betalingsregeling krijgt u geen herinneringen meer. Regel het vandaag."
    if waive_costs:
        return "Betaal nu of maak vandaag een regeling. Dan komen er geen extra kosten bij."
    return "Betaal nu wat u kunt, of maak vandaag een regeling. Zo lost u het snel op."


def _render(case: Any, variant: str, fallback: str) -> str:
    try:
        from vangnet.messaging.content.context import context_for_case
        from vangnet.messaging.content.services import TemplateMissing, message_render
    except ImportError:  # pragma: no cover
        return fallback
    try:
        context = context_for_case(case=case, channel=conf.nudge_channel(), now=timezone.now())
        rendered = message_render(
            template_code=conf.nudge_template(),
            channel=conf.nudge_channel(),
            segment=case.segment or "",
            variant=variant,
            context=context,
        )
    except TemplateMissing:
        return fallback
    except Exception:  # a broken staff template must not break the overview
        logger.exception("portal nudge template failed; built-in text shown")
        return fallback
    return rendered.text.strip() or fallback


def nudge_for(*, case: Any, record: bool, now: datetime | None = None) -> Nudge:
    """The nudge for this case; ``record`` stores the showing as a bandit assignment."""
    now = now or timezone.now()
    variant, recorded = NUDGE_VARIANTS[0], False
    try:
        from vangnet.messaging.engagement.experiments import (
            SendRequest,
            assignment_record,
            plan_sends,
        )

        plans = plan_sends(
            organisation_id=case.organisation_id,
            requests=[
                SendRequest(
                    case_id=case.pk,
                    person_id=None,
                    segment=case.segment or "",
                    channel=conf.nudge_channel(),
                    template_code=conf.nudge_template(),
                    variants=list(NUDGE_VARIANTS),
                    earliest=now,
                )
            ],
            now=now,
        )
        variant = plans[0].variant or variant
        if record and plans[0].arms:
            recorded = assignment_record(plans=plans, now=now) > 0
    except ImportError:
        logger.info("engagement app not available: nudge variant A, nothing recorded")
    except Exception:
        logger.exception("portal nudge: bandit failed; variant A shown")
    try:
        from vangnet.arrangements.policy import plan_policy_for

        waive = bool(plan_policy_for(case.organisation_id).waive_costs_in_plan)
    except Exception:  # pragma: no cover
        waive = False
    sector = getattr(case.organisation, "sector", "")
    fallback = _builtin(variant, sector=sector, waive_costs=waive)
    return Nudge(variant, _render(case, variant, fallback), recorded)


def reward(*, case_ids: list[int], at: datetime) -> int:
    """Credit the case's recent assignments (messages and portal nudges) with a response."""
    if not case_ids:
        return 0
    try:
        from vangnet.messaging.engagement.experiments import reward_credit
    except ImportError:
        return 0
    try:
        return reward_credit(at=at, source="portal", case_ids=case_ids)
    except Exception:
        logger.exception("portal reward failed")
        return 0
