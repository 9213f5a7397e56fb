"""The staff list of links and the ``vangnet paylink`` command."""

from __future__ import annotations

import io

from django.contrib.auth.models import Permission, User
from django.core.management import call_command

import pytest

from tests.payments.conftest import account_with_case
from vangnet.payments.constants import LinkStatus
from vangnet.payments.models import PaymentLink
from vangnet.payments.services import paymentlink_create
from vangnet.payments.views import STAFF_PAGE_SIZE


@pytest.fixture
def staff(db) -> User:
    user = User.objects.create_user("medewerker", password="x")
    user.user_permissions.add(Permission.objects.get(codename="view_paymentlink"))
    return user


def test_login_and_permission_required(client, db):
    assert client.get("/pay/links/").status_code == 302
    User.objects.create_user("zonderrecht", password="x")
    client.login(username="zonderrecht", password="x")
    assert client.get("/pay/links/").status_code == 403


def test_empty_state(client, staff, org):
    client.force_login(staff)
    assert "Geen betaallinks" in client.get("/pay/links/").content.decode()


def test_filter_and_pagination(client, staff, org):
    account = account_with_case(org)
    for _ in range(STAFF_PAGE_SIZE + 1):
        paymentlink_create(account=account, amount_cents=1000)
    paid = paymentlink_create(account=account, amount_cents=777)
    PaymentLink.objects.filter(pk=paid.pk).update(status=LinkStatus.PAID)
    client.force_login(staff)
    first = client.get("/pay/links/").content.decode()
    assert f"{STAFF_PAGE_SIZE + 2} betaallinks" in first and 'rel="next"' in first
    filtered = client.get("/pay/links/", {"status": "paid"}).content.decode()
    assert "1 betaallink" in filtered and "€ 7,77" in filtered
    assert client.get("/pay/links/", {"status": "bogus", "page": "99"}).status_code == 200


def test_paylink_command_prints_a_working_link(client, org, account):
    out = io.StringIO()
    call_command("paylink", account.customer.number, stdout=out)
    number, open_text, url = out.getvalue().strip().split("\t")
    assert (number, open_text) == (account.number, "€ 50,00")
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200 and "€ 50,00" in response.content.decode()

    out = io.StringIO()
    call_command("paylink", account.customer.number, "--amount", "12,50", stdout=out)
    assert "/pay/l/" in out.getvalue()
    assert PaymentLink.objects.filter(amount_cents=1250).exists()


def test_paylink_command_unknown_customer(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no customer"):
        call_command("paylink", "nope")
