"""The staff experiments page and the admin results."""

from __future__ import annotations

from django.contrib.auth.models import Permission, User
from django.utils import timezone

import pytest

from vangnet.messaging.engagement.experiments import experiment_create
from vangnet.messaging.engagement.models import ArmStat

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = User.objects.create_user("analist", password="pw-123-abc")
    user.user_permissions.add(Permission.objects.get(codename="view_experiment"))
    client.force_login(user)
    return user


def test_login_and_permission_required(client):
    assert client.get("/r/experiments/").status_code == 302
    user = User.objects.create_user("zonder", password="pw-123-abc")
    client.force_login(user)
    assert client.get("/r/experiments/").status_code == 403


def test_empty_state(client, staff):
    response = client.get("/r/experiments/")
    assert response.status_code == 200
    assert "Er zijn nog geen experimenten" in response.content.decode()


def test_results_table_shows_intervals_and_chance_of_being_best(client, staff, organisation):
    exp = experiment_create(
        organisation_id=organisation.pk,
        kind="variant",
        arms=["A", "B"],
        now=timezone.now(),
        name="Herinnering kort of lang",
    )
    ArmStat.objects.filter(experiment=exp, arm="A").update(successes=20, trials=400)
    ArmStat.objects.filter(experiment=exp, arm="B").update(successes=60, trials=400)
    text = client.get("/r/experiments/").content.decode()
    assert "Herinnering kort of lang" in text
    assert 'data-arm="B"' in text and "95%-interval" in text
    # B is almost surely better: its chance of being best is shown near 100 %.
    best_b = text.split('data-arm="B"')[1].split("data-p-best=")[1][1:6]
    assert float(best_b.replace(",", ".")) > 0.99


def test_admin_change_page_shows_results(client, organisation):
    admin = User.objects.create_superuser("beheer", "b@example.nl", "pw-123-abc")
    client.force_login(admin)
    exp = experiment_create(
        organisation_id=organisation.pk, kind="send_hour", arms=["8", "18"], now=timezone.now()
    )
    ArmStat.objects.filter(experiment=exp, arm="18").update(successes=5, trials=50)
    response = client.get(f"/admin/messaging_engagement/experiment/{exp.pk}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kans de beste te zijn" in text
    assert "0.115" in text  # posterior mean (1 + 5) / (2 + 50)
    assert client.get("/admin/messaging_engagement/experiment/").status_code == 200
