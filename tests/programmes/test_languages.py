"""The language switcher, the account's saved language and where it applies."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model, load_backend
from django.core import mail
from django.test import Client
from django.urls import reverse

from programmes.languages import normalise_language, user_language, user_language_set
from programmes.models import Contact, UserPreferences
from tests.factories import PASSWORD, DelegateFactory, StaffFactory, make_liaison

pytestmark = pytest.mark.django_db


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def switch(client, language, next_url="/", **extra):
    return client.post(reverse("set_language"), {"language": language, "next": next_url}, **extra)


def token_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def html_lang(response) -> str:
    return re.search(r'<html lang="([\w-]+)"', response.content.decode()).group(1)


def test_an_anonymous_visitor_switches_without_a_csrf_token_and_gets_a_cookie_only():
    client = csrf_client()
    response = switch(client, "fr", reverse("meetings:visit_list"))

    assert response.status_code == 302 and response["Location"] == reverse("meetings:visit_list")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert html_lang(client.get(reverse("home"))) == "fr"
    assert not UserPreferences.objects.exists()


def test_anonymous_pages_carry_no_csrf_token_from_the_switcher(client):
    html = client.get(reverse("meetings:visit_list")).content.decode()

    assert 'name="language" value="ar"' in html
    assert "csrfmiddlewaretoken" not in html


def test_a_signed_in_user_needs_the_csrf_token_and_the_choice_is_saved_on_the_account():
    user = DelegateFactory()
    client = csrf_client()
    client.force_login(user)

    assert switch(client, "es").status_code == 403
    assert not UserPreferences.objects.filter(user=user).exists()

    token = token_of(client.get(reverse("home")).content.decode())
    response = switch(client, "es", reverse("meetings:my_registrations"), HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 302
    assert UserPreferences.objects.get(user=user).language == "es"


def test_a_liaisons_contact_follows_the_accounts_language(client):
    user, contact = make_liaison("MA")
    client.force_login(user)

    switch(client, "ar")

    contact.refresh_from_db()
    assert contact.preferred_language == "ar"
    assert UserPreferences.objects.get(user=user).language == "ar"


@pytest.mark.parametrize(
    "data",
    [
        {"language": "de", "next": "/"},
        {"language": "", "next": "/"},
        {"language": "fr", "next": "https://evil.example.com/"},
        {"language": "fr", "next": "//evil.example.com/"},
        {"language": "fr", "next": "javascript:alert(1)"},
        {"language": ["fr", "ar"], "next": "/" * 3000},
    ],
)
def test_tampered_posts_are_refused_with_a_400(client, data):
    user = DelegateFactory()
    for signed_in in (False, True):
        if signed_in:
            client.force_login(user)
        response = client.post(reverse("set_language"), data)
        assert response.status_code == 400
    assert not UserPreferences.objects.exists()


def test_the_switcher_only_accepts_posts(client):
    assert client.get(reverse("set_language"), {"language": "fr"}).status_code == 405


def test_the_saved_language_beats_the_cookie_and_the_browser_on_every_page_and_in_the_admin(client, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    staff = StaffFactory()
    user_language_set(user=staff, language="ar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(staff)

    for url in (reverse("home"), reverse("meetings:visit_list"), reverse("admin:index")):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert html_lang(response) == "ar", url
        assert response["Content-Language"] == "ar"
    admin_page = client.get(reverse("admin:index")).content.decode()
    assert 'dir="rtl"' in admin_page
    assert 'id="language-form"' in admin_page and 'name="language" value="fr"' in admin_page, "the admin's switcher"


def test_anonymous_visitors_get_their_browsers_language(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es-CO,es;q=0.9,en;q=0.5")

    assert html_lang(response) == "es"
    assert "Accept-Language" in response["Vary"]


def test_a_user_without_a_saved_language_keeps_the_cookies(client):
    client.force_login(DelegateFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    assert html_lang(client.get(reverse("home"))) == "fr"


def test_the_account_is_loaded_with_its_language_in_one_query(django_assert_num_queries):
    user = DelegateFactory()
    user_language_set(user=user, language="fr")
    client = Client()
    client.force_login(user)
    backend = client.session["_auth_user_backend"]

    liaison, contact = make_liaison("PE")
    Contact.objects.filter(pk=contact.pk).update(preferred_language="es")

    with django_assert_num_queries(1):
        loaded = load_backend(backend).get_user(user.pk)
        assert user_language(loaded) == "fr"
        assert user_language(loaded) == "fr"
    with django_assert_num_queries(1):
        assert user_language(load_backend(backend).get_user(liaison.pk)) == "es", "the contact's, in the same query"


def test_signing_up_saves_the_language_of_the_sign_up_page(client):
    client.post(
        reverse("account_signup"),
        {"email": "agente@example.es", "password1": PASSWORD + "x!", "password2": PASSWORD + "x!"},
        HTTP_ACCEPT_LANGUAGE="es",
    )

    user = get_user_model().objects.get(email="agente@example.es")
    assert UserPreferences.objects.get(user=user).language == "es"


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password", "home"])
def test_the_switcher_is_on_the_sign_in_pages(client, url_name):
    html = client.get(reverse(url_name)).content.decode()

    assert re.findall(r'name="language" value="(\w+)"', html) == ["en", "fr", "es", "ar"]


def test_the_switcher_is_on_the_error_pages(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 404
    assert 'name="language" value="ar"' in response.content.decode()


def test_normalise_language():
    assert normalise_language("fr-CA") == "fr"
    assert normalise_language("AR") == "ar"
    assert normalise_language("de") is None
    assert normalise_language(None) is None


def test_setting_a_language_that_is_not_offered_is_refused():
    user = DelegateFactory()
    with pytest.raises(ValueError):
        user_language_set(user=user, language="de")
    assert not Contact.objects.filter(user=user).exists()


def test_account_emails_use_the_accounts_language_before_the_contacts(client):
    user, contact = make_liaison("PE")
    contact.preferred_language = "es"
    contact.save(update_fields=["preferred_language"])
    UserPreferences.objects.create(user=user, language="ar")

    client.post(reverse("account_reset_password"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="fr")

    (message,) = mail.outbox
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert '<html lang="ar"' in html


def test_a_liaison_who_never_chose_gets_the_contacts_language_until_they_switch(client):
    user, contact = make_liaison("SN")
    contact.preferred_language = "fr"
    contact.save(update_fields=["preferred_language"])
    client.force_login(user)

    assert html_lang(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")) == "fr"
    switch(client, "ar")
    assert html_lang(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")) == "ar"


def test_an_inactive_contacts_language_is_not_the_accounts(client):
    user, contact = make_liaison("SN")
    Contact.objects.filter(pk=contact.pk).update(preferred_language="fr", is_active=False)
    client.force_login(user)

    assert html_lang(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")) == "es"


def test_a_language_picked_on_this_browser_wins_over_the_contacts_default(client):
    user, contact = make_liaison("SN")
    contact.preferred_language = "fr"
    contact.save(update_fields=["preferred_language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"  # picked before signing in
    client.force_login(user)

    assert html_lang(client.get(reverse("home"))) == "es"
