"""The journey editor: draft services, validation, trial run, publishing, and its pages."""

from __future__ import annotations

from django.contrib.auth.models import Permission, User
from django.urls import reverse

import pytest

from tests.workspace.conftest import PASSWORD
from vangnet.core.errors import Invalid
from vangnet.core.models import AuditEvent
from vangnet.parties.models import Organisation
from vangnet.strategy import editor
from vangnet.strategy.journeys import journey_for_sector, journey_import, steps_for
from vangnet.strategy.models import Journey, Segment

pytestmark = pytest.mark.django_db

YAML = """
code: demo
version: 1
name: Demo
sector: other
style: social
steps:
  - {day: 0, action: message, channel: email, template: nudge}
  - {day: 7, action: message, channel: letter, template: reminder}
  - {day: 14, action: call_task, channel: phone, segments: [vulnerable]}
templates:
  nudge: {written_reminder: false}
  reminder: {written_reminder: true, points_to_help: true}
"""


@pytest.fixture
def published() -> Journey:
    Segment.objects.get_or_create(code="vulnerable", defaults={"name_nl": "Kwetsbaar"})
    Segment.objects.get_or_create(code="standard", defaults={"name_nl": "Standaard"})
    journey, created = journey_import(YAML)
    assert created
    return journey


def _positions(journey: Journey) -> list[tuple[int, str]]:
    return list(journey.steps.order_by("position").values_list("position", "template"))


STEP = {"day": 3, "action": "message", "channel": "sms", "template": "nudge"}


# ---------------------------------------------------------------------------------------
# Services


def test_draft_copies_steps_and_takes_next_version(published):
    draft = editor.draft_create(journey=published)
    assert (draft.code, draft.version, draft.published) == ("demo", 2, False)
    assert _positions(draft) == _positions(published)
    assert draft.templates == published.templates
    # A second "create" returns the open draft instead of a second one.
    assert editor.draft_create(journey=published).pk == draft.pk
    assert AuditEvent.objects.filter(action="journey_draft_create").count() == 1


def test_step_edits_keep_positions_contiguous(published):
    draft = editor.draft_create(journey=published)
    added = editor.step_add(draft=draft, data=STEP)
    assert added.position == 4
    first = draft.steps.get(position=1)
    editor.step_move(draft=draft, step_id=added.pk, up=True)
    assert _positions(draft) == [(1, "nudge"), (2, "reminder"), (3, "nudge"), (4, "")]
    editor.step_delete(draft=draft, step_id=first.pk)
    assert [p for p, _ in _positions(draft)] == [1, 2, 3]
    editor.step_update(
        draft=draft,
        step_id=added.pk,
        data={**STEP, "day": 5, "segments": ["standard"], "score_bands": ["high"]},
    )
    added.refresh_from_db()
    assert (added.day_offset, added.segments, added.score_bands) == (5, ["standard"], ["high"])
    # The published version is untouched.
    assert _positions(published) == [(1, "nudge"), (2, "reminder"), (3, "")]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"action": "fly", "day": 1}, "journey_action"),
        ({"action": "message", "channel": "pigeon", "day": 1}, "journey_channel"),
        ({"action": "message"}, "journey_when"),
        ({"action": "message", "day": -1}, "journey_day"),
        ({"action": "message", "day": 1, "score_bands": ["huge"]}, "journey_band"),
    ],
)
def test_bad_step_is_rejected_and_nothing_changes(published, data, code):
    draft = editor.draft_create(journey=published)
    before = _positions(draft)
    with pytest.raises(Invalid) as err:
        editor.step_add(draft=draft, data=data)
    assert err.value.code == code
    assert _positions(draft) == before


def test_published_version_cannot_be_edited(published):
    with pytest.raises(Invalid) as err:
        editor.step_add(draft=published, data=STEP)
    assert err.value.code == "editor_published"


def test_validate_reports_unknown_segment_and_template(published):
    draft = editor.draft_create(journey=published)
    editor.step_add(draft=draft, data={**STEP, "template": "nowhere"})
    assert editor.draft_validate(draft).ok
    assert any("nowhere" in w for w in editor.draft_validate(draft).warnings)
    editor.step_add(draft=draft, data={**STEP, "segments": ["ghosts"]})
    problems = editor.draft_validate(draft)
    assert not problems.ok and "ghosts" in problems.errors[0]
    with pytest.raises(Invalid) as err:
        editor.draft_publish(draft=draft)
    assert err.value.code == "editor_invalid"
    draft.refresh_from_db()
    assert not draft.published


def test_publish_makes_next_version_and_run_ignores_drafts(published):
    draft = editor.draft_create(journey=published)
    # While a draft exists the run still picks the published version.
    assert journey_for_sector("other") == published
    with pytest.raises(Invalid) as err:
        editor.draft_publish(draft=draft)
    assert err.value.code == "editor_unchanged"
    editor.step_add(draft=draft, data=STEP)
    result = editor.draft_publish(draft=draft)
    assert (result.pk, result.version, result.published) == (draft.pk, 2, True)
    assert journey_for_sector("other") == result
    assert len(steps_for([published.pk])[published.pk]) == 3  # old version kept as it was
    assert AuditEvent.objects.filter(action="journey_publish", object_id=str(draft.pk)).exists()


