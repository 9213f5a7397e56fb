"""The nudge variant comes from the bandit; showing it is a trial, acting is the reward."""

from __future__ import annotations

from django.utils import timezone

import pytest

from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_nudge_without_experiment_shows_builtin_text(client, anna):
    from vangnet.messaging.engagement.models import Assignment

    signed_in(client, anna)
    page = client.get("/portaal/overzicht/").content.decode()
    assert 'data-variant="A"' in page and "geen extra kosten" in page
    assert not Assignment.objects.exists()


def test_nudge_assignment_is_recorded_once_and_rewarded_on_action(client, org, anna):
    from vangnet.messaging.engagement.experiments import experiment_create
    from vangnet.messaging.engagement.models import Assignment
    from vangnet.portal import conf

    experiment_create(
        organisation_id=org.pk,
        kind="variant",
        arms=["A", "B"],
        now=timezone.now(),
        template_code=conf.nudge_template(),
        channel=conf.nudge_channel(),
        exploration_share=1.0,
    )
    signed_in(client, anna)
    page = client.get("/portaal/overzicht/").content.decode()
    client.get("/portaal/overzicht/")  # a reload is not a second trial
    a = Assignment.objects.get()
    assert a.case_id == anna.case.pk and f'data-variant="{a.arm}"' in page
    expected = "water gewoon aan" if a.arm == "B" else "geen extra kosten"
    assert expected in page
    assert not a.rewarded
    client.post("/portaal/melden/", {"account": anna.account.pk, "kind": "job_loss"})
    a.refresh_from_db()
    assert a.rewarded and a.reward_source == "portal"


def test_nudge_text_comes_from_the_message_template_when_present(client, anna, settings):
    from vangnet.messaging.content.services import (
        resolve_cache_clear,
        template_create,
        template_version_create,
    )

    t = template_create(code="portaal-voordeel", channel="email", variant="A")
    template_version_create(
        template=t, subject="Voordeel", text_body="Regel het vandaag, {{ given_name }}."
    )
    resolve_cache_clear()
    signed_in(client, anna)
    assert "Regel het vandaag, Anna." in client.get("/portaal/overzicht/").content.decode()
