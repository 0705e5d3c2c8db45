"""The anonymous whole-page cache (envcrime.caching): served only to anonymous visitors, per language,
invalidated by every save of what the pages show, and the sign-in form with each visitor's own CSRF token."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.urls import reverse

from envcrime.caching import CSRF_PLACEHOLDER
from tests.accounts.helpers import sign_in
from tests.factories import PASSWORD, RegistrationFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture
def visit():
    return VisitFactory(title="Lyon familiarization visit", capacity=16)


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(client, visit, django_assert_num_queries):
    first = client.get(reverse("meetings:visit_detail", args=[visit.slug]))
    with django_assert_num_queries(0):
        second = client.get(reverse("meetings:visit_detail", args=[visit.slug]))
    assert second.status_code == 200
    assert second.content == first.content
    vary = {part.strip() for part in second.headers["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary


def test_saving_what_a_page_shows_invalidates_it(client, visit):
    url = reverse("meetings:visit_detail", args=[visit.slug])
    assert "Lyon familiarization visit" in client.get(url).content.decode()
    visit.title = "Renamed visit"
    visit.save(update_fields=["title"])
    assert "Renamed visit" in client.get(url).content.decode()
    assert "Renamed visit" in client.get(reverse("meetings:visit_list")).content.decode()


def test_a_new_registration_changes_the_seats_left_shown(client, visit):
    url = reverse("meetings:visit_detail", args=[visit.slug])
    before = client.get(url).content.decode()
    RegistrationFactory(visit=visit)
    after = client.get(url).content.decode()
    assert before != after
    assert "15" in after


def test_a_signed_in_page_is_never_cached_nor_served_a_cached_one(client, visit):
    anonymous = Client()
    anonymous.get(reverse("home"))  # the anonymous page is now cached
    user = UserFactory(email="someone@example.org")
    sign_in(client, user.email)
    signed_in = client.get(reverse("home")).content.decode()
    assert "someone@example.org" in signed_in, "the signed-in visitor gets their own page"
    assert "someone@example.org" not in anonymous.get(reverse("home")).content.decode()
    assert "someone@example.org" not in Client().get(reverse("home")).content.decode()


def test_each_language_has_its_own_page(visit):
    english = Client().get(reverse("home")).content.decode()
    arabic = Client(HTTP_ACCEPT_LANGUAGE="ar").get(reverse("home")).content.decode()
    assert '<html lang="en" dir="ltr">' in english
    assert '<html lang="ar" dir="rtl">' in arabic
    assert '<html lang="ar" dir="rtl">' in Client(HTTP_ACCEPT_LANGUAGE="ar").get(reverse("home")).content.decode()


def test_a_visitor_with_a_message_is_not_served_the_cached_page(visit):
    Client().get(reverse("home"))
    client = Client()
    storage = CookieStorage(None)
    client.cookies[CookieStorage.cookie_name] = storage._encode([Message(constants.INFO, "You have signed out.")])
    assert "You have signed out." in client.get(reverse("home")).content.decode()
    assert "You have signed out." not in Client().get(reverse("home")).content.decode()


def test_the_cached_sign_in_form_carries_each_visitors_own_working_token():
    user = UserFactory(email="delegate@example.org")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(reverse("account_login"))
    second_page = second.get(reverse("account_login"))  # from the cache
    tokens = [TOKEN.search(page.content.decode()).group(1) for page in (first_page, second_page)]
    assert CSRF_PLACEHOLDER not in second_page.content.decode()
    assert tokens[0] != tokens[1]
    assert second.cookies["csrftoken"].value, "the hit sets the CSRF cookie like a rendered page"
    response = second.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": tokens[1]}
    )
    assert response.status_code == 302, "the token filled in from the cache passes the CSRF check"
    assert second.session.get("_auth_user_id") == str(user.pk)
    # A third visitor cannot use the second one's token with their own cookie.
    third = Client(enforce_csrf_checks=True)
    third.get(reverse("account_login"))
    refused = third.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": "x" * 64}
    )
    assert refused.status_code == 403


def test_the_anonymous_pages_carry_no_csrf_token(visit):
    for url in (reverse("home"), reverse("meetings:visit_list"), reverse("meetings:visit_detail", args=[visit.slug])):
        response = Client().get(url)
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert "csrftoken" not in response.cookies, url
