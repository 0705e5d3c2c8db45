import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url_name", ["home", "account_login", "account_signup", "account_reset_password"])
def test_pages_carry_a_strict_content_security_policy(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"], "no inline scripts, no CDN"
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "data:" in csp["img-src"], "allauth's TOTP QR code is a data: image"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_admin_and_the_mfa_pages_carry_the_policy_too(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for url in (reverse("admin:index"), reverse("mfa_index"), reverse("usersessions_list")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers, url


def test_pages_use_no_inline_script_and_no_external_resource(client):
    html = client.get(reverse("account_login")).content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == []


def test_layout_is_accessible(client):
    html = client.get(reverse("home")).content.decode()

    assert '<html lang="en" dir="ltr">' in html
    assert 'href="#main"' in html and 'id="main"' in html, "skip link to the main landmark"
    for landmark in ("<header>", "<main ", "<footer ", "<nav "):
        assert landmark in html
    assert "bootstrap.min.css" in html


def test_switching_to_arabic_gives_a_right_to_left_page(client):
    response = client.post(reverse("set_language"), {"language": "ar", "next": reverse("account_login")})
    assert response.status_code == 302

    html = client.get(reverse("account_login")).content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    assert "bootstrap.min.css" not in html


def test_the_language_switcher_offers_the_four_languages(client):
    html = client.get(reverse("home")).content.decode()

    offered = re.findall(r'name="language" value="(\w+)"', html)
    assert offered == ["en", "fr", "es", "ar"]


def test_unknown_page_is_the_portals_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'id="main"' in html, "extends the portal layout"


def test_500_page_renders_without_a_request_context_and_without_queries(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert 'id="main"' in html
    assert "csrfmiddlewaretoken" not in html, "no form that could only fail without a request"


def test_health_check_answers_without_a_session(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response.headers["Cache-Control"]
    assert client.post(reverse("healthz")).status_code == 405
