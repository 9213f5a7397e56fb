"""The pay link the message templates put in every e-mail and SMS opens the pay page."""

from __future__ import annotations

from urllib.parse import urlsplit

from vangnet.messaging.content.links import pay_url


def test_template_pay_link_opens_the_pay_page(client, account):
    response = client.get(urlsplit(pay_url(account.pk)).path)
    assert response.status_code == 200


def test_tampered_template_pay_link_is_a_friendly_404(client, account):
    path = urlsplit(pay_url(account.pk)).path
    response = client.get(path[:-3] + "xx/")
    assert response.status_code == 404
