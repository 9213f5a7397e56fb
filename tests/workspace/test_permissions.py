"""Every staff page needs a login and the ``ledger.view_account`` permission."""

from __future__ import annotations

from django.urls import reverse

import pytest

from tests.workspace.conftest import make_user

PAGES = [
    ("workspace:overview", {}),
    ("workspace:arrears", {}),
    ("workspace:account", {"pk": 1}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_is_sent_to_login(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_logged_in_without_permission_gets_403(client, name, kwargs):
    client.force_login(make_user("zonder-recht", can_view=False))
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 403


def test_with_permission_the_account_page_opens(staff_client, ledger):
    response = staff_client.get(reverse("workspace:account", kwargs={"pk": ledger.jansen.pk}))
    assert response.status_code == 200


def test_superuser_passes_without_explicit_permission(client, ledger):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("beheerder", password="x-9-long-enough"))
    assert client.get(reverse("workspace:arrears")).status_code == 200


def test_account_of_another_organisation_is_not_found(staff_client, ledger):
    from tests.workspace.conftest import add_account
    from vangnet.core.models import AccessLogEntry
    from vangnet.parties.models import Organisation

    other = Organisation.objects.create(name="Andere BV", slug="andere")
    foreign = add_account(other, number="9001", surname="Elders", postcode="1111 AA", city="Ede")
    response = staff_client.get(reverse("workspace:account", kwargs={"pk": foreign.pk}))
    assert response.status_code == 404
    assert not AccessLogEntry.objects.exists()
