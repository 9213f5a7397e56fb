"""Short links and the /r/<code> redirector, through Django's test client."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

import numpy as np
import pytest

from tests.messaging.engagement.conftest import make_case
from vangnet.core.errors import Invalid
from vangnet.messaging.engagement.experiments import (
    SendRequest,
    assignment_record,
    experiment_create,
    plan_sends,
)
from vangnet.messaging.engagement.links import (
    ALPHABET,
    LinkRequest,
    jinja_globals,
    short_url,
    shortlink_create,
    shortlinks_create,
)
from vangnet.messaging.engagement.models import Assignment, Click, ShortLink
from vangnet.messaging.engagement.useragents import classify
from vangnet.strategy.models import CaseEvent

pytestmark = pytest.mark.django_db
PAY = "http://127.0.0.1:8000/pay/abc"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)


def test_bulk_links_have_unique_url_safe_codes(organisation):
    now = timezone.now()
    codes = shortlinks_create(
        organisation_id=organisation.pk,
        requests=[LinkRequest(target_url=PAY, case_id=i, outbox_message_id=i) for i in range(300)],
        now=now,
    )
    assert len(set(codes)) == 300 == ShortLink.objects.count()
    assert all(8 <= len(c) <= 10 and set(c) <= set(ALPHABET) for c in codes)
    stored = {link.code: link for link in ShortLink.objects.all()}
    assert [stored[c].case_id for c in codes] == list(range(300))  # request order kept
    assert stored[codes[0]].expires_at == now + timedelta(days=90)
    assert stored[codes[0]].target_url == PAY
    assert short_url(codes[0]) == f"http://127.0.0.1:8000/r/{codes[0]}"
    assert jinja_globals()["short_url"](stored[codes[1]]) == f"http://127.0.0.1:8000/r/{codes[1]}"


def test_targets_are_checked(organisation, monkeypatch):
    now = timezone.now()
    with pytest.raises(Invalid) as bad:
        shortlink_create(
            organisation_id=organisation.pk, target_url="https://evil.example/x", now=now
        )
    assert bad.value.code == "shortlink_host"
    with pytest.raises(Invalid):
        shortlink_create(organisation_id=organisation.pk, target_url="javascript:alert(1)", now=now)
    monkeypatch.setenv("VANGNET_SHORT_LINK_HOSTS", "betalen.example.nl")
    ok = shortlink_create(
        organisation_id=organisation.pk, target_url="https://betalen.example.nl/x", now=now
    )
    assert ok.pk


def test_click_redirects_records_rewards_and_writes_one_event_a_day(client, organisation):
    case = make_case(organisation)
    now = timezone.now()
    experiment_create(organisation_id=organisation.pk, kind="variant", arms=["A", "B"], now=now)
    plans = plan_sends(
        organisation_id=organisation.pk,
        requests=[
            SendRequest(
                case_id=case.pk,
                channel="email",
                template_code="t",
                variants=["A", "B"],
                earliest=now - timedelta(hours=1),
            )
        ],
        now=now - timedelta(hours=1),
        rng=np.random.default_rng(0),
    )
    assignment_record(plans=plans, now=now, outbox_message_ids=[77])
    link = shortlink_create(
        organisation_id=organisation.pk,
        target_url=PAY,
        now=now,
        case_id=case.pk,
        outbox_message_id=77,
    )

    preview = client.get(f"/r/{link.code}", HTTP_USER_AGENT="WhatsApp/2.23.20.0 A")
    assert preview.status_code == 302 and preview["Location"] == PAY
    assert not Assignment.objects.get().rewarded  # a preview is not a response
    assert not CaseEvent.objects.filter(case=case).exists()

    first = client.get(f"/r/{link.code}", HTTP_USER_AGENT=IPHONE)
    second = client.get(f"/r/{link.code}", HTTP_USER_AGENT=ANDROID)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == PAY and first["Cache-Control"].startswith("max-age=0")
    clicks = list(Click.objects.order_by("pk").values_list("user_agent_family", "bot"))
    assert clicks == [("robot", True), ("Safari", False), ("Chrome", False)]
    assignment = Assignment.objects.get()
    assert assignment.rewarded and assignment.reward_source == "click"
    events = CaseEvent.objects.filter(case=case, cause="link_clicked")
    assert events.count() == 1 and events.get().text == "Klikte op de link in het bericht."


def test_unknown_or_expired_code_is_a_friendly_dutch_404(client, organisation):
    now = timezone.now()
    old = shortlink_create(
        organisation_id=organisation.pk,
        target_url=PAY,
        now=now - timedelta(days=100),
        expires_at=now - timedelta(days=10),
    )
    for code in ("doesnotexist", old.code, "x" * 40):
        response = client.get(f"/r/{code}")
        assert response.status_code == 404
        text = response.content.decode()
        assert "Deze link werkt niet" in text and "geldfit.nl" in text
        assert organisation.name not in text  # creditor-neutral
    assert not Click.objects.exists()
    assert client.post(f"/r/{old.code}").status_code == 405


def test_head_request_is_a_preview(client, organisation):
    link = shortlink_create(organisation_id=organisation.pk, target_url=PAY, now=timezone.now())
    assert client.head(f"/r/{link.code}", HTTP_USER_AGENT=IPHONE).status_code == 302
    assert Click.objects.get().bot


@pytest.mark.parametrize(
    ("ua", "family", "bot"),
    [
        (IPHONE, "Safari", False),
        (ANDROID, "Chrome", False),
        (
            "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/124.0 Safari/537.36 Edg/124.0",
            "Edge",
            False,
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Firefox",
            False,
        ),
        (
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "robot",
            True,
        ),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "robot", True),
        ("TelegramBot (like TwitterBot)", "robot", True),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0)"
            " Chrome/116 Safari/537.36",
            "Chrome",
            True,
        ),
        ("curl/8.5.0", "robot", True),
        ("", "onbekend", False),
    ],
)
def test_user_agent_family_and_previews(ua, family, bot):
    assert classify(ua) == (family, bot)


def test_codes_look_random():
    from vangnet.messaging.engagement.links import new_code

    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000 and all(re.fullmatch(r"[A-Za-z2-9]{9}", c) for c in codes)


def test_a_code_clash_is_drawn_again(organisation, monkeypatch):
    from vangnet.messaging.engagement import links

    now = timezone.now()
    taken = shortlink_create(organisation_id=organisation.pk, target_url=PAY, now=now).code
    real = links._fresh_codes
    draws = iter([[taken, "Abcdefgh2"]])
    monkeypatch.setattr(links, "_fresh_codes", lambda n: next(draws, None) or real(n))
    codes = shortlinks_create(
        organisation_id=organisation.pk,
        requests=[LinkRequest(target_url=PAY), LinkRequest(target_url=PAY)],
        now=now,
    )
    assert taken not in codes and "Abcdefgh2" not in codes
    assert ShortLink.objects.count() == 3