def test_publish_renumbers_when_an_import_took_the_number(published):
    draft = editor.draft_create(journey=published)
    editor.step_add(draft=draft, data=STEP)
    imported, created = journey_import(YAML.replace("Demo", "Demo (gedeeld)"))
    assert created and imported.version == 3  # the importer skipped the draft's number
    result = editor.draft_publish(draft=draft)
    assert result.version == 4
    assert journey_for_sector("other") == result


def test_discard_removes_only_the_draft(published):
    draft = editor.draft_create(journey=published)
    editor.draft_discard(draft=draft)
    assert list(Journey.objects.values_list("version", "published")) == [(1, True)]
    with pytest.raises(Invalid):
        editor.draft_discard(draft=published)


def test_try_compares_published_and_draft_on_the_same_households():
    from vangnet.strategy.defaults import strategy_defaults_ensure

    strategy_defaults_ensure()
    base = journey_for_sector("drinking_water")
    draft = editor.draft_create(journey=base)
    for step in list(draft.steps.filter(action_type="call_task")):
        editor.step_delete(draft=draft, step_id=step.pk)
    result = editor.draft_try(draft=draft, households=150, days=60)
    assert (result.published_version, result.draft_version) == (base.version, draft.version)
    assert result.published["cases_opened"] == result.draft["cases_opened"]  # same households
    phone_before = result.published["contacts_per_case"].get("phone", 0)
    phone_after = result.draft["contacts_per_case"].get("phone", 0)
    assert phone_after < phone_before
    assert not Organisation.objects.filter(slug__startswith="sim-try-").exists()
    draft.refresh_from_db()
    assert not draft.published
    assert result.fingerprint == editor.draft_fingerprint(draft)


@pytest.mark.parametrize(("households", "days"), [(0, 30), (editor.TRY_MAX_HOUSEHOLDS + 1, 30)])
def test_try_refuses_oversized_samples(published, households, days):
    draft = editor.draft_create(journey=published)
    with pytest.raises(Invalid) as err:
        editor.draft_try(draft=draft, households=households, days=days)
    assert err.value.code == "editor_size"


# ---------------------------------------------------------------------------------------
# Pages


def _user(username: str, *perms: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    for spec in perms:
        app, codename = spec.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    return user


@pytest.fixture
def manager_client(client):
    client.force_login(_user("krediet", "strategy.change_journey", "strategy.view_journey"))
    return client


def test_collector_gets_403(client, published):
    client.force_login(_user("incasso", "ledger.view_account", "strategy.view_case"))
    assert client.get(reverse("workspace:journeys")).status_code == 403
    url = reverse("workspace:journey-draft", args=[published.pk])
    assert client.post(url).status_code == 403
    assert not Journey.objects.filter(published=False).exists()


def test_anonymous_is_sent_to_login(client, published):
    response = client.get(reverse("workspace:journey", args=[published.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_list_detail_and_draft_flow(manager_client, published):
    page = manager_client.get(reverse("workspace:journeys"))
    assert page.status_code == 200 and "Demo" in page.content.decode()
    detail = manager_client.get(reverse("workspace:journey", args=[published.pk])).content.decode()
    assert "Concept maken" in detail
    assert "/messaging/templates/?q=nudge" in detail  # link to the template editor
    response = manager_client.post(reverse("workspace:journey-draft", args=[published.pk]))
    draft = Journey.objects.get(published=False)
    assert response["Location"] == reverse("workspace:journey", args=[draft.pk])
    step = draft.steps.get(position=3)
    url = reverse("workspace:journey-step", args=[draft.pk, step.pk])
    assert manager_client.get(url).status_code == 200
    response = manager_client.post(
        url,
        {
            "day": "20",
            "action": "call_task",
            "channel": "phone",
            "template": "call-first",
            "segments": ["vulnerable", "standard"],
            "score_bands": ["high"],
            "guardrails": "",
        },
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.day_offset, step.segments, step.score_bands) == (
        20,
        ["vulnerable", "standard"],
        ["high"],
    )
    response = manager_client.post(reverse("workspace:journey-publish", args=[draft.pk]))
    assert response["Location"] == reverse("workspace:journeys")
    draft.refresh_from_db()
    assert draft.published and draft.version == 2


def test_bad_step_form_shows_error_and_keeps_draft(manager_client, published):
    manager_client.post(reverse("workspace:journey-draft", args=[published.pk]))
    draft = Journey.objects.get(published=False)
    response = manager_client.post(
        reverse("workspace:journey-step-add", args=[draft.pk]),
        {"action": "message", "channel": "email"},  # neither a day nor an event
    )
    assert response.status_code == 400
    assert "dag of gebeurtenis ontbreekt" in response.content.decode()
    assert draft.steps.count() == 3


def test_try_page_rejects_too_big_sample(manager_client, published):
    manager_client.post(reverse("workspace:journey-draft", args=[published.pk]))
    draft = Journey.objects.get(published=False)
    response = manager_client.post(
        reverse("workspace:journey-try", args=[draft.pk]),
        {"households": str(editor.TRY_MAX_HOUSEHOLDS + 1), "days": "30"},
        follow=True,
    )
    assert "Kies 1 tot" in response.content.decode()
    assert "trial-table" not in response.content.decode()
