"""Magic links, fallback sign-in, one-time codes, rate limits, session timeout, IDOR, CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

import pytest

from tests.portal.conftest import path_of, signed_in
from vangnet.portal import conf
from vangnet.portal.access import LOCKED_NL, WRONG_NL
from vangnet.portal.constants import SESSION_SEEN
from vangnet.portal.models import PortalAttempt, PortalCode, PortalToken
from vangnet.portal.tokens import (
    SALT,
    portal_link_create,
    portal_link_revoke,
    portal_links_revoke_all,
)
from vangnet.strategy.models import CaseEvent

pytestmark = pytest.mark.django_db


def _token(url: str) -> str:
    return path_of(url).strip("/").split("/", 1)[1]


# -- magic links ------------------------------------------------------------------------


def test_magic_link_opens_the_overview_with_own_data_only(client, anna, bert):
    url = portal_link_create(customer=anna.customer)
    response = client.get(path_of(url))
    assert response.status_code == 302 and response["Location"].endswith("/portaal/overzicht/")
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get("/portaal/overzicht/").content.decode()
    assert "Hallo Anna de Vries" in page and anna.invoice_number in page
    assert "€ 120,00" in page
    assert bert.invoice_number not in page and "Bakker" not in page and "345,00" not in page
    visit = CaseEvent.objects.get(case=anna.case, cause="portal_visit")
    assert visit.kind == "contact"
    assert not CaseEvent.objects.filter(case=bert.case).exists()


def test_expired_and_revoked_links_fail(client, anna):
    url = portal_link_create(customer=anna.customer)
    PortalToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(path_of(url)).status_code == 410
    url2 = portal_link_create(customer=anna.customer)
    jti = PortalToken.objects.order_by("-pk").first().jti
    assert portal_link_revoke(jti=jti)
    response = client.get(path_of(url2))
    assert response.status_code == 404 and "Deze link werkt niet" in response.content.decode()
    assert client.get("/portaal/overzicht/").status_code == 302  # not signed in


def test_revoking_a_link_ends_the_session_it_opened(client, anna):
    url = portal_link_create(customer=anna.customer)
    client.get(path_of(url))
    assert client.get("/portaal/overzicht/").status_code == 200
    portal_link_revoke(jti=PortalToken.objects.get().jti)
    response = client.get("/portaal/overzicht/")
    assert response.status_code == 302 and "reden=revoked" in response["Location"]


def test_tampered_and_foreign_tokens_fail(client, anna, bert):
    token = _token(portal_link_create(customer=anna.customer))
    assert client.get(f"/portaal/{token[:-2]}xx/").status_code == 404
    # A pay-link token (other salt) for the same id does not open the portal.
    pay = signing.dumps(anna.customer.pk, salt="vangnet.paylink")
    assert client.get(f"/portaal/{pay}/").status_code == 404
    # The signature covers the jti: pointing it at another customer breaks it.
    jti = PortalToken.objects.get().jti
    forged = signing.dumps({"c": bert.customer.pk, "j": jti}, salt=SALT)
    assert client.get(f"/portaal/{forged}/").status_code == 404


def test_legacy_template_form_works_while_young_and_can_be_revoked(client, settings, anna):
    legacy = signing.dumps(anna.customer.pk, salt=SALT)
    assert client.get(f"/portaal/{legacy}/").status_code == 302
    settings.VANGNET_PORTAL_LINK_DAYS = 0  # every signed value is now too old
    assert Client().get(f"/portaal/{legacy}/").status_code == 410
    settings.VANGNET_PORTAL_LINK_DAYS = 30
    portal_links_revoke_all(customer=anna.customer)
    assert Client().get(f"/portaal/{legacy}/").status_code == 404


def test_untimed_signer_links_only_when_allowed(client, settings, anna):
    # Links of the first message library were signed without a timestamp.
    from django.core import signing

    untimed = signing.Signer(salt="vangnet.portal").sign(str(anna.customer.pk))
    assert client.get(f"/portaal/{untimed}/").status_code == 404
    settings.VANGNET_PORTAL_ACCEPT_UNTIMED_LINKS = True
    assert client.get(f"/portaal/{untimed}/").status_code == 302


def test_links_in_messages_open_the_portal(client, anna):
    from vangnet.messaging.content.links import portal_url

    assert client.get(path_of(portal_url(anna.customer.pk))).status_code == 302


def test_portal_link_command_prints_a_working_link(anna, capsys):
    call_command("portal-link", "K1001", "--days", "3")
    url = capsys.readouterr().out.strip()
    assert url.startswith(conf.base_url() + "/portaal/")
    row = PortalToken.objects.get()
    assert row.purpose == "command" and (row.expires_at - timezone.now()).days in (2, 3)
    assert Client().get(path_of(url)).status_code == 302


# -- IDOR -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,data",
    [
        ("/portaal/betalen/", {"amount": "10"}),
        ("/portaal/regeling/", {"months": "3"}),
        (
            "/portaal/incasso/",
            {
                "iban": "NL91ABNA0417164300",
                "holder_name": "X",
                "collection_day": "1",
                "agreed": "on",
            },
        ),
        ("/portaal/melden/", {"kind": "dispute", "text": "Niet mijn rekening"}),
    ],
)
def test_someone_elses_account_is_never_used(client, anna, bert, url, data):
    from vangnet.strategy.models import Hold
    from vangnet.workspace.models import Task

    signed_in(client, anna)
    assert client.get(f"{url}?contract={bert.account.pk}").status_code == 404
    response = client.post(url, {**data, "account": bert.account.pk})
    assert response.status_code == 404
    assert not Hold.objects.exists() and not Task.objects.exists()
    assert not CaseEvent.objects.filter(case=bert.case).exists()


# -- fallback sign-in and rate limits --------------------------------------------------


def _signin(client, number="K1001", postcode="3511ab", dob="17-05-1980", **extra):
    return client.post(
        "/portaal/", {"number": number, "postcode": postcode, "date_of_birth": dob}, **extra
    )


def test_signin_with_number_postcode_and_birth_date(client, anna):
    response = _signin(client)
    assert response.status_code == 302
    assert "Anna" in client.get("/portaal/overzicht/").content.decode()


def test_unknown_number_gets_the_same_answer_as_a_wrong_birth_date(client, anna):
    wrong_dob = _signin(client, dob="18-05-1980").content.decode()
    unknown = _signin(Client(), number="K9999", dob="18-05-1980").content.decode()
    assert WRONG_NL in wrong_dob and WRONG_NL in unknown

    def body(html: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert body(wrong_dob).replace("K1001", "N") == body(unknown).replace("K9999", "N")


def test_brute_force_on_a_number_is_locked_out(client, anna):
    limit = conf.failures_per_number()
    for i in range(limit):
        _signin(Client(REMOTE_ADDR=f"10.0.0.{i}"), dob=f"0{i + 1}-01-1990")
    # Now even the right answer, from a fresh address, is refused for a while.
    response = _signin(Client(REMOTE_ADDR="10.0.1.1"))
    assert response.status_code == 429
    assert LOCKED_NL.format(minutes=conf.lock_minutes()) in response.content.decode()
    # An unknown number is locked the same way (no enumeration through the lock).
    for _i in range(limit):
        _signin(Client(REMOTE_ADDR="10.0.2.1"), number="K0000")
    assert _signin(Client(REMOTE_ADDR="10.0.3.1"), number="K0000").status_code == 429
    # After the window the right answer works again.
    PortalAttempt.objects.update(at=timezone.now() - timedelta(minutes=conf.lock_minutes() + 1))
    assert _signin(Client(REMOTE_ADDR="10.0.1.1")).status_code == 302


def test_one_address_trying_many_numbers_is_locked_out(client, settings, anna):
    settings.VANGNET_PORTAL_FAILURES_PER_IP = 4
    for i in range(4):
        _signin(client, number=f"X{i}")
    assert _signin(client).status_code == 429


def test_one_time_code_by_email_through_the_outbox(client, anna):
    from vangnet.messaging.models import OutboxMessage

    response = client.post("/portaal/code/", {"number": "K1001", "channel": "email"})
    assert response.status_code == 302
    msg = OutboxMessage.objects.get()
    assert msg.recipient == "k1001@example.nl" and msg.channel == "email"
    code = re.search(r"\b(\d{6})\b", msg.text).group(1)
    assert code not in PortalCode.objects.get().code_hash
    assert (
        client.post(
            "/portaal/code/invullen/", {"code": "000000" if code != "000000" else "111111"}
        ).status_code
        == 200
    )
    assert client.post("/portaal/code/invullen/", {"code": code}).status_code == 302
    assert "Anna" in client.get("/portaal/overzicht/").content.decode()
    # A code works once.
    other = Client()
    other.post("/portaal/code/", {"number": "K1001", "channel": "email"})
    assert other.post("/portaal/code/invullen/", {"code": code}).status_code == 200


def test_code_for_unknown_number_looks_the_same_and_sends_nothing(client, anna):
    from vangnet.messaging.models import OutboxMessage

    response = client.post("/portaal/code/", {"number": "K404", "channel": "sms"}, follow=True)
    assert "Als dit klantnummer bij ons bekend is" in response.content.decode()
    assert not OutboxMessage.objects.exists()


# -- session ----------------------------------------------------------------------------


def test_idle_session_times_out(client, anna):
    signed_in(client, anna)
    session = client.session
    session[SESSION_SEEN] = (
        timezone.now() - timedelta(minutes=conf.idle_minutes() + 1)
    ).timestamp()
    session.save()
    response = client.get("/portaal/overzicht/")
    assert response.status_code == 302 and "reden=idle" in response["Location"]
    assert "niet actief" in client.get(response["Location"]).content.decode()


def test_logout(client, anna):
    signed_in(client, anna)
    assert client.post("/portaal/uitloggen/").status_code == 200
    assert client.get("/portaal/overzicht/").status_code == 302


# -- CSRF -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/portaal/",
        "/portaal/code/",
        "/portaal/uitloggen/",
        "/portaal/betalen/",
        "/portaal/regeling/",
        "/portaal/incasso/",
        "/portaal/voorkeuren/",
        "/portaal/terugbellen/",
        "/portaal/hulp/",
        "/portaal/melden/",
    ],
)
def test_every_form_refuses_a_post_without_csrf_token(anna, url):
    client = Client(enforce_csrf_checks=True)
    signed_in(client, anna)
    assert client.post(url, {"number": "K1001"}).status_code == 403
