"""The base template and login page: language, navigation, logout, accessibility hooks."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

import pytest

from tests.workspace.conftest import PASSWORD, make_user
from vangnet.workspace.templatetags.money import euro


@pytest.mark.django_db
def test_login_page_is_dutch_by_default(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="nl">' in html
    assert "Gebruikersnaam" in html  # Django's own translation of the form label
    assert 'class="skip-link" href="#main"' in html
    assert 'id="main"' in html


@pytest.mark.django_db
def test_login_page_in_english_from_accept_language(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Username" in html
    assert "Gebruikersnaam" not in html


@pytest.mark.django_db
def test_login_page_in_english_from_language_cookie(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<html lang="en">' in html
    assert "Username" in html


@pytest.mark.django_db
def test_language_switch_posts_to_set_language(client, settings):
    html = client.get(reverse("login")).content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert 'name="language" value="en" lang="en"' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Username" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_wrong_password_shows_an_error(client):
    make_user("medewerker")
    response = client.post(reverse("login"), {"username": "medewerker", "password": "fout"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_login_then_overview(client):
    make_user("medewerker")
    response = client.post(
        reverse("login"), {"username": "medewerker", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("workspace:overview")


def test_navigation_and_post_logout(staff_client):
    html = staff_client.get(reverse("workspace:overview")).content.decode()
    assert 'aria-label="Hoofdmenu"' in html
    assert f'<a href="{reverse("workspace:overview")}" aria-current="page">Overzicht</a>' in html
    assert f'href="{reverse("workspace:arrears")}"' in html
    assert f'action="{reverse("logout")}" method="post"' in html
    assert "Beheer" not in html  # not a staff member
    try:
        imports_url = reverse("imports:upload")
    except NoReverseMatch:
        assert "Importeren" not in html
    else:
        assert f'href="{imports_url}"' in html


def test_admin_link_for_staff(client, db):
    client.force_login(make_user("beheer", is_staff=True))
    html = client.get(reverse("workspace:overview")).content.decode()
    assert f'href="{reverse("admin:index")}"' in html


def test_logout_is_a_post(staff_client):
    response = staff_client.post(reverse("logout"))
    assert response.status_code == 302
    assert staff_client.get(reverse("workspace:overview")).status_code == 302


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "€ 0,00"), (123456, "€ 1.234,56"), (-5, "-€ 0,05"), (None, ""), ("", "")],
)
def test_euro_filter(cents, text):
    assert euro(cents) == text
